"""Public page "Verifica documento": lookup, proof download, no-JS fallback, browser test."""

import hashlib

import pytest

from polis.ledger import proofbundle, services

pytestmark = pytest.mark.django_db

REGISTERED = b"%PDF-1.4\n% polizza registrata\n"
UNREGISTERED = b"%PDF-1.4\n% mai registrato\n"


def _register(content: bytes = REGISTERED):
    services.record_event(type="policy.issued", ref="OTHER", sha256="e" * 64)
    entry = services.record_event(
        type="contract.signed", ref="CTR-0042", sha256=hashlib.sha256(content).hexdigest()
    )
    services.integrate_all()
    return entry


def test_lookup_returns_the_registration_with_its_proof(client):
    _register()
    digest = hashlib.sha256(REGISTERED).hexdigest()
    body = client.get("/registro/verifica/cerca", {"sha256": digest.upper()}).json()
    assert body["found"] is True
    assert body["index"] == 1
    assert body["size"] == 2
    assert body["type_label"] == "Contratto firmato"
    assert body["checkpoint"].startswith("polis.local/registro\n2\n")
    assert len(body["proof"]) == 1


def test_lookup_of_an_unregistered_or_malformed_hash(client):
    _register()
    missing = client.get("/registro/verifica/cerca", {"sha256": "0" * 64})
    assert missing.json() == {"found": False, "sha256": "0" * 64}
    bad = client.get("/registro/verifica/cerca", {"sha256": "xyz"})
    assert bad.status_code == 400
    assert bad.json() == {"error": "'sha256' must be the document's SHA-256 (64 hex digits)."}


def test_downloaded_tlog_proof_verifies_offline(client, ledger_key):
    _register()
    digest = hashlib.sha256(REGISTERED).hexdigest()
    response = client.get("/registro/verifica/prova", {"sha256": digest})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{digest[:16]}.tlog-proof"'
    text = response.content.decode()
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra ")
    assert "\nindex 1\n" in text
    verified = proofbundle.verify_bundle(text, ledger_key.verifier, sha256=digest)
    assert verified.entry["ref"] == "CTR-0042"
    assert client.get("/registro/verifica/prova", {"sha256": "0" * 64}).status_code == 404


def test_page_without_javascript_shows_the_result(client):
    _register()
    digest = hashlib.sha256(REGISTERED).hexdigest()
    found = client.get("/registro/verifica/", {"sha256": digest}).content.decode()
    assert "Documento registrato" in found
    assert "Contratto firmato" in found
    missing = client.get("/registro/verifica/", {"sha256": "0" * 64}).content.decode()
    assert "Questo documento non risulta registrato." in missing
    assert client.get("/registro/verifica/", {"sha256": "nope"}).status_code == 400


def test_footer_links_the_page(client):
    assert 'href="/registro/verifica/"' in client.get("/").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_verify_a_registered_and_an_unregistered_pdf_in_the_browser(
    browser_page, screenshot, tmp_path
):
    # given a registered contract PDF and one that was never registered
    _register()
    registered, unregistered = tmp_path / "contratto.pdf", tmp_path / "altro.pdf"
    registered.write_bytes(REGISTERED)
    unregistered.write_bytes(UNREGISTERED)
    page = browser_page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url + " " + (r.post_data or "")))
    page.goto("/registro/verifica/")
    # when the registered PDF is chosen
    page.set_input_files("#verify-file", str(registered))
    # then the page shows the registration and the proof verified in the browser
    result = page.locator("#verify-result")
    result.get_by_text("Documento registrato").wait_for()
    assert result.locator('[data-field="type_label"]').inner_text() == "Contratto firmato"
    assert result.locator('[data-field="index"]').inner_text() == "1"
    assert result.locator('[data-field="verdict"]').inner_text() == (
        "verificata nel browser: la voce porta alla radice firmata"
    )
    assert result.get_attribute("data-verified") == "yes"
    href = result.locator('[data-field="download"]').get_attribute("href")
    assert href == f"/registro/verifica/prova?sha256={hashlib.sha256(REGISTERED).hexdigest()}"
    screenshot(page, "registered")
    # and the file itself never left the device: only its hash was sent
    assert not any("PDF-1.4" in r for r in requests)
    # when an unregistered PDF is chosen
    page.set_input_files("#verify-file", str(unregistered))
    result.get_by_text("Questo documento non risulta registrato.").wait_for()
    assert hashlib.sha256(UNREGISTERED).hexdigest() in result.inner_text()
    # and the browser's RFC 9162 code rejects a proof for a different position
    assert page.evaluate(
        """async (sha) => {
            const r = await (await fetch('/registro/verifica/cerca?sha256=' + sha)).json();
            const M = window.PolisMerkle;
            const entry = M.fromBase64(r.entry);
            const root = M.fromBase64(r.checkpoint.split('\\n')[2]);
            const proof = r.proof.map(M.fromBase64);
            const leaf = await M.leafHash(entry);
            return [
                await M.verifyInclusion(r.index, r.size, leaf, proof, root),
                await M.verifyInclusion(0, r.size, leaf, proof, root),
                await M.verifyInclusion(r.index, r.size, await M.leafHash(root), proof, root),
            ];
        }""",
        hashlib.sha256(REGISTERED).hexdigest(),
    ) == [True, False, False]
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "unregistered-phone")
