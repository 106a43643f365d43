from django.contrib.auth import views as auth_views
from django.urls import path

from polis.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accedi/", views.login_view, name="login"),
    path("accedi/verifica/", views.login_otp, name="login_otp"),
    path("accedi/attiva-2fa/", views.login_enroll, name="login_enroll"),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
    path("registrati/", views.register, name="register"),
    path("registrati/inviata/", views.register_done, name="register_done"),
    path("password/recupera/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/recupera/inviata/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/nuova/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("invito/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path(
        "password/aggiornata/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("profilo/sicurezza/", views.security, name="security"),
    path("agenzia/colleghi/", views.colleagues, name="colleagues"),
    path("agenzia/verifica-due-passaggi/", views.firm_two_factor, name="firm_two_factor"),
    path("back-office/registrazioni/", views.firm_queue, name="firm_queue"),
    path("back-office/registrazioni/<int:pk>/", views.firm_review, name="firm_review"),
]
