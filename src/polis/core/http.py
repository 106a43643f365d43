def client_ip(request) -> str:
    """The client address as seen by the web tier (the proxy sets REMOTE_ADDR correctly)."""
    return request.META.get("REMOTE_ADDR", "")
