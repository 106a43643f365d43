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
    path(
        "preventivi/<int:pk>/duplica/",
        views.quote_action,
        {"action": "duplicate"},
        name="duplicate",
    ),
    path("preventivi/<int:pk>/invia/", views.quote_action, {"action": "send"}, name="send"),
    path("preventivi/personalizzati/", views.request_list, name="requests"),
    path("preventivi/personalizzati/nuovo/", views.request_custom, name="request_create"),
    path("preventivi/personalizzati/<int:pk>/", views.request_detail, name="request_detail"),
    path(
        "preventivi/personalizzati/<int:pk>/offerta/",
        views.request_action,
        {"action": "offer"},
        name="request_offer",
    ),
    path(
        "preventivi/personalizzati/<int:pk>/rifiuta/",
        views.request_action,
        {"action": "decline"},
        name="request_decline",
    ),
    path(
        "preventivi/personalizzati/<int:pk>/accetta/",
        views.request_action,
        {"action": "accept"},
        name="request_accept",
    ),
]
