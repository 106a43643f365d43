from django.urls import path

from polis.bordereaux import views

app_name = "bordereaux"

urlpatterns = [
    path("bordereaux/", views.bordereau_list, name="list"),
    path("bordereaux/genera/", views.bordereau_generate, name="generate"),
    path("bordereaux/<int:pk>/", views.bordereau_detail, name="detail"),
    path(
        "bordereaux/<int:pk>/rigenera/",
        views.bordereau_action,
        {"action": "regenerate"},
        name="regenerate",
    ),
    path(
        "bordereaux/<int:pk>/<str:part>/",
        views.bordereau_download,
        name="download",
    ),
]
