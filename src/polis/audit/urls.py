from django.urls import path

from polis.audit import views

app_name = "audit"

urlpatterns = [
    path(
        "back-office/attivita/<str:object_type>/<str:object_id>/",
        views.object_history,
        name="object_history",
    ),
]
