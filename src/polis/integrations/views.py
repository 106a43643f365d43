"""The pages of the API keys and webhooks (Integrazioni): the MGA's staff for anyone, a firm's
administrator for his firm. A secret is shown once, in the answer to the POST that made it."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from polis.audit.selectors import audit_events_for
from polis.core.access import capability_required
from polis.core.errors import DomainError
from polis.core.forms import show_error
from polis.core.pagination import CappedPaginator
from polis.integrations import selectors
from polis.integrations.forms import KeyForm, SubscriptionForm
from polis.integrations.services import keys, webhooks


def _secret(request, *, title: str, secret: str, back: str, note: str):
    response = render(
        request,
        "integrations/secret.html",
        {"title": title, "secret": secret, "back": back, "note": note},
    )
    response["Cache-Control"] = "no-store"
    return response


@capability_required("manage_integrations")
def key_list(request):
    page = CappedPaginator(selectors.keys_visible_to(request.user), 25).get_page(
        request.GET.get("pagina")
    )
    return render(request, "integrations/keys.html", {"page": page})


@capability_required("manage_integrations")
@require_http_methods(["GET", "POST"])
def key_create(request):
    form = KeyForm(request.POST or None, actor=request.user)
    if form.is_valid():
        try:
            key, token = keys.create_api_key(
                actor=request.user,
                **form.owned(),
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except DomainError as error:
            show_error(form, error, "expires_on" if error.field == "expires_at" else None)
        else:
            return _secret(
                request,
                title=_("Chiave «%(n)s» creata") % {"n": key.name},
                secret=token,
                back=key.get_absolute_url(),
                note=_("Usala nell'intestazione Authorization: Bearer <chiave>."),
            )
    return render(request, "integrations/key_form.html", {"form": form})


@capability_required("manage_integrations")
def key_detail(request, pk: int):
    key = selectors.get_key_for(request.user, pk)
    return render(
        request,
        "integrations/key_detail.html",
        {
            "key": key,
            "events": audit_events_for(object_type="integrations.apikey", object_id=str(key.pk)),
        },
    )


@capability_required("manage_integrations")
@require_POST
def key_rotate(request, pk: int):
    key = selectors.get_key_for(request.user, pk)
    try:
        new, token = keys.rotate_api_key(actor=request.user, key=key)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(key.get_absolute_url())
    return _secret(
        request,
        title=_("Nuovo segreto per «%(n)s»") % {"n": new.name},
        secret=token,
        back=new.get_absolute_url(),
        note=_("Il segreto precedente funziona ancora per %(h)s ore, poi scade.")
        % {"h": settings.API_KEY_ROTATION_GRACE_HOURS},
    )


@capability_required("manage_integrations")
@require_POST
def key_revoke(request, pk: int):
    key = selectors.get_key_for(request.user, pk)
    try:
        keys.revoke_api_key(actor=request.user, key=key)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Chiave revocata: non funziona più."))
    return redirect(key.get_absolute_url())


@capability_required("manage_integrations")
def webhook_list(request):
    page = CappedPaginator(selectors.subscriptions_visible_to(request.user), 25).get_page(
        request.GET.get("pagina")
    )
    return render(request, "integrations/webhooks.html", {"page": page})


@capability_required("manage_integrations")
@require_http_methods(["GET", "POST"])
def webhook_create(request):
    form = SubscriptionForm(request.POST or None, actor=request.user)
    if form.is_valid():
        try:
            subscription = webhooks.create_subscription(
                actor=request.user,
                **form.owned(),
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return _secret(
                request,
                title=_("Webhook «%(n)s» registrato") % {"n": subscription.name},
                secret=subscription.secret,
                back=subscription.get_absolute_url(),
                note=_(
                    "Con questo segreto il ricevitore verifica l'intestazione webhook-signature "
                    "(HMAC-SHA256 di webhook-id.webhook-timestamp.corpo, come Standard Webhooks)."
                ),
            )
    return render(request, "integrations/webhook_form.html", {"form": form})


@capability_required("manage_integrations")
def webhook_detail(request, pk: int):
    subscription = selectors.get_subscription_for(request.user, pk)
    page = CappedPaginator(selectors.delivery_log(subscription), 25).get_page(
        request.GET.get("pagina")
    )
    labels = dict(webhooks.EVENT_CHOICES)
    for delivery in page:
        delivery.label = labels.get(delivery.event.type, delivery.event.type)
    return render(
        request,
        "integrations/webhook_detail.html",
        {
            "subscription": subscription,
            "page": page,
            "events": audit_events_for(
                object_type="integrations.webhooksubscription", object_id=str(subscription.pk)
            )[:50],
        },
    )


@capability_required("manage_integrations")
@require_POST
def webhook_toggle(request, pk: int):
    subscription = selectors.get_subscription_for(request.user, pk)
    active = not subscription.active
    webhooks.set_subscription_active(actor=request.user, subscription=subscription, active=active)
    messages.success(
        request,
        _("Webhook riattivato: gli invii in coda ripartono.")
        if active
        else _("Webhook disattivato: gli eventi restano in coda."),
    )
    return redirect(subscription.get_absolute_url())


@capability_required("manage_integrations")
@require_POST
def delivery_replay(request, pk: int):
    delivery = selectors.get_delivery_for(request.user, pk)
    try:
        webhooks.replay_delivery(actor=request.user, delivery=delivery)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invio rimesso in coda, con lo stesso webhook-id."))
    return redirect(delivery.subscription.get_absolute_url())
