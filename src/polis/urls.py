from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path
from django.views.i18n import set_language
from django_otp.admin import OTPAdminSite

from polis.api.api import api

# The admin requires a session verified with two factors and logs in through our own page.
admin.site.__class__ = OTPAdminSite
admin.site.login = lambda request, extra_context=None: redirect_to_login(request.get_full_path())
admin.site.site_header = "polis – amministrazione"
admin.site.site_title = "polis"

urlpatterns = [
    # First, the ones under a prefix of their own: a URL is resolved by trying every pattern
    # before it, and the public log's proofs and the API are requested by the million.
    path("registro/", include("polis.ledger.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    # The language switch of the client's pages (polis.core.languages)
    path("lingua/", set_language, name="set_language"),
    path("", include("polis.web.urls")),
    path("", include("polis.accounts.urls")),
    path("", include("polis.notify.urls")),
    path("", include("polis.audit.urls")),
    path("", include("polis.messaging.urls")),
    path("", include("polis.clients.urls")),
    path("", include("polis.quotes.urls")),
    path("", include("polis.practices.urls")),
    path("", include("polis.signatures.urls")),
    path("", include("polis.claims.urls")),
    path("", include("polis.insured.urls")),
    path("", include("polis.catalog.urls")),
    path("", include("polis.privacy.urls")),
    path("", include("polis.integrations.urls")),
    path("", include("polis.bordereaux.urls")),
    path("", include("polis.complaints.urls")),
    path("", include("polis.accounting.urls")),
    path("", include("polis.portfolio.urls")),
    path("", include("polis.retention.urls")),
]
