from django.contrib import admin

from polis.bordereaux.models import Binder


@admin.register(Binder)
class BinderAdmin(admin.ModelAdmin):
    list_display = ["insurer", "umr", "agreement_number", "coverholder_pin", "year_of_account"]
