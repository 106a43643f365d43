"""RFC 3161 anchoring against a TSA the test suite runs itself (pyHanko's DummyTimeStamper)."""

import datetime
import hashlib

import pytest
from asn1crypto import cms
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from polis.ledger import anchoring, services
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
