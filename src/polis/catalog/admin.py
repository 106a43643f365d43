from django import forms
from django.contrib import admin

from polis.catalog import services
from polis.catalog.forms import CATALOG_STAMP
from polis.catalog.models import Coverage, Insurer, Product, ProductDocument, TariffVersion
from polis.catalog.rating import TariffError, load_tariff
from polis.core.admin import StampedAdmin
from polis.core.errors import DomainError
from polis.documents.services import store_file
from polis.documents.validation import validate_upload


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


class CoverageInline(admin.TabularInline):
    model = Coverage
    extra = 0


class CatalogNamesAdmin(StampedAdmin):
    """Products and insurers are named in the cached portfolio filters (PortfolioFilterForm)."""

    cache_stamp = CATALOG_STAMP


@admin.register(Product)
class ProductAdmin(CatalogNamesAdmin):
    list_display = ["code", "name", "insurer", "active"]
    inlines = [CoverageInline]


class ProductDocumentForm(forms.ModelForm):
    upload = forms.FileField(label="File PDF")

    class Meta:
        model = ProductDocument
        fields = ["product", "kind", "version", "valid_from"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            self.validated = validate_upload(name=upload.name, data=upload.read())
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        return upload


@admin.register(ProductDocument)
class ProductDocumentAdmin(admin.ModelAdmin):
    """A new version is a new row: documents already delivered to clients never change."""

    form = ProductDocumentForm
    list_display = ["product", "kind", "version", "valid_from"]
    list_filter = ["product", "kind"]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.file = store_file(actor=request.user, validated=form.validated)
        super().save_model(request, obj, form, change)


admin.site.register(Insurer, CatalogNamesAdmin)
