"""The message of Django's password length validator (settings.AUTH_PASSWORD_VALIDATORS), which
the installed Django's Italian catalogue no longer matches (it translates an older wording):
listed here so that `makemessages` keeps it in our catalogue (src/polis/locale), which Django
reads before its own. Never called."""

from django.utils.translation import ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
