import pytest

from polis.ledger import keys
from polis.ledger.note import Signer

TEST_SIGNER = Signer.generate("polis.local/registro")


@pytest.fixture(autouse=True)
def ledger_key(settings):
    settings.LEDGER_ORIGIN = "polis.local/registro"
    settings.LEDGER_SIGNING_KEY = str(TEST_SIGNER)
    keys.log_signer.cache_clear()
    yield TEST_SIGNER
    keys.log_signer.cache_clear()
