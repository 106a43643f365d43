from django.urls import path

from polis.claims import views

app_name = "claims"

urlpatterns = [
    path("sinistri/apri/", views.eligible_policies, name="eligible_policies"),
    path("sinistri/apri/<int:practice_pk>/", views.open_claim, name="open"),
    path("sinistri/", views.claim_list, name="list"),
    path("sinistri/<int:pk>/", views.claim_detail, name="detail"),
    path("sinistri/<int:pk>/documenti/<int:document_pk>/", views.claim_document, name="document"),
    path("sinistri/<int:pk>/quietanze/<int:quietanza_pk>/", views.quietanza_pdf, name="quietanza"),
    path("sinistri/<int:pk>/<slug:action>/", views.claim_action, name="action"),
]
