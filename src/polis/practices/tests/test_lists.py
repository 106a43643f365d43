"""PRATICHE E PREVENTIVI: tabs, filters, search, sorting, exports scoped to the firm, queries
independent of the page size."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from polis.catalog.models import Insurer, Product
from polis.clients.tests.factories import ClientFactory
from polis.practices.actions import allowed_actions
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory
from polis.quotes.tests.factories import demo_product

pytestmark = pytest.mark.django_db
S = Practice.Status
CAUZIONE_ANSWERS = {
    "bond_type": "provvisoria",
    "credit_class": "A",
    "sum_guaranteed": "20000",
    "months": "6",
}


def shown(response):
    return [p.policy_number for p in response.context["page"]]


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def portfolio(collaborator_a, collaborator_b):
    today = timezone.localdate()
    other_insurer = Insurer.objects.create(name="Altra Compagnia", ivass_code="D111")
    cau = demo_product("CAU")
    Product.objects.filter(pk=cau.pk).update(insurer=other_insurer)
    bianchi = ClientFactory(created_by=collaborator_a, last_name="Bianchi", first_name="Anna")
    return {
        "draft": PracticeFactory(created_by=collaborator_a, status=S.DRAFT, policy_number=None),
        "rcp": PracticeFactory(
            created_by=collaborator_a,
            client=bianchi,
            status=S.IN_FORCE,
            policy_number="RCP-2026-000010",
            effective_date=today - timedelta(days=300),
            end_date=today + timedelta(days=65),
        ),
        "soon": PracticeFactory(
            created_by=collaborator_a,
            status=S.IN_FORCE,
            policy_number="RCP-2026-000011",
            effective_date=today - timedelta(days=355),
            end_date=today + timedelta(days=10),
        ),
        "cau": PracticeFactory(
            created_by=collaborator_a,
            status=S.ISSUED,
            product=cau,
            answers=CAUZIONE_ANSWERS,
            policy_number="CAU-2026-000001",
        ),
        "other_firm": PracticeFactory(
            created_by=collaborator_b,
            status=S.IN_FORCE,
            policy_number="RCP-2026-000099",
            end_date=today + timedelta(days=10),
        ),
        "bianchi": bianchi,
        "other_insurer": other_insurer,
    }


def test_filters_search_and_sorting(client_for, collaborator_a, portfolio):
    # given
    page = client_for(collaborator_a)
    url = reverse("practices:list")
    # then
    assert set(shown(page.get(url))) == {
        None,
        "RCP-2026-000010",
        "RCP-2026-000011",
        "CAU-2026-000001",
    }
    assert shown(page.get(url, {"stato": "in_force", "ordina": "scadenza"})) == [
        "RCP-2026-000011",
        "RCP-2026-000010",
    ]
    assert shown(page.get(url, {"prodotto": "CAU"})) == ["CAU-2026-000001"]
    assert shown(page.get(url, {"compagnia": portfolio["other_insurer"].pk})) == ["CAU-2026-000001"]
    assert shown(page.get(url, {"q": "rcp-2026-00001"})) == [
        "RCP-2026-000011",
        "RCP-2026-000010",
    ]
    assert shown(page.get(url, {"q": "bianchi"})) == ["RCP-2026-000010"]
    assert shown(page.get(url, {"q": portfolio["bianchi"].codice_fiscale.lower()})) == [
        "RCP-2026-000010"
    ]
    since = (timezone.localdate() - timedelta(days=310)).isoformat()
    until = (timezone.localdate() - timedelta(days=290)).isoformat()
    assert shown(page.get(url, {"dal": since, "al": until})) == ["RCP-2026-000010"]
    # bad values are ignored, never an error
    assert page.get(url, {"stato": "x", "dal": "ieri", "per_pagina": "7"}).status_code == 200


def test_htmx_reloads_only_the_results(client_for, collaborator_a, portfolio):
    # when
    response = client_for(collaborator_a).get(
        reverse("practices:list"), {"q": "RCP-2026"}, headers={"HX-Request": "true"}
    )
    # then
    html = response.content.decode()
    assert "<html" not in html
    assert "RCP-2026-000010" in html
    assert "Esporta CSV" in html


def test_the_expiring_tab_shows_in_force_practices_in_the_window(
    client_for, collaborator_a, operator, portfolio
):
    # given
    page = client_for(collaborator_a)
    url = reverse("practices:expiring")
    # then
    assert shown(page.get(url)) == ["RCP-2026-000011"]
    assert shown(page.get(url, {"giorni": 90})) == ["RCP-2026-000011", "RCP-2026-000010"]
    assert "Rinnova" in page.get(url).content.decode()
    staff = client_for(operator)
    assert shown(staff.get(url)) == ["RCP-2026-000011", "RCP-2026-000099"]


def test_the_expiring_list_offers_rinnova_exactly_on_the_rows_allowed_to_renew(
    client_for, collaborator_a, operator, portfolio
):
    # given the expiring practices of the widest window
    url = reverse("practices:expiring")
    expiring = Practice.objects.filter(status=Practice.Status.IN_FORCE)

    def renew_forms(user) -> set[int]:
        html = client_for(user).get(url, {"giorni": 90}).content.decode()
        return {
            p.pk for p in expiring if f'action="{reverse("practices:renew", args=[p.pk])}"' in html
        }

    # then: the firm renews the rows its actions allow; the MGA renews none
    allowed = {p.pk for p in expiring if "renew" in allowed_actions(p, collaborator_a)}
    assert allowed
    assert renew_forms(collaborator_a) == allowed
    assert renew_forms(operator) == set()


def test_the_expiring_window_is_shown_and_defaults_to_sixty_days(
    client_for, collaborator_a, portfolio
):
    # when
    page = client_for(collaborator_a).get(reverse("practices:expiring")).content.decode()
    # then: the select offers 30, 60 and 90 days, with 60 chosen
    select = re.search(r'<select name="giorni".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\d+)"', select) == ["30", "60", "90"]
    assert re.search(r'<option value="60"[^>]*selected', select)
    assert "Scadenza entro" in page


def test_the_expiring_windows_are_a_setting(settings, client_for, collaborator_a, portfolio):
    # given
    settings.PRACTICE_EXPIRING_WINDOWS = [120, 7]
    # when
    response = client_for(collaborator_a).get(reverse("practices:expiring"))
    # then
    assert shown(response) == ["RCP-2026-000011", "RCP-2026-000010"]
    assert "120 giorni" in response.content.decode()


def test_exports_follow_the_filters_and_stay_in_the_firm(
    client_for, collaborator_a, collaborator_b, portfolio
):
    # when
    mine = csv_rows(
        client_for(collaborator_a).get(
            reverse("practices:export", args=["csv"]), {"stato": "in_force"}
        )
    )
    theirs = client_for(collaborator_b).get(reverse("practices:export", args=["xlsx"]))
    # then
    assert mine[0][:3] == ["Polizza", "Stato", "Cliente"]
    assert sorted(row[0] for row in mine[1:]) == ["RCP-2026-000010", "RCP-2026-000011"]
    assert mine[1][8] in ("843,34",)
    sheet = load_workbook(io.BytesIO(theirs.content)).active
    rows = list(sheet.values)
    assert [row[0] for row in rows[1:]] == ["RCP-2026-000099"]
    assert rows[1][7] is not None


def test_exports_defuse_spreadsheet_formulas(client_for, collaborator_a):
    # given
    evil = ClientFactory(created_by=collaborator_a, last_name="=HYPERLINK(1)", first_name="")
    PracticeFactory(created_by=collaborator_a, client=evil, policy_number="RCP-2026-000777")
    page = client_for(collaborator_a)
    # when
    rows = csv_rows(page.get(reverse("practices:export", args=["csv"])))
    sheet = load_workbook(
        io.BytesIO(page.get(reverse("practices:export", args=["xlsx"])).content)
    ).active
    # then
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert sheet.cell(row=2, column=3).value == "'=HYPERLINK(1)"


def test_quotes_tab_filters_and_exports(client_for, collaborator_a, collaborator_b):
    # given
    from polis.quotes import services as quotes
    from polis.quotes.tests.test_quotes import ARCHITECT

    quote = quotes.create_quote(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    page = client_for(collaborator_a)
    # then
    listing = page.get(reverse("quotes:list"), {"stato": "validi", "prodotto": "RCP"})
    assert [q.number for q in listing.context["page"]] == [quote.number]
    assert "Pratiche in scadenza" in listing.content.decode()
    assert [
        q.number for q in page.get(reverse("quotes:list"), {"q": "prv-2026"}).context["page"]
    ] == [quote.number]
    assert [row[0] for row in csv_rows(page.get(reverse("quotes:export", args=["csv"])))[1:]] == [
        quote.number
    ]
    other = client_for(collaborator_b).get(reverse("quotes:export", args=["csv"]))
    assert csv_rows(other)[1:] == []


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("practices:list", {}),
        ("practices:list", {"stato": "in_force", "compagnia": "1", "q": "Rossi"}),
        ("practices:expiring", {"giorni": "90"}),
        ("quotes:list", {}),
    ],
)
def test_queries_do_not_grow_with_the_page_size(client_for, collaborator_a, operator, name, params):
    # given: 120 practices and quotes of one firm
    today = timezone.localdate()
    for n in range(120):
        PracticeFactory(
            created_by=collaborator_a,
            status=S.IN_FORCE,
            policy_number=f"RCP-2026-{n:06d}",
            end_date=today + timedelta(days=30 + n % 50),
        )
    counts = {}
    for user in (collaborator_a, operator):
        page = client_for(user)
        for size in (25, 100):
            cache.clear()  # the filters and the unread badge are cached: count their queries
            with CaptureQueriesContext(connection) as queries:
                response = page.get(reverse(name), {**params, "per_pagina": size})
            assert response.status_code == 200
            counts[user.role, size] = len(queries)
    # then
    assert counts["collaborator", 25] == counts["collaborator", 100]
    assert counts["operator", 25] == counts["operator", 100]


def test_the_filters_show_an_insurer_renamed_in_the_admin(
    client_for, collaborator_a, admin_user, django_capture_on_commit_callbacks
):
    # given: the filters were rendered (and cached) with the insurer's old name
    insurer = demo_product("RCP").insurer
    page = client_for(collaborator_a)
    for _ in range(2):
        assert insurer.name in page.get(reverse("practices:list")).content.decode()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            reverse("admin:catalog_insurer_change", args=[insurer.pk]),
            {
                "name": "Compagnia Rinominata S.p.A.",
                "ivass_code": insurer.ivass_code,
                "claims_closures": "[]",
            },
        )
    # then
    assert response.status_code == 302
    assert "Compagnia Rinominata S.p.A." in page.get(reverse("practices:list")).content.decode()


def test_filters_keep_what_each_user_typed(client_for, collaborator_a, collaborator_b):
    # given
    page = client_for(collaborator_a)
    for _ in range(2):
        page.get(reverse("practices:list"), {"q": "Bianchi"})
    # when
    other = client_for(collaborator_b).get(reverse("practices:list"), {"q": "Verdi"})
    # then
    html = other.content.decode()
    assert 'value="Verdi"' in html
    assert "Bianchi" not in html
