from django.urls import path

from polis.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("salute/", views.health, name="health"),
    path("faq/", views.faq, name="faq"),
    path("contattaci/", views.contact, name="contact"),
    path("contattaci/inviato/", views.contact_done, name="contact_done"),
    path("privacy/", views.privacy, name="privacy"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("back-office/contatti/", views.contact_requests, name="contact_requests"),
    path(
        "back-office/contatti/<int:pk>/gestita/",
        views.contact_request_handled,
        name="contact_request_handled",
    ),
]
