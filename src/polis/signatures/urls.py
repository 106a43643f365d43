from django.urls import path

from polis.signatures import views

app_name = "signatures"

urlpatterns = [
    path("firma/nota-informativa/", views.fea_note, name="note"),
    path("firma/<str:token>/", views.sign, name="sign"),
    path("firma/<str:token>/documento.pdf", views.document, name="document"),
    path(
        "firma/<str:token>/documenti/<int:number>.pdf",
        views.signing_document,
        name="signing_document",
    ),
    path("firma/<str:token>/ricevuti/", views.acknowledge, name="acknowledge"),
    path("firma/<str:token>/accetta/", views.accept, name="accept"),
    path("firma/<str:token>/codice/", views.send_code, name="send_code"),
    path("firma/<str:token>/conferma/", views.confirm, name="confirm"),
    path("firma/<str:token>/rifiuta/", views.decline, name="decline"),
    path("firma/<str:token>/codice-verifica/", views.send_access_code, name="access_code"),
    path("firma/<str:token>/verifica/", views.verify_access, name="verify"),
    path("firma/<str:token>/revoca-consenso/", views.withdraw, name="withdraw"),
    path("firma/<str:token>/firmato.pdf", views.signed_document, name="signed_document"),
    path("firma/<str:token>/rapporto.pdf", views.report, name="report"),
    path("firme/<int:pk>/reinvia/", views.resend, name="resend"),
    path("firme/<int:pk>/annulla/", views.void, name="void"),
]
