from django.urls import path

from polis.retention import views

app_name = "retention"

urlpatterns = [
    path("conservazione/", views.overview, name="overview"),
    path("conservazione/esecuzioni/<int:pk>/", views.run_detail, name="run"),
    path("conservazione/esecuzioni/<int:pk>/csv/", views.run_csv, name="run_csv"),
    path("conservazione/blocchi/nuovo/<int:client_pk>/", views.hold_create, name="hold_create"),
    path("conservazione/blocchi/<int:pk>/revoca/", views.hold_release, name="hold_release"),
]
