"""Whole pages in the shared cache (core/pagecache.py): served again only to the session that
computed them, and only while nothing they read was written — a committed change shows at once."""

import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import Firm, User
from polis.accounts.tests.factories import UserFactory
from polis.audit.models import AuditEvent
from polis.claims import services as claims
from polis.claims.audit import ClaimAudit
from polis.claims.models import Claim
from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.clients.models import Client
from polis.core.cache import table_stamp, tokens
from polis.core.pagecache import _written
from polis.practices.tests.factories import PracticeFactory
from polis.web.models import ContactRequest, FaqEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()


def opened(browser, url: str) -> str:
    """The page as its user sees it once it is in the cache: the first request starts the CSRF
    cookie, the second learns what the page reads, the third stores it, the fourth is served."""
    for _ in range(3):
        assert browser.get(url).status_code == 200
    return browser.get(url).content.decode()


def rows(html: str) -> str:
    return html.split("<tbody>")[1].split("</tbody>")[0]


def test_a_page_served_again_reads_none_of_its_rows(client_for, collaborator_a):
    # given
    practice = PracticeFactory(created_by=collaborator_a)
    browser = client_for(collaborator_a)
    assert practice.client.last_name in opened(browser, reverse("clients:list"))
    # when
    with CaptureQueriesContext(connection) as captured:
        html = browser.get(reverse("clients:list")).content.decode()
    # then
    assert practice.client.last_name in html
    assert not [q for q in captured.captured_queries if "clients_client" in q["sql"]]


