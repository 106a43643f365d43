import pytest

from polis.claims.tests.support import open_claim_on, policy_in_force


@pytest.fixture
def policy(collaborator_a):
    return policy_in_force(collaborator_a)


@pytest.fixture
def claim(collaborator_a, policy):
    """A claim still missing a required document (the third party's letter)."""
    return open_claim_on(collaborator_a, policy, complete=False)
