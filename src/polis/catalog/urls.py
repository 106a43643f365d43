from django.urls import path

from polis.catalog import views

app_name = "catalog"

urlpatterns = [
    path("prodotti/documenti/<int:pk>/", views.product_document, name="document"),
]
