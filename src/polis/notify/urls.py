from django.urls import path

from polis.notify import views

app_name = "notify"

urlpatterns = [
    path("back-office/sms/", views.sms_outbox, name="sms_outbox"),
    path("back-office/messaggi/<int:pk>/riprova/", views.retry, name="retry"),
]
