"""Who manages which keys and subscriptions, and what an owner may be sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from polis.accounts.models import User
from polis.core.access import can
from polis.integrations.models import ApiKey, WebhookDelivery, WebhookSubscription

if TYPE_CHECKING:
    from django.db.models import Model


def owners_for(user: User) -> QuerySet[User]:
    """Whom `user` may create a key or a subscription for: the MGA's staff for any active
    user, a firm's administrator for his own firm's users."""
    users = User.objects.filter(is_active=True).order_by("last_name", "first_name", "email")
    if not can(user, "manage_integrations"):
        return users.none()
    if user.is_collaborator:
        return users.filter(firm_id=user.firm_id)
    return users


def keys_visible_to(user: User) -> QuerySet[ApiKey]:
    keys = ApiKey.objects.select_related("user", "insurer", "created_by")
    if not can(user, "manage_integrations"):
        return keys.none()
    return keys.filter(user__in=owners_for(user))


def get_key_for(user: User, pk: int) -> ApiKey:
    key = keys_visible_to(user).filter(pk=pk).first()
    if key is None:
        raise Http404
    return key


def subscriptions_visible_to(user: User) -> QuerySet[WebhookSubscription]:
    subscriptions = WebhookSubscription.objects.select_related("user", "insurer")
    if not can(user, "manage_integrations"):
        return subscriptions.none()
    return subscriptions.filter(user__in=owners_for(user))


def get_subscription_for(user: User, pk: int) -> WebhookSubscription:
    subscription = subscriptions_visible_to(user).filter(pk=pk).first()
    if subscription is None:
        raise Http404
    return subscription


def delivery_log(subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return subscription.deliveries.select_related("event").prefetch_related("log").order_by("-pk")


def get_delivery_for(user: User, pk: int) -> WebhookDelivery:
    delivery = (
        WebhookDelivery.objects.select_related("event", "subscription")
        .filter(pk=pk, subscription__in=subscriptions_visible_to(user))
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery


def insurer_of(target: Model) -> int | None:
    """The insurer a claim, policy or quote is with (its product's), if any."""
    for path in ("practice.product.insurer_id", "product.insurer_id"):
        value: object = target
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if value is not None:
            return int(value)  # type: ignore[call-overload]
    return None
