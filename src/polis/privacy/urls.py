from django.urls import path

from polis.privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/richieste/", views.request_list, name="list"),
    path("privacy/richieste/nuova/<int:client_pk>/", views.request_create, name="create"),
    path("privacy/richieste/<int:pk>/", views.request_detail, name="detail"),
    path(
        "privacy/richieste/<int:pk>/proroga/",
        views.request_action,
        {"action": "extend"},
        name="extend",
    ),
    path(
        "privacy/richieste/<int:pk>/esporta/",
        views.request_action,
        {"action": "export"},
        name="export",
    ),
    path(
        "privacy/richieste/<int:pk>/rispondi/",
        views.request_action,
        {"action": "answer"},
        name="answer",
    ),
    # The person's signed, expiring link to his export (no login: the link is the key)
    path("privacy/dati/<str:token>/", views.export_download, name="export_download"),
    # Every e-mail's unsubscribe link (no login: the signed link is the key)
    path("privacy/disiscrizione/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
