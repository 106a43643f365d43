import ipaddress

from django.conf import settings


def _trusted(address: str, proxies: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def client_ip(request) -> str:
    """The client's address.

    REMOTE_ADDR, unless the request comes from a reverse proxy listed in TRUSTED_PROXIES
    (addresses or networks): then X-Forwarded-For is read from the right — each proxy appends
    the address it saw — skipping trusted proxies, up to the first address that is not one
    (what nginx's real_ip_recursive does). Whatever a client writes in the header itself sits
    left of its real address and is never reached.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies or not _trusted(remote, proxies):
        return remote
    address = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            break
        if not _trusted(address, proxies):
            break
    return address
