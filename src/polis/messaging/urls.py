from django.urls import path

from polis.messaging import views

app_name = "messaging"

urlpatterns = [
    path("comunicazioni/", views.inbox, name="inbox"),
    path("comunicazioni/nuova/", views.new_thread, name="new_thread"),
    path("comunicazioni/<int:pk>/", views.thread, name="thread"),
    path("comunicazioni/<int:pk>/allegati/<int:file_pk>/", views.attachment, name="attachment"),
]
