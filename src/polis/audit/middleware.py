from polis.audit.context import current_api_key, current_ip
from polis.core.http import client_ip
from polis.core.links import base_url, request_base


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request) or None)
        key_token = current_api_key.set(None)
        base_token = request_base.set(base_url(request))
        try:
            return self.get_response(request)
        finally:
            request_base.reset(base_token)
            current_api_key.reset(key_token)
            current_ip.reset(token)
