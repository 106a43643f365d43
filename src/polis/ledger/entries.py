"""The bytes of one entry of the log, the same for the sequencer and for its verifiers."""

import json


def canonical_entry(*, type: str, ref: str, sha256: str, time: str) -> bytes:
    """The entry bytes: canonical JSON, sorted keys, no spaces, UTF-8."""
    data = {"v": 1, "type": type, "ref": ref, "sha256": sha256, "time": time}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
