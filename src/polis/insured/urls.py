from django.urls import path

from polis.insured import views

app_name = "insured"

urlpatterns = [
    path("assicurato/<str:token>/", views.page, name="page"),
    path("assicurato/<str:token>/documenti/<int:file_id>/", views.document, name="document"),
    path("assicurato/<str:token>/invia-documento/", views.upload, name="upload"),
    path("assicurato/<str:token>/nuovo-link/", views.renew, name="renew"),
    path("link-assicurato/pratiche/<int:pk>/invia/", views.send_for_practice, name="send_practice"),
    path("link-assicurato/sinistri/<int:pk>/invia/", views.send_for_claim, name="send_claim"),
    path("link-assicurato/<int:pk>/revoca/", views.revoke, name="revoke"),
]
