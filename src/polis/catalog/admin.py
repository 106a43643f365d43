from django import forms
from django.contrib import admin

from polis.catalog import services
from polis.catalog.models import Insurer, Product, TariffVersion
from polis.catalog.rating import TariffError, load_tariff
from polis.core.errors import DomainError


class TariffVersionForm(forms.ModelForm):
    class Meta:
        model = TariffVersion
        fields = ["product", "version", "valid_from", "valid_to", "document"]

    def clean_document(self):
        document = self.cleaned_data["document"]
        try:
            load_tariff(document)
        except TariffError as error:
            raise forms.ValidationError(f"Tariffa non valida: {error}") from error
        return document


@admin.register(TariffVersion)
class TariffVersionAdmin(admin.ModelAdmin):
    form = TariffVersionForm
    list_display = ["product", "version", "valid_from", "valid_to", "in_use"]
    list_filter = ["product", "in_use"]

    def get_readonly_fields(self, request, obj=None):
        return (
            ["product", "version", "valid_from", "document", "in_use"]
            if obj and obj.in_use
            else ["in_use"]
        )

    def save_model(self, request, obj, form, change):
        try:
            services.save_tariff_version(version=obj)
        except DomainError as error:
            self.message_user(request, error.message, level="error")

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.in_use


admin.site.register(Insurer)
admin.site.register(Product)
