"""Accessibility, measured: axe-core (from npm) on every page each role can reach, on a desktop
and on a phone, with zero violations of impact serious or critical (WCAG 2.1 A and AA)."""

from collections import deque
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from conftest import session_key_of
from polis.accounts.models import User
from polis.claims.models import Claim
from polis.devdata.signing import last_code
from polis.insured.services import send_insured_link
from polis.practices.models import Practice
from polis.signatures.tests.support import link_token, send
from polis.web.navigation import SIDEBAR, actions_for
from tests import snapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# One demo account per role (seed_demo); None is the anonymous visitor.
ROLES = {
    "anonymous": None,
    "collaborator": "mario.rossi@agenzia-rossi.example.it",
    "operator": "operatore@polis.local",
    "adjuster": "liquidatore@polis.local",
    "admin": "admin@polis.local",
}
# Not pages of ours to check: leaving the session, and Django's own admin site.
SKIPPED_NAMES = {"accounts:logout"}
SKIPPED_NAMESPACES = ("admin",)
TRANSITIONS_ENDED = "document.getAnimations().every(a => a.playState !== 'running')"
RUN_AXE = (
    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
    ".then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
    ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
    " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' | ' + n.failureSummary)})))"
)


@pytest.fixture(scope="session")
def _demo_snapshots() -> dict:
    """The worker's snapshot of the demo data, by the day it was made (seed_demo dates it)."""
    return {}


@pytest.fixture
def demo_world(settings, _demo_snapshots, tmp_path_factory):
    """The demo data (seed_demo), as the worker's first test made it: later tests get its
    snapshot back (tests/snapshot.py) instead of making it again through the services."""
    today = timezone.localdate()
    if today in _demo_snapshots:
        snapshot.restore(_demo_snapshots[today])
    else:
        settings.DEBUG = True
        call_command("seed_demo", stdout=StringIO())
        if snapshot.supported():
            _demo_snapshots.clear()
            _demo_snapshots[today] = snapshot.take(tmp_path_factory.mktemp("demo-world"))
    settings.DEBUG = False


def _pattern(path: str) -> str | None:
    """The URL pattern a path belongs to: one page is checked per pattern."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    if name in SKIPPED_NAMES or name.startswith(tuple(f"{n}:" for n in SKIPPED_NAMESPACES)):
        return None
    return name


def _session_cookie(live_server, user: User) -> dict:
    value = session_key_of(user)
    return {"name": django_settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}


def _axe_findings(page, label: str) -> list[str]:
    """axe's serious and critical findings on the page as it is now, once its transitions have
    ended (a resize starts some: mid-way axe would read half-faded colours). Asked once before
    waiting: the wait polls at the next animation frames even when nothing moves."""
    if not page.evaluate(TRANSITIONS_ENDED):
        page.wait_for_function(TRANSITIONS_ENDED)
    return [
        f"{label} [{violation['impact']}] {violation['id']}: {violation['help']}\n    "
        + "\n    ".join(violation["nodes"])
        for violation in page.evaluate(RUN_AXE, WCAG_21_AA)
    ]


def _crawl_and_check(page, host: str) -> tuple[list[str], list[str]]:
    """Crawl from the home page, one page per URL pattern, and run axe on each HTML page laid
    out on a phone and on a desktop; return the paths visited and the serious/critical
    findings. The page is loaded once, on the phone: the desktop's layout is the same document
    widened (narrowed instead, the sidebar would slide away for 0.3 s before axe could run)."""
    seen_patterns: set[str] = set()
    queue = deque(["/"])
    visited, findings = [], []
    while queue:
        path = queue.popleft()
        page.set_viewport_size(VIEWPORTS["phone"])
        try:
            response = page.goto(path)
        except PlaywrightError as error:  # a file download (PDF, CSV, ZIP) is not a page
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 400:  # a link that leads nowhere is a finding too
            findings.append(f"{path} answers {response.status}")
            continue
        visited.append(path)
        for size in ("phone", "desktop"):
            page.set_viewport_size(VIEWPORTS[size])
            findings += _axe_findings(page, f"{size} {path}")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            url = urlsplit(href)
            if url.netloc != host or url.scheme not in ("http", "https"):
                continue
            pattern = _pattern(url.path)
            if pattern is None or pattern in seen_patterns:
                continue
            seen_patterns.add(pattern)
            queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return visited, findings


@pytest.fixture
def page_of(_chromium, live_server, settings):
    """page_of(user, axe=False): a Chromium page on the live server, logged in as `user` (None:
    anonymous); with `axe`, every document it loads has axe-core (sent to the browser once, run
    with RUN_AXE), the page's CSP bypassed for it."""
    settings.ALLOWED_HOSTS = ["*"]
    contexts = []

    def open_page(user, *, axe: bool = False):
        context = _chromium.new_context(base_url=live_server.url, locale="it-IT", bypass_csp=axe)
        contexts.append(context)
        if axe:
            assert AXE.exists(), "axe-core is missing: run `npm install`"
            context.add_init_script(path=AXE)
        if user is not None:
            context.add_cookies([_session_cookie(live_server, user)])
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_has_no_serious_accessibility_violation(
    role, demo_world, page_of, live_server
):
    page = page_of(User.objects.get(email=ROLES[role]) if ROLES[role] else None, axe=True)
    paths, findings = _crawl_and_check(page, urlsplit(live_server.url).netloc)
    assert len(paths) >= 10, f"the crawl reached only {paths}"
    assert findings == [], f"{len(findings)} serious/critical violations:\n" + "\n".join(findings)


