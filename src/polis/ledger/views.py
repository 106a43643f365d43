"""Public, read-only HTTP interface of the log (C2SP tlog-tiles layout plus JSON proofs)."""

from __future__ import annotations

import base64
import re

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from polis.core.languages import client_page
from polis.ledger import keys, offline, selectors
from polis.ledger.tiles import parse_tile_path

IMMUTABLE = "public, max-age=31536000, immutable"
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


def _tree_size() -> int:
    checkpoint = selectors.latest_checkpoint()
    return checkpoint.size if checkpoint else 0


def _uint(value: str | None) -> int | None:
    return int(value) if value is not None and value.isascii() and value.isdigit() else None


@require_GET
def checkpoint(request):
    latest = selectors.latest_checkpoint()
    if latest is None:
        return _text("No checkpoint yet.\n", status=404)
    response = _text(latest.signed_note)
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def key(request):
    """The log's verifier key, then one line per witness whose cosignature the page requires."""
    lines = [keys.log_verifier(), *keys.witness_verifiers()]
    return _text("".join(f"{line}\n" for line in lines))


@require_GET
def timestamp(request, size: int):
    """The RFC 3161 token of the checkpoint of that size: it time-stamps SHA-256 of the signed
    note without cosignatures (what `/registro/checkpoint` served before the witnesses')."""
    token = selectors.timestamp_token(size)
    if token is None:
        return _text("This checkpoint has no time-stamp.\n", status=404)
    response = HttpResponse(token, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="checkpoint-{size}.tst"'
    response["Cache-Control"] = IMMUTABLE
    return response


@require_GET
def offline_verifier(request):
    """The offline verifier as one Python file (needs only the `cryptography` package)."""
    response = HttpResponse(
        offline.standalone_source(), content_type="text/x-python; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="polis_verifica.py"'
    return response


def _tile_response(data: bytes | None, full: bool) -> HttpResponse:
    if data is None:
        return _text("Tile not available.\n", status=404)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE if full else "no-cache"
    return response


def _tile_args(path: str, width: str | None) -> tuple[int, int | None] | None:
    index = parse_tile_path(path)
    partial = _uint(width) if width is not None else None
    if index is None or (width is not None and (partial is None or not 1 <= partial <= 255)):
        return None
    if width is not None and width != str(partial):
        return None
    return index, partial


@require_GET
def hash_tile(request, level: str, path: str, width: str | None = None):
    args = _tile_args(path, width)
    lvl = _uint(level)
    if args is None or lvl is None or lvl > 63 or level != str(lvl):
        return _text("Malformed tile path.\n", status=400)
    data = selectors.hash_tile(lvl, args[0], args[1], _tree_size())
    return _tile_response(data, full=args[1] is None)


@require_GET
def entry_tile(request, path: str, width: str | None = None):
    args = _tile_args(path, width)
    if args is None:
        return _text("Malformed tile path.\n", status=400)
    data = selectors.entry_tile(args[0], args[1], _tree_size())
    return _tile_response(data, full=args[1] is None)


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


@require_GET
def inclusion_proof(request):
    leaf, size = request.GET.get("hash", ""), _uint(request.GET.get("size"))
    if not _HEX64.fullmatch(leaf):
        return _bad("'hash' must be the hex SHA-256 leaf hash (64 hex digits).")
    if size is None or size < 1 or not selectors.log_has_size(size):
        return _bad(f"'size' must be an integer between 1 and {_tree_size()}.")
    found = selectors.leaf_inclusion_proof(leaf.lower(), size)
    if found is None:
        return JsonResponse({"error": "No entry with this leaf hash in that tree."}, status=404)
    index, proof = found
    return JsonResponse({"index": index, "size": size, "proof": _b64(proof)})


@require_GET
def consistency_proof(request):
    first, second = _uint(request.GET.get("from")), _uint(request.GET.get("to"))
    if second is None or second < 1 or not selectors.log_has_size(second):
        return _bad(f"'to' must be an integer between 1 and {_tree_size()}.")
    if first is None or not 1 <= first <= second:
        return _bad(f"'from' must be an integer between 1 and {second}.")
    proof = selectors.consistency_proof(first, second)
    return JsonResponse({"from": first, "to": second, "proof": _b64(proof)})


def _document_hash(request) -> str | None:
    value = request.GET.get("sha256", "").strip().lower()
    return value if _HEX64.fullmatch(value) else None


@client_page
@require_GET
def verify_page(request):
    """Public "Verifica documento": the browser hashes the PDF; this also works without JS."""
    asked = "sha256" in request.GET
    sha256 = _document_hash(request)
    result = selectors.document_lookup(sha256) if sha256 else None
    context = {"asked": asked, "sha256": sha256, "result": result, "pinned": keys.pinned_keys()}
    return render(
        request, "ledger/verify.html", context, status=400 if asked and not sha256 else 200
    )


@require_GET
def verify_lookup(request):
    sha256 = _document_hash(request)
    if sha256 is None:
        return _bad("'sha256' must be the document's SHA-256 (64 hex digits).")
    return JsonResponse(selectors.document_lookup(sha256) or {"found": False, "sha256": sha256})


@require_GET
def verify_proof(request):
    sha256 = _document_hash(request)
    if sha256 is None:
        return _bad("'sha256' must be the document's SHA-256 (64 hex digits).")
    entries = selectors.entries_for_document(sha256)
    bundle = selectors.proof_bundle_for(entries[0]) if entries else None
    if bundle is None:
        return JsonResponse({"error": "This document is not in the log."}, status=404)
    response = _text(bundle.text())
    response["Content-Disposition"] = f'attachment; filename="{sha256[:16]}.tlog-proof"'
    return response
