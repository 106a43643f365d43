"""C2SP signed-note (Ed25519), tlog-checkpoint and tlog-cosignature/v1, without Django.

- Key ID = SHA-256(name || 0x0A || type || public key)[:4]; type 0x01 is Ed25519 note
  signatures, 0x04 is a tlog-cosignature/v1 (Ed25519 over a timestamped message).
- Verifier key: ``<name>+<8 hex key id>+<base64(type || public key)>``; the signer key is
  ``PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || 32-byte seed)>`` as in golang.org/x/mod/sumdb/note.
- A signed note is the text (ending in a newline), an empty line, and lines
  ``— <name> <base64(key id || signature)>``.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
SIG_PREFIX = "\u2014 "


class NoteError(ValueError):
    """A malformed key, note or checkpoint, or a signature that does not verify."""


def _raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _valid_name(name: str) -> bool:
    return bool(name) and not any(c.isspace() or c == "+" for c in name)


def key_id(name: str, alg: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    name: str
    alg: int
    public: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.alg, self.public)

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([self.alg]) + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> Verifier:
        parts = text.strip().split("+", 2)
        if len(parts) != 3 or not _valid_name(parts[0]) or len(parts[1]) != 8:
            raise NoteError("verifier key must be <name>+<hex key id>+<base64 key>")
        name, hex_id, encoded = parts
        try:
            raw = base64.b64decode(encoded, validate=True)
            wanted = bytes.fromhex(hex_id)
        except ValueError as exc:
            raise NoteError("verifier key is not valid hex/base64") from exc
        if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
            raise NoteError("only Ed25519 verifier keys (types 0x01 and 0x04) are supported")
        verifier = cls(name, raw[0], raw[1:])
        if verifier.key_id != wanted:
            raise NoteError("verifier key id does not match the key")
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    private: Ed25519PrivateKey = field(repr=False)
    alg: int = ALG_ED25519

    @classmethod
    def generate(cls, name: str) -> Signer:
        if not _valid_name(name):
            raise NoteError("key name must be non-empty, without spaces or '+'")
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, text: str) -> Signer:
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or not _valid_name(parts[2]):
            raise NoteError("signer key must be PRIVATE+KEY+<name>+<hex id>+<base64 key>")
        try:
            raw = base64.b64decode(parts[4], validate=True)
            wanted = bytes.fromhex(parts[3])
        except ValueError as exc:
            raise NoteError("signer key is not valid hex/base64") from exc
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("only Ed25519 signer keys are supported")
        signer = cls(parts[2], Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.verifier.key_id != wanted:
            raise NoteError("signer key id does not match the key")
        return signer

    def __str__(self) -> str:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        encoded = base64.b64encode(bytes([ALG_ED25519]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{encoded}"

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.alg, _raw_public(self.private.public_key()))

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


@dataclass
class Signature:
    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        blob = base64.b64encode(self.key_id + self.signature).decode()
        return f"{SIG_PREFIX}{self.name} {blob}\n"


def sign_note(text: str, signer: Signer) -> str:
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    sig = Signature(signer.name, signer.verifier.key_id, signer.sign(text.encode()))
    return text + "\n" + sig.line()


def split_note(note: str) -> tuple[str, list[Signature]]:
    """The text and the parsed signature lines of a signed note (unverified)."""
    head, sep, tail = note.rpartition("\n\n")
    if not sep or not tail.endswith("\n"):
        raise NoteError("malformed signed note")
    text = head + "\n"
    signatures = []
    for line in tail[:-1].split("\n"):
        if not line.startswith(SIG_PREFIX):
            raise NoteError("malformed signature line")
        name, _, blob = line[len(SIG_PREFIX) :].partition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except ValueError as exc:
            raise NoteError("malformed signature encoding") from exc
        if not _valid_name(name) or len(raw) < 5:
            raise NoteError("malformed signature line")
        signatures.append(Signature(name, raw[:4], raw[4:]))
    return text, signatures


def open_note(note: str, verifier: Verifier) -> str:
    """The note's text if a signature by `verifier` verifies, else NoteError."""
    text, signatures = split_note(note)
    for sig in signatures:
        if sig.name == verifier.name and sig.key_id == verifier.key_id:
            if verifier.alg == ALG_ED25519 and verifier.verify(text.encode(), sig.signature):
                return text
            if verifier.alg == ALG_COSIGNATURE_V1 and verify_cosignature(text, sig, verifier):
                return text
    raise NoteError(f"no valid signature by {verifier.name}")


def add_signature_lines(note: str, lines: list[str]) -> str:
    """Append extra signature lines (e.g. witness cosignatures) to a signed note."""
    return note + "".join(line if line.endswith("\n") else line + "\n" for line in lines)


# --- tlog-checkpoint ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [
            self.origin,
            str(self.size),
            base64.b64encode(self.root).decode(),
            *self.extensions,
        ]
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        if not text.endswith("\n"):
            raise NoteError("checkpoint must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3 or not lines[0]:
            raise NoteError("checkpoint needs origin, size and root hash lines")
        origin, size, root = lines[:3]
        if not size.isdigit() or (size != "0" and size.startswith("0")):
            raise NoteError("checkpoint size must be a decimal number without leading zeros")
        try:
            raw = base64.b64decode(root, validate=True)
        except ValueError as exc:
            raise NoteError("checkpoint root hash is not base64") from exc
        if len(raw) != 32:
            raise NoteError("checkpoint root hash must be 32 bytes")
        if any(not line for line in lines[3:]):
            raise NoteError("empty extension line in checkpoint")
        return cls(origin, int(size), raw, tuple(lines[3:]))


def open_checkpoint(note: str, verifier: Verifier, origin: str | None = None) -> Checkpoint:
    checkpoint = Checkpoint.parse(open_note(note, verifier))
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(f"checkpoint origin {checkpoint.origin!r} is not {origin!r}")
    return checkpoint


# --- tlog-cosignature/v1 ------------------------------------------------------------------------


def cosignature_message(checkpoint_text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


def cosign(checkpoint_text: str, signer: Signer, timestamp: int) -> str:
    """A tlog-cosignature/v1 signature line over a checkpoint by a witness key."""
    verifier = Verifier(signer.name, ALG_COSIGNATURE_V1, signer.verifier.public)
    sig = signer.sign(cosignature_message(checkpoint_text, timestamp))
    return Signature(signer.name, verifier.key_id, struct.pack(">Q", timestamp) + sig).line()


def verify_cosignature(checkpoint_text: str, sig: Signature, verifier: Verifier) -> bool:
    if len(sig.signature) != 8 + 64:
        return False
    (timestamp,) = struct.unpack(">Q", sig.signature[:8])
    return verifier.verify(cosignature_message(checkpoint_text, timestamp), sig.signature[8:])


def cosignature_verifier(signer: Signer) -> Verifier:
    return Verifier(signer.name, ALG_COSIGNATURE_V1, signer.verifier.public)