def test_a_refused_form_announces_its_errors_and_moves_focus_to_them(page_of, collaborator_a):
    page = page_of(collaborator_a)
    page.goto("/clienti/nuovo/")
    page.get_by_role("button", name="Salva").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "Il modulo non è stato inviato" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary.get_by_role("link").first.click()  # each error leads to its field
    assert page.evaluate("document.activeElement.tagName") in ("INPUT", "SELECT", "TEXTAREA")


@pytest.mark.parametrize("path", ["/registrati/", "/clienti/nuovo/"])
def test_every_help_text_is_read_out_with_its_field(page_of, collaborator_a, path):
    page = page_of(None if path == "/registrati/" else collaborator_a)
    page.goto(path)
    described = page.eval_on_selector_all(
        "[aria-describedby]",
        "els => els.flatMap(e => e.getAttribute('aria-describedby').split(' '))",
    )
    assert described, "no field is described by a help text"
    missing = [i for i in described if page.locator(f"[id='{i}']").count() == 0]
    assert missing == []


def test_the_client_kind_radios_do_not_overlap_the_name_labels(page_of, collaborator_a):
    page = page_of(collaborator_a)
    for size in VIEWPORTS.values():
        page.set_viewport_size(size)
        page.goto("/clienti/nuovo/")
        radios = page.get_by_role("group", name="Tipo di cliente")
        boxes = [radios.bounding_box()] + [
            page.get_by_text(text, exact=True).first.bounding_box() for text in ("Nome", "Cognome")
        ]
        group = boxes[0]
        for label in boxes[1:]:
            assert label["y"] >= group["y"] + group["height"], (size, boxes)


def test_a_brand_button_shows_keyboard_focus(page_of):
    page = page_of(None)
    page.goto("/accedi/")
    button = page.get_by_role("button", name="Accedi")
    page.get_by_label("Password").focus()
    for _ in range(5):  # from the password, through "show password" and the like, to the button
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    assert button.evaluate("b => b === document.activeElement")
    outline = button.evaluate(
        "b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth"
    )
    style, width = outline.split()
    assert style != "none", outline
    assert width != "0px", outline


def test_the_signing_page_has_no_serious_accessibility_violation(demo_world, page_of, screenshot):
    # given the demo's issued contract sent in firma, as its collaborator does
    practice = Practice.objects.filter(status=Practice.Status.ISSUED).first()
    send(User.objects.get(email=ROLES["collaborator"]), practice)
    signer = page_of(None, axe=True)
    # when the client opens the signing link, on a phone and on a desktop, in Italian and,
    # after pressing the page's language switch, in English
    path = f"/firma/{link_token(practice.client.email)}/"
    findings = []
    for language, switch in (("it", None), ("en", "English")):
        if switch:
            with signer.expect_navigation():
                signer.get_by_role("button", name=switch).click()
        for size, viewport in VIEWPORTS.items():
            signer.set_viewport_size(viewport)
            assert signer.goto(path).status == 200
            assert signer.evaluate("document.documentElement.lang") == language
            screenshot(signer, f"{language}-{size}")
            assert signer.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            findings += [
                f"{language} {size} {v['id']}: {v['nodes']}"
                for v in signer.evaluate(RUN_AXE, WCAG_21_AA)
            ]
    # then
    assert findings == []


