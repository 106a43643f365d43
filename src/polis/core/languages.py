"""Which language a page speaks: Italian, except the pages a client sees (signing by link,
Verifica documento), which also speak English, as the client chose with the page's switch or,
until he does, in his language on file (a signing link's) or as his browser prefers. A page
declares the language it is actually in."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def client_page(view):
    """Mark a view as one a client reads: it follows the client's language."""
    view.client_languages = True
    return view


def speak_language_on_file(request, language: str) -> None:
    """On a client's page: speak `language`, the client's on file, unless he chose one with the
    page's switch (his choice wins)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not getattr(request, "client_languages", False) or chosen in dict(settings.LANGUAGES):
        return
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language


class LanguageMiddleware:
    """In place of Django's LocaleMiddleware, which would answer every page in any language a
    browser prefers (English form errors among Italian text, `<html lang="en">`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        previous = translation.get_language()
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        request.client_languages = False
        try:
            response = self.get_response(request)
            if request.client_languages:
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        finally:
            # A client's English ends with his request: not the thread's next work (a task run
            # in process, a test).
            translation.activate(previous)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "client_languages", False):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            request.client_languages = True
