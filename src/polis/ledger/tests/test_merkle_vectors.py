"""Known-answer tests over every transparency-dev/merkle vector, kept in vectors/rfc9162
(source and licence in vectors/rfc9162/SOURCE.md)."""

import base64
import json
from pathlib import Path

import pytest

from polis.ledger import merkle

VECTORS = Path(__file__).parent / "vectors" / "rfc9162"


def _files(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json"))


def _b64(value):
    return base64.b64decode(value) if value is not None else b""


def _proof(case) -> list[bytes]:
    return [_b64(h) for h in case["proof"] or []]


def _id(path: Path) -> str:
    return str(path.relative_to(VECTORS))


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("path", _files("inclusion"), ids=_id)
def test_inclusion_vector(path):
    # given
    case = _load(path)
    # when
    ok = merkle.verify_inclusion(
        case["leafIdx"], case["treeSize"], _b64(case["leafHash"]), _proof(case), _b64(case["root"])
    )
    # then
    assert ok is not case["wantErr"], case["desc"]


@pytest.mark.parametrize("path", _files("consistency"), ids=_id)
def test_consistency_vector(path):
    case = _load(path)
    ok = merkle.verify_consistency(
        case["size1"], case["size2"], _proof(case), _b64(case["root1"]), _b64(case["root2"])
    )
    assert ok is not case["wantErr"], case["desc"]


@pytest.mark.parametrize("path", _files("subtreeinclusion"), ids=_id)
def test_subtree_inclusion_vector(path):
    case = _load(path)
    ok = merkle.verify_subtree_inclusion(
        case["leafIdx"],
        case["start"],
        case["end"],
        _b64(case["leafHash"]),
        _proof(case),
        _b64(case["root"]),
    )
    assert ok is not case["wantErr"], case["desc"]


@pytest.mark.parametrize("path", _files("subtreeconsistency"), ids=_id)
def test_subtree_consistency_vector(path):
    case = _load(path)
    ok = merkle.verify_subtree_consistency(
        case["start"],
        case["end"],
        case["size"],
        _proof(case),
        _b64(case["root1"]),
        _b64(case["root2"]),
    )
    assert ok is not case["wantErr"], case["desc"]


def test_every_vector_file_is_exercised():
    # given every JSON case kept in the repository
    every = sorted(VECTORS.rglob("*.json"))
    # then the four folders above cover them all (518 cases at the pinned commit)
    kinds = ("inclusion", "consistency", "subtreeinclusion", "subtreeconsistency")
    covered = [p for kind in kinds for p in _files(kind)]
    assert sorted(covered) == every
    assert len(every) == 518
