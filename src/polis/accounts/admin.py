from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from polis.accounts.models import Firm, User


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    list_display = ["name", "partita_iva", "rui_number", "status", "created_at"]
    list_filter = ["status", "rui_section"]
    search_fields = ["name", "partita_iva", "rui_number"]
    readonly_fields = ["status", "reviewed_by", "reviewed_at", "rejection_reason"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "firm", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Anagrafica", {"fields": ["first_name", "last_name"]}),
        (
            "Ruolo",
            {"fields": ["role", "firm", "is_firm_admin", "is_active", "is_staff", "is_superuser"]},
        ),
        ("Iscrizione RUI", {"fields": ["rui_section", "rui_number", "rui_date", "qualifica"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "firm",
                    "password1",
                    "password2",
                ]
            },
        ),
    ]
