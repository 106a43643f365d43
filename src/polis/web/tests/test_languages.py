"""Pages speak Italian; the client's pages English too (polis.core.languages)."""

import ast
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

from polis.signatures.registry import handler_for

# The templates of the pages a client reads (signing by link, Verifica documento, the insured's
# page) and their frame.
CLIENT_TEMPLATES = [
    "base.html",
    "signatures/sign.html",
    "signatures/unusable.html",
    "signatures/_access_code.html",
    "signatures/_note_body.html",  # its headings; the note's legal text stays Italian
    "signatures/note.html",
    "ledger/verify.html",
    "insured/page.html",
    "insured/refused.html",
    "insured/renew.html",
]
# The e-mails to a client, written in his language on file.
CLIENT_EMAILS = [
    f"notify/email/{name}.{part}"
    for name in (
        "signature_request",
        "signature_reminder",
        "signature_done",
        "quietanza_request",
        "quietanza_reminder",
        "quietanza_done",
        "claim_opened_insured",
        "quote_to_client",
        "disclosures_delivery",
    )
    for part in ("subject.txt", "txt", "html")
] + ["notify/email/base.html"]
_LITERAL = r"u'(?:[^'\\]|\\.)*'|u\"(?:[^\"\\]|\\.)*\""


def _messages(template_name: str) -> list[str | tuple[str, str]]:
    """The translatable strings of a template, as makemessages reads them."""
    code = templatize(get_template(template_name).template.source)
    singular = re.findall(rf"(?<!n)gettext\(({_LITERAL})\)", code)
    plural = re.findall(rf"ngettext\(({_LITERAL}),\s*({_LITERAL})", code)
    return [ast.literal_eval(s) for s in singular] + [
        (ast.literal_eval(one), ast.literal_eval(many)) for one, many in plural
    ]


@pytest.mark.parametrize("template_name", CLIENT_TEMPLATES + CLIENT_EMAILS)
def test_every_string_of_a_client_page_is_in_the_english_catalogue(template_name):
    messages = _messages(template_name)
    assert messages, "no translatable string found: is the template still translated?"
    with translation.override("en"):
        untranslated = [
            message
            for message in messages
            if (
                translation.ngettext(*message, 2) == message[1]
                if isinstance(message, tuple)
                else translation.gettext(message) == message
            )
            and message != "Checkpoint"  # the same word in English
        ]
    assert untranslated == []


@pytest.mark.django_db
def test_a_staff_page_stays_italian_for_a_browser_that_prefers_english(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page.content.decode()
    assert '<html lang="it">' in html
    assert page["Content-Language"] == "it"
    assert 'name="language"' not in html  # no language switch where there is no English


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("it", "Questa password è troppo corta. Deve contenere almeno 10 caratteri."),
        ("en", "This password is too short. It must contain at least 10 characters."),
    ],
)
def test_the_password_rules_speak_the_page_language(language, expected):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        validate_password("corta")
    assert expected in refused.value.messages


@pytest.mark.parametrize("kind", ["quietanza"])
def test_a_signing_subjects_words_to_the_client_are_in_english(kind):
    # the quietanza is accepted or contested on the signing page, in the client's words
    handler = handler_for(kind)
    fields = ("decline_title", "decline_help", "sign_label", "decline_label")
    fields += ("declined_message", "signed_message")
    with translation.override("en"):
        english = {field: str(getattr(handler, field)) for field in fields}
    with translation.override("it"):
        italian = {field: str(getattr(handler, field)) for field in fields}
    assert [field for field in fields if english[field] == italian[field]] == []