@pytest.mark.parametrize("role", ["collaborator_a", "operator"])
def test_on_a_phone_the_menu_shows_every_item_readable_and_reachable(
    role, request, page_of, screenshot
):
    # given a collaborator or an operator on a 390×844 phone
    user = request.getfixturevalue(role)
    page = page_of(user, axe=True)
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto("/dashboard/")
    menu = page.locator("#sidebar")  # a navigation landmark, a dialog while open on a phone
    toggle = page.get_by_role("button", name="Menu", exact=True)
    assert page.get_by_role("navigation", name="Menu").is_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"
    screenshot(page, "closed", full_page=False)
    # when the menu button is pressed from the keyboard
    toggle.focus()
    page.keyboard.press("Enter")
    page.get_by_role("dialog", name="Menu").wait_for()
    page.wait_for_function("document.getElementById('sidebar').classList.contains('show')")
    # the backdrop fades in: axe reads the colours once every transition has ended
    page.wait_for_function(TRANSITIONS_ENDED)
    screenshot(page, "open", full_page=False)
    assert page.evaluate(RUN_AXE, WCAG_21_AA) == []
    # then every item of the role's menu, FAQ and Contattaci too, is whole and clickable
    expected = [str(item.label) for item in actions_for(user, SIDEBAR) if item.url]
    expected += ["Domande frequenti", "Contattaci"]
    links = menu.get_by_role("link")
    assert [text.strip() for text in links.all_inner_texts()] == expected
    assert toggle.get_attribute("aria-expanded") == "true"
    for link in links.all():
        link.click(trial=True)  # visible, not covered, inside the screen once scrolled to
        box = link.bounding_box()
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= VIEWPORTS["phone"]["width"], box
        assert link.evaluate("a => a.scrollWidth <= a.clientWidth"), link.inner_text()
    # and the keyboard stays inside it; Escape closes it and gives focus back to the button
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('sidebar').contains(document.activeElement)")
    page.keyboard.press("Escape")
    page.wait_for_function("!document.getElementById('sidebar').classList.contains('show')")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.evaluate("b => b === document.activeElement")
    # and an item leads to its page
    toggle.click()
    menu.get_by_role("link", name=expected[-1]).click()
    page.wait_for_url("**/contattaci/")


@pytest.mark.parametrize("role", ["collaborator", "operator"])
def test_the_dashboard_charts_are_drawn_and_fit_a_phone(role, demo_world, page_of, screenshot):
    # given the demo's collaborator or operator
    page = page_of(User.objects.get(email=ROLES[role]))
    for size, viewport in VIEWPORTS.items():
        # when the dashboard opens
        page.set_viewport_size(viewport)
        page.goto("/dashboard/")
        page.wait_for_function(
            "[...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))"
        )
        screenshot(page, size)
        # then every chart is drawn, its numbers are in a table, and nothing scrolls sideways
        assert page.locator("canvas[data-chart]").count() >= 1
        assert page.locator("table caption, table th[scope=col]").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


