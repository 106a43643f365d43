from django.contrib import admin

from polis.complaints.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The categories are the MGA's own list (the register and the quarterly summary)."""

    list_display = ("label", "label_en", "code", "order", "active")
    list_editable = ("order", "active")
