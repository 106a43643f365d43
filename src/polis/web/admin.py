from django.contrib import admin

from polis.web.models import ContactRequest, FaqEntry


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ["question", "section", "position", "published"]
    list_editable = ["position", "published"]
    list_filter = ["section", "published"]
    search_fields = ["question", "answer"]


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ["subject", "name", "email", "created_at", "handled_at"]
    readonly_fields = ["privacy_accepted_at", "created_at", "handled_at", "handled_by"]
