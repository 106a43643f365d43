from django.urls import path

from polis.practices import views

app_name = "practices"

urlpatterns = [
    path("pratiche/", views.practice_list, name="list"),
    path("pratiche/<int:pk>/", views.practice_detail, name="detail"),
    path("pratiche/<int:pk>/emetti/", views.issue, name="issue"),
    path("pratiche/<int:pk>/approva/", views.approve, name="approve"),
    path("pratiche/<int:pk>/rifiuta/", views.decline, name="decline"),
    path("back-office/pratiche/", views.review_queue, name="review_queue"),
    path(
        "pratiche/<int:pk>/contratto/", views.practice_file, {"which": "contract"}, name="contract"
    ),
    path(
        "pratiche/<int:pk>/contratto-firmato/",
        views.practice_file,
        {"which": "signed_contract"},
        name="signed_contract",
    ),
    path(
        "pratiche/<int:pk>/rapporto-di-firma/",
        views.practice_file,
        {"which": "signature_report"},
        name="signature_report",
    ),
    path("pratiche/<int:pk>/firma/", views.send_for_signature, name="send_for_signature"),
    path("preventivi/<int:quote_pk>/trasforma/", views.convert, name="convert"),
]
