from django.contrib import admin

from polis.core.admin import StampedAdmin
from polis.web.models import ContactRequest, FaqEntry
from polis.web.selectors import FAQ_STAMP


@admin.register(FaqEntry)
class FaqEntryAdmin(StampedAdmin):
    cache_stamp = FAQ_STAMP  # the FAQ page's entries are cached (selectors.faq_entries_html)
    list_display = ["question", "section", "position", "published"]
    list_editable = ["position", "published"]
    list_filter = ["section", "published"]
    search_fields = ["question", "answer"]


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ["subject", "name", "email", "created_at", "handled_at"]
    readonly_fields = ["privacy_accepted_at", "created_at", "handled_at", "handled_by"]
