"""signed-note / checkpoint / cosignature format tests, anchored on golang.org/x/mod/sumdb/note."""

import pytest

from polis.ledger import note

# The example of golang.org/x/mod/sumdb/note (note.go documentation and note_test.go).
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_signing_reproduces_the_go_sumdb_note_vector_byte_for_byte():
    # given the published signer key
    signer = note.Signer.parse(GO_SIGNER)
    # when / then
    assert str(signer.verifier) == GO_VERIFIER
    assert str(signer) == GO_SIGNER
    assert note.sign_note(GO_TEXT, signer) == GO_NOTE


def test_opening_the_go_note_and_rejecting_any_change():
    verifier = note.Verifier.parse(GO_VERIFIER)
    assert note.open_note(GO_NOTE, verifier) == GO_TEXT
    with pytest.raises(note.NoteError):
        note.open_note(GO_NOTE.replace("cryptography", "cryptographY"), verifier)
    with pytest.raises(note.NoteError):
        note.open_note(GO_NOTE, note.Signer.generate("PeterNeumann").verifier)


@pytest.mark.parametrize(
    "bad",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong id
        "PeterNeumann+c74f20a3+ApqdOc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",  # wrong alg
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3",
    ],
)
def test_malformed_verifier_keys_are_refused(bad):
    with pytest.raises(note.NoteError):
        note.Verifier.parse(bad)


def test_verifier_keys_whose_base64_contains_a_plus_sign():
    # transparency-dev/formats note_cosigv1_test.go
    assert str(
        note.Verifier.parse("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6")
    ) == ("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6")


def test_cosignature_key_id_uses_type_0x04():
    # transparency-dev/formats note_cosigv1_test.go publishes this witness key
    key = note.Verifier.parse(
        "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
    )
    assert key.alg == note.ALG_COSIGNATURE_V1


def test_checkpoint_round_trip_and_cosignature():
    # given a signed checkpoint
    log = note.Signer.generate("polis.local/registro")
    cp = note.Checkpoint("polis.local/registro", 7, b"\x01" * 32)
    signed = note.sign_note(cp.text(), log)
    assert cp.text() == "polis.local/registro\n7\nAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n"
    # when a witness cosigns it
    witness = note.Signer.generate("witness.example")
    cosigned = note.add_signature_lines(signed, [note.cosign(cp.text(), witness, 1700000000)])
    # then both the log and the witness signatures open it
    assert note.open_checkpoint(cosigned, log.verifier, "polis.local/registro") == cp
    assert note.open_note(cosigned, note.cosignature_verifier(witness)) == cp.text()
    with pytest.raises(note.NoteError):
        note.open_checkpoint(cosigned, log.verifier, "other.origin")


@pytest.mark.parametrize(
    "text",
    [
        "origin\n07\nAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n",
        "origin\n7\nAQEB\n",
        "origin\n7\n",
        "origin\n7\nAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(note.NoteError):
        note.Checkpoint.parse(text)
