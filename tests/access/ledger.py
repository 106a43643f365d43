import hashlib

from polis.ledger import services
from tests.access import Rule, expect


def arrange(world: dict) -> None:
    for i in range(3):
        digest = hashlib.sha256(b"access %d" % i).hexdigest()
        entry = services.record_event(type="policy.issued", ref=f"ACC-{i}", sha256=digest)
    services.publish_log()  # time-stamped by the development TSA
    world["ledger_leaf"] = entry.leaf_hash
    world["ledger_document"] = entry.sha256


RULES = [
    # The public log: readable by everybody, logged in or not.
    Rule("ledger:checkpoint", expect(200)),
    Rule("ledger:key", expect(200)),
    Rule("ledger:timestamp", expect(200), kwargs=lambda w: {"size": 3}),
    Rule("ledger:offline_verifier", expect(200)),
    Rule(
        "ledger:hash_tile",
        expect(200),
        kwargs=lambda w: {"level": "0", "path": "000", "width": "3"},
    ),
    Rule("ledger:entry_tile", expect(200), kwargs=lambda w: {"path": "000", "width": "3"}),
    Rule(
        "ledger:inclusion_proof",
        expect(200),
        data=lambda w: {"hash": w["ledger_leaf"], "size": "3"},
    ),
    Rule("ledger:consistency_proof", expect(200), data=lambda w: {"from": "1", "to": "3"}),
    Rule("ledger:verify", expect(200)),
    Rule("ledger:verify_lookup", expect(200), data=lambda w: {"sha256": w["ledger_document"]}),
    Rule("ledger:verify_proof", expect(200), data=lambda w: {"sha256": w["ledger_document"]}),
]
