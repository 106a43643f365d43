import pytest

from polis.ledger import keys
from polis.ledger.note import Signer
from tests.servers import running_witness

TEST_SIGNER = Signer.generate("polis.local/registro")


@pytest.fixture(autouse=True)
def ledger_key(settings):
    """Our own log key; no witness and no time-stamps unless a test configures them."""
    settings.LEDGER_ORIGIN = "polis.local/registro"
    settings.LEDGER_SIGNING_KEY = str(TEST_SIGNER)
    settings.LEDGER_DEV_WITNESS_URL = ""
    settings.LEDGER_WITNESS_QUORUM = 0
    settings.LEDGER_DEV_TSA = False
    settings.LEDGER_TSA_URL = ""
    keys.log_signer.cache_clear()
    yield TEST_SIGNER
    keys.log_signer.cache_clear()


@pytest.fixture
def witness_process(tmp_path, ledger_key):
    """`manage.py ledger witness` for our log, in a process of its own."""
    with running_witness(ledger_key, tmp_path / "witness.json") as witness:
        yield witness
