def base_url(request) -> str:
    """The scheme and host this request reached, for links sent to people while serving it
    (Django checks the Host header against ALLOWED_HOSTS); background jobs use SITE_URL."""
    return request.build_absolute_uri("/").rstrip("/")
