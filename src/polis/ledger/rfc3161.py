"""Check an RFC 3161 time-stamp token with only the `cryptography` library (no Django, no ASN.1
package), for the offline verifier: the token covers a given SHA-256 digest and its CMS signature
verifies with the certificate it carries. Which TSA to trust stays the reader's decision: the
result names the certificate (subject and SHA-256 fingerprint).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# DER encodings of the object identifiers read here
OID_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")
OID_TST_INFO = bytes.fromhex("060b2a864886f70d0109100104")
OID_SHA256 = bytes.fromhex("0609608648016503040201")
OID_MESSAGE_DIGEST = bytes.fromhex("06092a864886f70d010904")


class TimestampError(ValueError):
    """A token that is malformed, covers something else, or whose signature does not verify."""


@dataclass(frozen=True)
class VerifiedTimestamp:
    time: datetime
    tsa: str  # the signing certificate's subject
    fingerprint: str  # SHA-256 of the signing certificate, hex


def _tlv(data: bytes, at: int) -> tuple[int, int, int, int]:
    """(tag, start of the element, start of its content, end) of the DER element at `at`."""
    if at + 2 > len(data):
        raise TimestampError("truncated token")
    tag, length, content = data[at], data[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        if not 1 <= count <= 4:
            raise TimestampError("unsupported length in token")
        length = int.from_bytes(data[content : content + count], "big")
        content += count
    if content + length > len(data):
        raise TimestampError("truncated token")
    return tag, at, content, content + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    items, at = [], start
    while at < end:
        item = _tlv(data, at)
        items.append(item)
        at = item[3]
    return items


def _content(data: bytes, item: tuple[int, int, int, int]) -> bytes:
    return data[item[2] : item[3]]


def _whole(data: bytes, item: tuple[int, int, int, int]) -> bytes:
    return data[item[1] : item[3]]


def _gen_time(text: bytes) -> datetime:
    value = text.decode("ascii")
    if not value.endswith("Z"):
        raise TimestampError("genTime is not in UTC")
    seconds, _, fraction = value[:-1].partition(".")
    moment = datetime.strptime(seconds, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return moment.replace(microsecond=int((fraction + "000000")[:6])) if fraction else moment


def _verify_signature(cert: x509.Certificate, signature: bytes, signed: bytes) -> bool:
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def verify_token(token: bytes, digest: bytes) -> VerifiedTimestamp:
    """The token's time and signer if it time-stamps `digest` (SHA-256) and its signature, by a
    time-stamping certificate it carries, verifies; else TimestampError."""
    try:
        return _verify(token, digest)
    except (IndexError, ValueError) as exc:
        if isinstance(exc, TimestampError):
            raise
        raise TimestampError(f"malformed token: {exc}") from exc


def _verify(token: bytes, digest: bytes) -> VerifiedTimestamp:
    content_info = _children(token, *_tlv(token, 0)[2:])
    if _whole(token, content_info[0]) != OID_SIGNED_DATA:
        raise TimestampError("not a CMS SignedData token")
    explicit = content_info[1]
    signed_data = _children(token, *_tlv(token, explicit[2])[2:])
    encap = _children(token, signed_data[2][2], signed_data[2][3])
    if _whole(token, encap[0]) != OID_TST_INFO:
        raise TimestampError("not an RFC 3161 TSTInfo")
    octets = _tlv(token, encap[1][2])
    tst_info = _content(token, octets)
    fields = _children(tst_info, *_tlv(tst_info, 0)[2:])
    imprint = _children(tst_info, fields[2][2], fields[2][3])
    algorithm = _children(tst_info, imprint[0][2], imprint[0][3])
    if _whole(tst_info, algorithm[0]) != OID_SHA256:
        raise TimestampError("the token's imprint is not SHA-256")
    if _content(tst_info, imprint[1]) != digest:
        raise TimestampError("the time-stamp covers another document")
    gen_time = _gen_time(_content(tst_info, fields[4]))
    certificates = [
        x509.load_der_x509_certificate(_whole(token, item))
        for part in signed_data[3:-1]
        if part[0] == 0xA0
        for item in _children(token, part[2], part[3])
    ]
    signer_info = _children(token, *_tlv(token, signed_data[-1][2])[2:])
    attrs = next((item for item in signer_info if item[0] == 0xA0), None)
    if attrs is None:
        raise TimestampError("the token has no signed attributes")
    message_digest = None
    for attribute in _children(token, attrs[2], attrs[3]):
        kind, values = _children(token, attribute[2], attribute[3])
        if _whole(token, kind) == OID_MESSAGE_DIGEST:
            message_digest = _content(token, _tlv(token, values[2]))
    if message_digest != hashlib.sha256(tst_info).digest():
        raise TimestampError("the signed attributes do not cover the TSTInfo")
    # the signature covers the attributes DER-encoded as a SET (RFC 5652 §5.4)
    signed = b"\x31" + _whole(token, attrs)[1:]
    signature = _content(token, signer_info[signer_info.index(attrs) + 2])
    for cert in certificates:
        if _is_tsa(cert) and _verify_signature(cert, signature, signed):
            subject = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
            return VerifiedTimestamp(
                gen_time,
                str(subject[0].value) if subject else cert.subject.rfc4514_string(),
                cert.fingerprint(hashes.SHA256()).hex(),
            )
    raise TimestampError("the token's signature does not verify with a TSA certificate it carries")


def _is_tsa(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.TIME_STAMPING in usage
