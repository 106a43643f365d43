"""The public log's demo events: two documents with opaque references."""

from polis.ledger.models import LedgerEntry
from polis.ledger.services import document_sha256, record_event

DEMO_DOCUMENTS = (b"polis demo: contratto", b"polis demo: quietanza")


def record_demo_events() -> int:
    """Record the demo events once (idempotent); the number recorded."""
    if LedgerEntry.objects.filter(ref__startswith="DEMO-").exists():
        return 0
    for n, content in enumerate(DEMO_DOCUMENTS, start=1):
        record_event(type="demo.document", ref=f"DEMO-{n}", sha256=document_sha256(content))
    return len(DEMO_DOCUMENTS)
