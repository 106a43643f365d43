import pytest
from django.test import RequestFactory

from polis.core.http import client_ip


def request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_direct_deployment_takes_the_peer_and_ignores_the_header(settings):
    # given no trusted proxy: clients connect to the app directly
    settings.TRUSTED_PROXIES = []
    # when / then
    assert client_ip(request("203.0.113.7")) == "203.0.113.7"
    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_the_proxy_every_client_has_its_own_address(settings):
    # given the reverse proxy at 10.0.0.2
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    # when / then
    assert client_ip(request("10.0.0.2", "203.0.113.7")) == "203.0.113.7"
    assert client_ip(request("10.0.0.2", "198.51.100.9")) == "198.51.100.9"


def test_a_spoofed_header_from_an_untrusted_address_is_ignored(settings):
    # given
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # when a client connects directly and writes the header itself
    address = client_ip(request("203.0.113.7", "10.0.0.5, 198.51.100.1"))
    # then
    assert address == "203.0.113.7"


def test_what_the_client_prepends_is_not_read_past_its_real_address(settings):
    # given two proxies (a load balancer 10.0.0.1 then nginx 10.0.0.2)
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # when the client forged "1.2.3.4": each proxy appended the address it saw
    address = client_ip(request("10.0.0.2", "1.2.3.4, 203.0.113.7, 10.0.0.1"))
    # then the hops are counted from the right, up to the first untrusted one
    assert address == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "2001:db8::1"])
def test_a_missing_or_odd_header_from_the_proxy(settings, forwarded):
    # given
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    # when
    address = client_ip(request("10.0.0.2", forwarded))
    # then
    assert address == ("2001:db8::1" if forwarded == "2001:db8::1" else "10.0.0.2")
