"""RFC 3161 anchoring against a TSA the test suite runs itself (pyHanko's DummyTimeStamper)."""

import datetime
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import cms, tsp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from polis.ledger import anchoring, services
from polis.ledger.models import LedgerCheckpoint

pytestmark = pytest.mark.django_db


def _tsa_identity():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "polis test TSA")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
        cert,
    )


@pytest.fixture
def tsa(settings):
    cert, key, crypto_cert = _tsa_identity()
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.LEDGER_TSA_URL = f"http://127.0.0.1:{server.server_port}/"
    yield crypto_cert
    server.shutdown()
    server.server_close()


def test_each_checkpoint_is_time_stamped_and_the_token_shown(tsa, client):
    # given a new checkpoint
    services.record_event(type="policy.issued", ref="TS-1", sha256="a" * 64)
    services.integrate_all()
    # when the anchoring job runs
    assert services.anchor_latest() is True
    # then the TSA's token covers exactly the signed checkpoint note
    checkpoint = LedgerCheckpoint.objects.get()
    gen_time, imprint = anchoring.token_info(bytes(checkpoint.timestamp_token))
    assert imprint == hashlib.sha256(checkpoint.note.encode()).digest()
    assert abs(gen_time - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=1)
    # and it is signed by the TSA's certificate (CMS signed attributes, RSA PKCS#1 v1.5)
    signed = cms.ContentInfo.load(bytes(checkpoint.timestamp_token))["content"]
    signer = signed["signer_infos"][0]
    attrs = signer["signed_attrs"].dump()
    tsa.public_key().verify(
        signer["signature"].native, b"\x31" + attrs[1:], padding.PKCS1v15(), hashes.SHA256()
    )
    # and the public page shows it
    body = client.get("/registro/verifica/cerca", {"sha256": "a" * 64}).json()
    assert body["timestamp"] == gen_time.strftime("%d/%m/%Y %H:%M:%S UTC")
    # and a checkpoint is anchored only once
    assert services.anchor_latest() is False


def test_anchoring_is_off_or_fails_softly_without_a_reachable_tsa(settings):
    services.record_event(type="policy.issued", ref="TS-2", sha256="b" * 64)
    services.integrate_all()
    settings.LEDGER_TSA_URL = ""
    assert services.anchor_latest() is False
    settings.LEDGER_TSA_URL = "http://127.0.0.1:9/"
    assert services.anchor_latest() is False
    assert LedgerCheckpoint.objects.get().timestamp_token is None
