"""The login backend: Django's, with the user's firm read in the same query."""

from django.contrib.auth.backends import ModelBackend

from polis.accounts.models import User

BACKEND = "polis.accounts.backends.FirmModelBackend"


class FirmModelBackend(ModelBackend):
    """Every page shows the user's firm in its menu: one query for both, not two."""

    def get_user(self, user_id):
        user = User.objects.select_related("firm").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
