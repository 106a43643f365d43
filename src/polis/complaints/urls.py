from django.urls import path

from polis.complaints import views

app_name = "complaints"

urlpatterns = [
    # The public form (no login)
    path("reclami/", views.complaint_public, name="public"),
    path("reclami/inviato/", views.complaint_public_done, name="public_done"),
    path("reclami/registro/", views.complaint_list, name="list"),
    path("reclami/registro/nuovo/", views.complaint_create, name="create"),
    path("reclami/registro/esporta/", views.complaint_register_export, name="export"),
    path("reclami/registro/per-categoria/", views.complaint_summary, name="summary"),
    path("reclami/registro/<int:pk>/", views.complaint_detail, name="detail"),
    path(
        "reclami/registro/<int:pk>/assegna/",
        views.complaint_action,
        {"action": "assign"},
        name="assign",
    ),
    path(
        "reclami/registro/<int:pk>/inoltra/",
        views.complaint_action,
        {"action": "forward"},
        name="forward",
    ),
    path(
        "reclami/registro/<int:pk>/rispondi/",
        views.complaint_action,
        {"action": "answer"},
        name="answer",
    ),
]
