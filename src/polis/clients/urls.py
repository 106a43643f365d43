from django.urls import path

from polis.clients import views

app_name = "clients"

urlpatterns = [
    path("clienti/", views.client_list, name="list"),
    path("clienti/nuovo/", views.client_create, name="create"),
    path("clienti/scegli/", views.picker, name="picker"),
    path("clienti/<int:pk>/", views.client_detail, name="detail"),
    path("clienti/<int:pk>/modifica/", views.client_edit, name="edit"),
]
