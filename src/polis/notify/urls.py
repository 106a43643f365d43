from django.urls import path

from polis.notify import views

app_name = "notify"

urlpatterns = [
    path("back-office/sms/", views.sms_outbox, name="sms_outbox"),
    path("back-office/posta/", views.mail_outbox, name="mail_outbox"),
    path("back-office/posta/<int:pk>/", views.mail_detail, name="mail_detail"),
    path("back-office/posta/<int:pk>/corpo/", views.mail_body, name="mail_body"),
    path(
        "back-office/posta/<int:pk>/allegati/<int:file_pk>/",
        views.mail_attachment,
        name="mail_attachment",
    ),
    path("back-office/messaggi/<int:pk>/riprova/", views.retry, name="retry"),
]
