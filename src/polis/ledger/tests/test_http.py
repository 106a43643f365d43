import base64
import hashlib

import pytest

from polis.ledger import merkle, note, services, tiles
from polis.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def _fill(n: int) -> merkle.MemoryTree:
    for i in range(n):
        digest = hashlib.sha256(b"doc %d" % i).hexdigest()
        services.record_event(type="policy.issued", ref=f"P-{i}", sha256=digest)
    services.integrate_all()
    entries = LedgerEntry.objects.order_by("index")
    return merkle.MemoryTree([bytes.fromhex(e.leaf_hash) for e in entries])


def test_checkpoint_and_key_are_a_verifiable_signed_note(client, ledger_key):
    # given
    tree = _fill(3)
    # when
    key = client.get("/registro/key")
    response = client.get("/registro/checkpoint")
    # then
    assert key.status_code == 200
    assert key.content.decode() == str(ledger_key.verifier) + "\n"
    assert key.content.decode().startswith("polis.local/registro+")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    verifier = note.Verifier.parse(key.content.decode())
    cp = note.open_checkpoint(body, verifier, "polis.local/registro")
    assert cp.size == 3
    assert cp.root == tree.root()
    assert body.startswith("polis.local/registro\n3\n" + base64.b64encode(tree.root()).decode())


def test_tiles_follow_the_tlog_tiles_layout(client):
    # given 300 entries: one full level-0 tile, one partial of 44, a partial level-1 tile
    tree = _fill(300)
    # when
    full = client.get("/registro/tile/0/000")
    partial = client.get("/registro/tile/0/001.p/44")
    upper = client.get("/registro/tile/1/000.p/1")
    entries = client.get("/registro/tile/entries/001.p/44")
    # then
    assert full.status_code == 200
    assert full["Cache-Control"] == "public, max-age=31536000, immutable"
    assert full.content == b"".join(tree.node(0, i) for i in range(256))
    assert partial.content == b"".join(tree.node(0, i) for i in range(256, 300))
    assert partial["Cache-Control"] == "no-cache"
    assert upper.content == tree.node(8, 0)
    first = LedgerEntry.objects.get(index=256).data.encode()
    assert entries.content.startswith(len(first).to_bytes(2, "big") + first)
    assert client.get("/registro/tile/entries/000").status_code == 200
    # tiles beyond the signed tree, or wider than it, do not exist yet
    assert client.get("/registro/tile/0/001").status_code == 404
    assert client.get("/registro/tile/0/001.p/45").status_code == 404
    assert client.get("/registro/tile/1/000").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/registro/tile/0/001.p/0",
        "/registro/tile/0/001.p/256",
        "/registro/tile/0/001.p/044",
        "/registro/tile/00/000",
        "/registro/tile/64/000",
        "/registro/tile/0/x000/001",
        "/registro/tile/entries/x000/000",
    ],
)
def test_malformed_tile_paths_are_400(client, url):
    _fill(1)
    response = client.get(url)
    assert response.status_code == 400
    assert response.content == b"Malformed tile path.\n"


def test_tile_path_names_are_tlog_tiles_elements():
    assert tiles.tile_path(1234067) == "x001/x234/067"


def test_inclusion_proof_json_verifies(client):
    # given
    tree = _fill(7)
    leaf = tree.node(0, 4)
    # when
    response = client.get("/registro/proof/inclusion", {"hash": leaf.hex(), "size": "6"})
    # then
    body = response.json()
    assert response.status_code == 200
    assert body["index"] == 4
    assert body["size"] == 6
    proof = [base64.b64decode(h) for h in body["proof"]]
    assert merkle.verify_inclusion(4, 6, leaf, proof, tree.root(6))


def test_consistency_proof_json_verifies(client):
    tree = _fill(7)
    response = client.get("/registro/proof/consistency", {"from": "3", "to": "7"})
    body = response.json()
    proof = [base64.b64decode(h) for h in body["proof"]]
    assert (body["from"], body["to"]) == (3, 7)
    assert merkle.verify_consistency(3, 7, proof, tree.root(3), tree.root(7))


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("inclusion", {"hash": "zz", "size": "3"}, "'hash' must be the hex SHA-256 leaf hash"),
        ("inclusion", {"size": "3"}, "'hash' must be the hex SHA-256 leaf hash"),
        ("inclusion", {"hash": "a" * 64, "size": "9"}, "'size' must be an integer between 1 and 3"),
        ("inclusion", {"hash": "a" * 64, "size": "-1"}, "'size' must be an integer"),
        ("inclusion", {"hash": "a" * 64, "size": "1e3"}, "'size' must be an integer"),
        ("consistency", {"from": "0", "to": "3"}, "'from' must be an integer between 1 and 3"),
        ("consistency", {"from": "3", "to": "2"}, "'from' must be an integer between 1 and 2"),
        ("consistency", {"from": "1", "to": "4"}, "'to' must be an integer between 1 and 3"),
        ("consistency", {"from": "x", "to": "y"}, "'to' must be an integer between 1 and 3"),
        ("consistency", {"from": "1", "to": "٣"}, "'to' must be an integer between 1 and 3"),
    ],
)
def test_bad_proof_parameters_are_400_with_a_clear_message(client, url, params, message):
    _fill(3)
    response = client.get(f"/registro/proof/{url}", params)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)


def test_unknown_leaf_is_404(client):
    _fill(3)
    response = client.get("/registro/proof/inclusion", {"hash": "ab" * 32, "size": "3"})
    assert response.status_code == 404