# The focused element: what it is, whether a focus indicator shows, and whether it follows the
# previously focused one in the page's order (no positive tabindex, no jump backwards).
FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const follows = !window.__lastFocus || window.__lastFocus === e
    || !!(window.__lastFocus.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING);
  window.__lastFocus = e;
  return {
    element: e.tagName + (e.id ? '#' + e.id : '') + ' '
      + (e.innerText || e.value || '').trim().slice(0, 40),
    visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
      || s.boxShadow !== 'none',
    follows: follows,
  };
}"""


def _tab_to(page, target, limit: int = 60) -> list[str]:
    """Press Tab until `target` has the focus, checking on the way that every focused element
    shows it and that the order only goes forward; return the elements passed."""
    page.evaluate("window.__lastFocus = document.activeElement")
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        passed.append(focused["element"])
        assert focused["visible"], f"no visible focus on {focused['element']}"
        assert focused["follows"], f"focus jumped back to {focused['element']} after {passed}"
        if target.evaluate("e => e === document.activeElement"):
            return passed
    raise AssertionError(f"{target} never took the focus: {passed}")


def test_the_signing_page_can_be_walked_with_the_keyboard_alone(demo_world, page_of):
    # given the demo's issued contract sent in firma, and its client on the link
    practice = Practice.objects.filter(status=Practice.Status.ISSUED).first()
    send(User.objects.get(email=ROLES["collaborator"]), practice)
    page = page_of(None)
    page.goto(f"/firma/{link_token(practice.client.email)}/")
    # the skip link comes first and leads into the page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Vai al contenuto"
    page.keyboard.press("Enter")
    # when the client declares the documents read, accepts and asks for the code: Tab, Space, Enter
    for checkbox, button in (("#acknowledge", "Confermo"), ("#accept", "Accetto")):
        if page.locator(checkbox).count():
            _tab_to(page, page.locator(checkbox))
            page.keyboard.press("Space")
            _tab_to(page, page.get_by_role("button", name=button, exact=True))
            with page.expect_navigation():
                page.keyboard.press("Enter")
    _tab_to(page, page.get_by_role("button", name="Invia codice"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # then the code field has the focus; a wrong code is announced and takes the focus
    assert page.evaluate("document.activeElement.id") == "code"
    page.keyboard.type("000000")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    error = page.get_by_role("alert")
    assert "Codice errato" in error.inner_text()
    assert error.evaluate("e => e === document.activeElement")
    # and the right code, typed after Tab, signs
    _tab_to(page, page.locator("#code"))
    page.keyboard.type(last_code(practice.client.mobile))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Documento firmato").is_visible()


def test_apri_sinistro_can_be_walked_with_the_keyboard_alone(demo_world, page_of):
    # given the demo's collaborator on APRI SINISTRO
    page = page_of(User.objects.get(email=ROLES["collaborator"]))
    page.goto("/sinistri/apri/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Vai al contenuto"
    # when he picks a policy and sends the form still empty, with Tab and Enter only
    _tab_to(page, page.locator("main a[href^='/sinistri/apri/']").first)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, page.get_by_role("button", name="Apri sinistro"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # then the refusal is announced and has the focus, and each error leads to its field
    summary = page.get_by_role("alert")
    assert "Il modulo non è stato inviato" in summary.inner_text()
    assert summary.evaluate("e => e === document.activeElement")
    _tab_to(page, summary.get_by_role("link").first)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") in ("INPUT", "SELECT", "TEXTAREA")


def test_the_insured_pages_have_no_serious_accessibility_violation(demo_world, page_of, screenshot):
    # given the demo's collaborator sends the personal link of a policy and of a claim
    collaborator = User.objects.get(email=ROLES["collaborator"])
    claim = Claim.objects.filter(firm=collaborator.firm).order_by("pk").first()
    policy = Practice.objects.filter(
        firm=collaborator.firm, status=Practice.Status.IN_FORCE
    ).first()
    links = [
        send_insured_link(actor=collaborator, practice=policy),
        send_insured_link(actor=collaborator, practice=claim.practice, claim=claim),
    ]
    insured = page_of(None, axe=True)
    paths = [f"/assicurato/{link.link_token}/" for link in links]
    paths.append(f"/assicurato/{links[0].link_token}/nuovo-link/")
    findings = []
    for size, viewport in VIEWPORTS.items():
        insured.set_viewport_size(viewport)
        for number, path in enumerate(paths):
            # when the client opens each page, on a phone and on a desktop
            assert insured.goto(path).status == 200
            screenshot(insured, f"{size}-{number}")
            # then nothing scrolls sideways and axe finds nothing serious
            assert insured.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            findings += [
                f"{size} {path} {v['id']}: {v['nodes']}"
                for v in insured.evaluate(RUN_AXE, WCAG_21_AA)
            ]
    # and the refused page (an unknown link) too
    assert insured.goto(f"/assicurato/{'x' * 43}/").status == 410
    findings += [f"refused {v['id']}" for v in insured.evaluate(RUN_AXE, WCAG_21_AA)]
    assert findings == []
