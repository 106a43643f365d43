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
    path("pratiche/<int:pk>/contratto/", views.contract, name="contract"),
    path("preventivi/<int:quote_pk>/trasforma/", views.convert, name="convert"),
]
