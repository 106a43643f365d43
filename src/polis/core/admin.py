from django.contrib import admin

from polis.core.cache import touch


class StampedAdmin(admin.ModelAdmin):
    """An admin whose changes invalidate the values cached under `cache_stamp` (core.cache)."""

    cache_stamp: str

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        touch(self.cache_stamp)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        touch(self.cache_stamp)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        touch(self.cache_stamp)
