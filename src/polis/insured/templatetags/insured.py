"""The agency's panel for the insured's link, on the practice's and the claim's pages."""

from django import template
from django.urls import reverse

from polis.insured.selectors import latest_link

register = template.Library()


@register.inclusion_tag("insured/_agency_panel.html", takes_context=True)
def insured_link_panel(context, practice, claim=None):
    if claim is not None:
        send_url = reverse("insured:send_claim", args=[claim.pk])
    else:
        send_url = reverse("insured:send_practice", args=[practice.pk])
    return {
        "link": latest_link(practice, claim),
        "send_url": send_url,
        "csrf_token": context.get("csrf_token"),
    }
