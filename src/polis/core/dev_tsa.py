"""The in-process RFC 3161 time-stamping authority of development (PAdES signatures, the ledger's
checkpoints): pyHanko's DummyTimeStamper, signing with a key loaded once; and the loading of the
development keys it and the development signer use."""

from datetime import datetime
from functools import cache

from asn1crypto import cms, core, pem
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash


@cache
def rsa_key(data: bytes) -> RSAPrivateKey:
    """A development private key (PEM or DER), loaded once per process: loading an RSA key checks
    it, ~40 ms, a hundred times what a signature with it costs."""
    if pem.detect(data):
        key = serialization.load_pem_private_key(data, password=None)
    else:
        key = serialization.load_der_private_key(data, password=None)
    if not isinstance(key, RSAPrivateKey):
        raise TypeError("the development keys are RSA")
    return key


def private_key_info(key: RSAPrivateKey) -> asn1_keys.PrivateKeyInfo:
    """`key` as pyHanko's signers take it."""
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def certificate(data: bytes) -> asn1_x509.Certificate:
    """A certificate, PEM or DER."""
    return asn1_x509.Certificate.load(pem.unarmor(data)[2] if pem.detect(data) else data)


@cache
def dev_timestamper(key: bytes, cert: bytes) -> "DevTimeStamper":
    """The development TSA of this key and certificate (PEM or DER), built once per process
    (a test may make its own under its VAR_DIR)."""
    return DevTimeStamper(tsa_cert=certificate(cert), tsa_key=rsa_key(key))


class DevTimeStamper(DummyTimeStamper):
    """DummyTimeStamper loads its private key again for every token, and loading an RSA key
    checks it (~40 ms, a hundred times the signature): this one keeps the loaded key. The signed
    attributes are DummyTimeStamper's (pyHanko 0.38, `_sign_tst_info`)."""

    def __init__(self, *, tsa_cert: asn1_x509.Certificate, tsa_key: RSAPrivateKey) -> None:
        super().__init__(tsa_cert=tsa_cert, tsa_key=private_key_info(tsa_key))
        self._loaded_key = tsa_key

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                simple_cms_attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._loaded_key.sign(
            signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm.upper())
        )
        return signature, signed_attrs
