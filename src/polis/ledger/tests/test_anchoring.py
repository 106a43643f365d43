"""RFC 3161 anchoring against a TSA the test suite runs itself (pyHanko's DummyTimeStamper)."""

import datetime
import hashlib
from zoneinfo import ZoneInfo

import pytest
from asn1crypto import cms
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from polis.ledger import anchoring, rfc3161, services
from polis.ledger.models import LedgerCheckpoint
from tests.tsa import running_tsa

pytestmark = pytest.mark.django_db


@pytest.fixture
def tsa(settings):
    with running_tsa() as (url, certificate):
        settings.LEDGER_TSA_URL = url
        yield certificate


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
    # and the public page shows it in Italian time, and links the token published beside the
    # checkpoint
    body = client.get("/registro/verifica/cerca", {"sha256": "a" * 64}).json()
    rome = gen_time.astimezone(ZoneInfo("Europe/Rome"))
    assert body["timestamp"] == rome.strftime("%d/%m/%Y %H:%M:%S %Z")
    assert body["timestamp"].endswith((" CET", " CEST"))
    assert body["timestamp_url"] == "/registro/checkpoint/1/timestamp"
    published = client.get(body["timestamp_url"])
    assert published.status_code == 200
    assert published.content == bytes(checkpoint.timestamp_token)
    # and the offline verifier's own RFC 3161 check accepts it for this checkpoint only
    digest = hashlib.sha256(checkpoint.note.encode()).digest()
    assert rfc3161.verify_token(published.content, digest).tsa == "polis test TSA"
    with pytest.raises(rfc3161.TimestampError, match="covers another document"):
        rfc3161.verify_token(published.content, hashlib.sha256(b"other").digest())
    tampered = bytearray(published.content)
    tampered[-5] ^= 1
    with pytest.raises(rfc3161.TimestampError):
        rfc3161.verify_token(bytes(tampered), digest)
    # and a checkpoint is anchored only once
    assert services.anchor_latest() is False


def test_anchoring_is_off_or_fails_softly_without_a_reachable_tsa(settings, client):
    services.record_event(type="policy.issued", ref="TS-2", sha256="b" * 64)
    services.integrate_all()
    settings.LEDGER_TSA_URL = ""
    assert services.anchor_latest() is False
    settings.LEDGER_TSA_URL = "http://127.0.0.1:9/"
    assert services.anchor_latest() is False
    assert LedgerCheckpoint.objects.get().timestamp_token is None
    assert client.get("/registro/checkpoint/1/timestamp").status_code == 404


def test_the_embedded_default_time_stamps_with_a_development_tsa_labelled_as_such(
    settings, tmp_path
):
    # given the embedded default: no TSA configured, a development one
    settings.LEDGER_DEV_TSA = True
    settings.VAR_DIR = tmp_path
    services.record_event(type="policy.issued", ref="TS-3", sha256="c" * 64)
    # when the log is published
    services.publish_log()
    # then its checkpoint carries a token whose certificate says it is for development
    checkpoint = LedgerCheckpoint.objects.get()
    digest = hashlib.sha256(checkpoint.note.encode()).digest()
    stamp = rfc3161.verify_token(bytes(checkpoint.timestamp_token), digest)
    assert stamp.tsa == "polis TSA di sviluppo (senza valore legale)"
