from django.urls import path

from polis.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("portafoglio/importa/", views.index, name="index"),
    path("portafoglio/modello.<str:fmt>", views.template, name="template"),
    path("portafoglio/esporta.<str:fmt>", views.export, name="export"),
    path("portafoglio/importa/<int:pk>/", views.batch, name="batch"),
    path("portafoglio/importa/<int:pk>/esito.csv", views.report, name="report"),
    path(
        "portafoglio/importa/<int:pk>/conferma/",
        views.batch_action,
        {"action": "confirm"},
        name="confirm",
    ),
    path(
        "portafoglio/importa/<int:pk>/annulla/",
        views.batch_action,
        {"action": "cancel"},
        name="cancel",
    ),
]
