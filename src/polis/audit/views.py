from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from polis.audit.selectors import audit_events_for
from polis.core.access import capability_required


def _object_exists(object_type: str, object_id: str) -> bool:
    try:
        return apps.get_model(object_type).objects.filter(pk=object_id).exists()
    except (LookupError, ValueError, ValidationError):
        return False


@capability_required("view_audit")
def object_history(request, object_type: str, object_id: str):
    events = audit_events_for(object_type=object_type, object_id=object_id)[:500]
    # An object with no event yet (created outside the services) has an empty history.
    if not events and not _object_exists(object_type, object_id):
        raise Http404
    return render(
        request,
        "audit/object_history.html",
        {"events": events, "object_type": object_type, "object_id": object_id},
    )
