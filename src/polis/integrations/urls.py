from django.urls import path

from polis.integrations import views

app_name = "integrations"

urlpatterns = [
    path("integrazioni/chiavi/", views.key_list, name="keys"),
    path("integrazioni/chiavi/nuova/", views.key_create, name="key_create"),
    path("integrazioni/chiavi/<int:pk>/", views.key_detail, name="key_detail"),
    path("integrazioni/chiavi/<int:pk>/ruota/", views.key_rotate, name="key_rotate"),
    path("integrazioni/chiavi/<int:pk>/revoca/", views.key_revoke, name="key_revoke"),
    path("integrazioni/webhook/", views.webhook_list, name="webhooks"),
    path("integrazioni/webhook/nuovo/", views.webhook_create, name="webhook_create"),
    path("integrazioni/webhook/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("integrazioni/webhook/<int:pk>/stato/", views.webhook_toggle, name="webhook_toggle"),
    path("integrazioni/webhook/invii/<int:pk>/ripeti/", views.delivery_replay, name="replay"),
]