def test_a_renamed_client_shows_at_once(
    client_for, collaborator_a, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(created_by=collaborator_a)
    browser = client_for(collaborator_a)
    for url in (reverse("clients:list"), reverse("practices:list")):
        assert practice.client.last_name in opened(browser, url)
    # when a write commits, whatever makes it (here a bare UPDATE)
    with django_capture_on_commit_callbacks(execute=True):
        Client.objects.filter(pk=practice.client_id).update(last_name="Nuovonome")
    # then every page that read the clients shows the new name
    for url in (reverse("clients:list"), reverse("practices:list")):
        assert "Nuovonome" in browser.get(url).content.decode(), url


def test_a_new_claim_and_its_new_status_show_at_once(
    client_for, collaborator_a, operator, adjuster, django_capture_on_commit_callbacks
):
    # given the claims list of the firm and of the MGA, in the cache
    practice = policy_in_force(collaborator_a)
    browsers = [client_for(collaborator_a), client_for(operator)]
    for browser in browsers:
        opened(browser, reverse("claims:list"))
    # when a claim is opened
    with django_capture_on_commit_callbacks(execute=True):
        claim = open_claim_on(collaborator_a, practice)
    # then both see it, as opened
    for browser in browsers:
        html = rows(browser.get(reverse("claims:list")).content.decode())
        assert claim.number in html
        assert str(Claim.Status.ASSIGNED.label) not in html
        opened(browser, reverse("claims:list"))
    # when the operator assigns it (a lifecycle transition)
    with django_capture_on_commit_callbacks(execute=True):
        claims.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    # then both see its new status
    for browser in browsers:
        assert (
            str(Claim.Status.ASSIGNED.label) in browser.get(reverse("claims:list")).content.decode()
        )


def test_a_write_rolled_back_touches_no_stamp(django_capture_on_commit_callbacks):
    stamp = table_stamp(Client._meta.db_table)
    with django_capture_on_commit_callbacks(execute=True):
        Client.objects.filter(pk=0).update(last_name="x")
    before = tokens([stamp])
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                Client.objects.filter(pk=0).update(last_name="y")
                raise ZeroDivisionError
        except ZeroDivisionError:
            pass
    assert tokens([stamp]) == before


def _updatable(model) -> str | None:
    for field in model._meta.local_concrete_fields:
        if not field.primary_key and not isinstance(field, models.ForeignKey | models.JSONField):
            return field.attname
    return None


def test_every_table_is_stamped_by_an_update_and_a_delete(django_capture_on_commit_callbacks):
    """Whatever writes a table through Django — a service, a transition, a batch UPDATE, the
    admin — stamps it: no page can miss a writer."""
    checked = 0
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy or not (name := _updatable(model)):
            continue
        stamp = table_stamp(model._meta.db_table)
        queryset = model._base_manager.filter(pk__isnull=True)
        writes = {
            "update": lambda queryset=queryset, name=name: queryset.update(**{name: F(name)}),
            "delete": lambda queryset=queryset: queryset._raw_delete("default"),
        }
        for what, write in writes.items():
            before = tokens([stamp])
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                write()
            assert tokens([stamp]) != before, (model, what)
        checked += 1
    assert checked > 50


@pytest.fixture
def claims_of_two_firms(collaborator_a, collaborator_b):
    opened = [
        open_claim_on(user, policy_in_force(user)) for user in (collaborator_a, collaborator_b)
    ]
    for claim, name in zip(opened, ("Alfieri", "Bianchi"), strict=True):
        Client.objects.filter(pk=claim.client_id).update(last_name=name)
        claim.client.refresh_from_db()
    return opened


@pytest.mark.parametrize("name", ["practices:list", "claims:list", "clients:list"])
def test_a_firm_never_sees_another_firm_s_rows(
    client_for, collaborator_a, collaborator_b, claims_of_two_firms, name
):
    own, other = claims_of_two_firms
    pages = {
        user: opened(client_for(user), reverse(name)) for user in (collaborator_a, collaborator_b)
    }
    for user, claim, not_theirs in ((collaborator_a, own, other), (collaborator_b, other, own)):
        mark = claim.number if name == "claims:list" else claim.client.last_name
        foreign = not_theirs.number if name == "claims:list" else not_theirs.client.last_name
        assert mark in pages[user]
        assert foreign not in pages[user]


def test_an_adjuster_never_sees_another_adjuster_s_claims(
    client_for, collaborator_a, operator, adjuster, django_capture_on_commit_callbacks
):
    other = UserFactory(role=adjuster.role, email="altro@example.it", with_totp=True)
    practice = policy_in_force(collaborator_a)
    mine, theirs = open_claim_on(collaborator_a, practice), open_claim_on(collaborator_a, practice)
    with django_capture_on_commit_callbacks(execute=True):
        claims.assign_adjuster(actor=operator, claim=mine, adjuster=adjuster)
        claims.assign_adjuster(actor=operator, claim=theirs, adjuster=other)
    for user, own, foreign in ((adjuster, mine, theirs), (other, theirs, mine)):
        html = opened(client_for(user), reverse("claims:list"))
        assert own.number in html
        assert foreign.number not in html


def test_a_colleague_never_sees_what_only_the_firm_s_administrator_sees(client_for, collaborator_a):
    colleague = UserFactory(firm=collaborator_a.firm, is_firm_admin=False, email="c@example.it")
    colleagues = reverse("accounts:colleagues")
    assert colleagues in opened(client_for(collaborator_a), reverse("web:dashboard"))
    assert colleagues not in opened(client_for(colleague), reverse("web:dashboard"))


def test_a_user_s_changed_rights_show_on_the_next_page(client_for, collaborator_a):
    browser = client_for(collaborator_a)
    colleagues = reverse("accounts:colleagues")
    assert colleagues in opened(browser, reverse("web:dashboard"))
    # when (not even committed: the user's row is part of what decides the page)
    type(collaborator_a).objects.filter(pk=collaborator_a.pk).update(is_firm_admin=False)
    # then
    assert colleagues not in browser.get(reverse("web:dashboard")).content.decode()


def test_a_session_never_gets_a_page_of_another_session(client_for, collaborator_a):
    # two logins of the same user: each page carries its own session's CSRF token
    first, second = client_for(collaborator_a), client_for(collaborator_a)
    opened(first, reverse("practices:expiring"))
    opened(second, reverse("practices:expiring"))
    for browser in (first, second):
        response = browser.get(reverse("practices:expiring"))
        token = browser.cookies["csrftoken"].value
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="csrfmiddlewaretoken"' in html
        from django.middleware.csrf import _unmask_cipher_token

        masked = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        assert _unmask_cipher_token(masked) == token


@pytest.mark.parametrize("change", ["user deactivated", "firm rejected", "password changed"])
def test_a_user_read_from_the_cache_is_refused_at_once_after_a_change(
    settings, client_for, collaborator_a, change, django_capture_on_commit_callbacks
):
    # given the user and his firm read from the shared cache, and his pages cached too
    settings.CACHE_USERS = True
    browser = client_for(collaborator_a)
    opened(browser, reverse("practices:list"))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        if change == "user deactivated":
            User.objects.filter(pk=collaborator_a.pk).update(is_active=False)
        elif change == "firm rejected":
            Firm.objects.filter(pk=collaborator_a.firm_id).update(status=Firm.Status.REJECTED)
        else:
            collaborator_a.set_password("Una-nuova-parola-1")
            collaborator_a.save()
    # then the next page asks to log in
    response = browser.get(reverse("practices:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_claim_page_from_the_cache_still_logs_each_opening(client_for, collaborator_a, operator):
    claim = open_claim_on(collaborator_a, policy_in_force(collaborator_a))
    browser = client_for(operator)
    url = reverse("claims:detail", args=[claim.pk])
    logged = AuditEvent.objects.filter(action=ClaimAudit.ACCESSED, object_id=str(claim.pk))
    # when the page is opened four times, the last from the cache
    opened(browser, url)
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    # then (the last served without reading the claim's documents)
    assert not [q for q in captured.captured_queries if "claims_claimdocument" in q["sql"]]
    assert logged.count() == 5


def test_a_removed_second_factor_is_noticed_at_once(
    settings, client_for, operator, django_capture_on_commit_callbacks
):
    # given an operator's verified device read from the shared cache
    settings.CACHE_USERS = True
    browser = client_for(operator)
    opened(browser, reverse("practices:list"))
    # when his device is removed
    with django_capture_on_commit_callbacks(execute=True):
        TOTPDevice.objects.filter(user=operator).delete()
    # then the next page asks to log in again
    response = browser.get(reverse("practices:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_shared_cache_holds_no_password_hash_nor_second_factor_secret(
    settings, client_for, operator
):
    # given an operator's pages served with his user and device from the shared cache
    settings.CACHE_USERS = True
    browser = client_for(operator)
    opened(browser, reverse("practices:list"))
    device = TOTPDevice.objects.get(user=operator)
    # then what the cache keeps of them (as stored: pickled) holds neither secret
    user = cache.get(f"user:{operator.pk}")[1]
    kept_device = cache.get(f"otp-device:{device.persistent_id}")[1]
    assert user.pk == operator.pk
    assert "password" not in user.__dict__
    assert kept_device.pk == device.pk
    assert "key" not in kept_device.__dict__
    # and the next page, served with them, is still his
    assert browser.get(reverse("practices:list")).status_code == 200


def test_a_login_renews_no_stamp(client, collaborator_a, django_capture_on_commit_callbacks):
    stamp = table_stamp(User._meta.db_table)
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.filter(pk=0).update(first_name="x")
    before = tokens([stamp])
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(collaborator_a)
    assert tokens([stamp]) == before
    # while any other write of the table does
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.filter(pk=collaborator_a.pk).update(first_name="Altro")
    assert tokens([stamp]) != before


def test_a_truncate_stamps_every_table_it_names():
    client_table, claim_table = Client._meta.db_table, Claim._meta.db_table
    truncated = f'TRUNCATE "{client_table}", "{claim_table}" RESTART IDENTITY'
    assert sorted(_written(truncated)) == sorted([client_table, claim_table])
    # a cascade reaches tables it does not name: every model's table is stamped
    assert len(_written(f'TRUNCATE "{client_table}" CASCADE')) > 50


_REQUEST = re.compile(r'FROM "(django_session|accounts_user|accounts_firm|otp_totp_totpdevice)"')


def test_the_public_pages_come_from_the_cache_and_an_edited_faq_shows_at_once(
    client_for, collaborator_a, django_capture_on_commit_callbacks
):
    # given the home page, the FAQ (searched too) and Contattaci, opened by a logged-in user
    entry = FaqEntry.objects.create(section="Prova", question="Domanda?", answer="Prima risposta")
    browser = client_for(collaborator_a)
    faq = reverse("web:faq")
    for url in (reverse("web:home"), faq, f"{faq}?q=risposta", reverse("web:contact")):
        opened(browser, url)
        # when opened again, then it is served without a query of its own (the session and the
        # user are read by the test's settings, which keep them out of the shared cache)
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(url).status_code == 200
        own = [q["sql"] for q in captured.captured_queries if not _REQUEST.search(q["sql"])]
        assert own == [], url
    assert "Prima risposta" in browser.get(faq).content.decode()
    # when the answer changes, by whatever writes it (here a bare UPDATE)
    with django_capture_on_commit_callbacks(execute=True):
        FaqEntry.objects.filter(pk=entry.pk).update(answer="Seconda risposta")
    # then the FAQ shows it at once, searched or not
    assert "Seconda risposta" in browser.get(faq).content.decode()
    assert "Seconda risposta" in browser.get(f"{faq}?q=risposta").content.decode()


def test_the_contact_form_from_the_cache_still_sends(client_for, collaborator_a):
    browser = client_for(collaborator_a)
    page = opened(browser, reverse("web:contact"))
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    browser.handler.enforce_csrf_checks = True
    response = browser.post(
        reverse("web:contact"),
        {
            "csrfmiddlewaretoken": token,
            "name": "Mario Rossi",
            "email": "mario@example.it",
            "subject": "Informazioni",
            "message": "Vorrei sapere di più sulle polizze.",
            "privacy": "on",
        },
    )
    assert response.status_code == 302
    assert ContactRequest.objects.filter(email="mario@example.it").exists()
