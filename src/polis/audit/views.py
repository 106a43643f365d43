from django.http import Http404
from django.shortcuts import render

from polis.audit.selectors import audit_events_for
from polis.core.access import capability_required


@capability_required("view_audit")
def object_history(request, object_type: str, object_id: str):
    events = audit_events_for(object_type=object_type, object_id=object_id)[:500]
    if not events:
        raise Http404
    return render(
        request,
        "audit/object_history.html",
        {"events": events, "object_type": object_type, "object_id": object_id},
    )
