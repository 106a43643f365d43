import pytest

from polis.core.db import read_only_alias


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_reads_use_the_replica_only_when_configured(settings):
    # given no replica
    assert read_only_alias() == "default"
    # when one is configured
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    # then
    assert read_only_alias() == "replica"
