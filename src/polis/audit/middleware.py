from polis.audit.context import current_api_key, current_ip
from polis.core.http import client_ip
from polis.core.links import current_request


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request) or None)
        key_token = current_api_key.set(None)
        request_token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(request_token)
            current_api_key.reset(key_token)
            current_ip.reset(token)
