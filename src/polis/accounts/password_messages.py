"""The messages of Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), which the
installed Django's Italian catalogue no longer matches: listed here so that `makemessages` keeps
them in ours (src/polis/locale), which Django reads before its own. Never called."""

from django.utils.translation import gettext_noop, ngettext_lazy

PASSWORD_VALIDATOR_MESSAGES = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
)
