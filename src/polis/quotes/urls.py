from django.urls import path, re_path

from polis.quotes import views

app_name = "quotes"

urlpatterns = [
    path("preventivi/", views.quote_list, name="list"),
    re_path(r"^preventivi/esporta\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("preventivi/nuovo/", views.choose_product, name="create"),
    path("preventivi/nuovo/<str:code>/", views.create_quote, name="create_for_product"),
    path("preventivi/<int:pk>/", views.quote_detail, name="detail"),
    path("preventivi/<int:pk>/pdf/", views.quote_pdf, name="pdf"),
    path("preventivi/<int:pk>/duplica/", views.duplicate, name="duplicate"),
]
