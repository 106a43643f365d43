"""Public page "Verifica documento": lookup, proof download, no-JS fallback, browser test."""

import base64
import hashlib
from zoneinfo import ZoneInfo

import pytest

from polis.ledger import entries, merkle, note, proofbundle, services
from polis.ledger.models import LedgerEntry
from polis.ledger.tests.conftest import TEST_SIGNER

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


def test_a_signed_quietanza_says_so_at_the_time_of_rome(client):
    # given a quietanza signed and its signature report, registered under their own types
    signed, report = hashlib.sha256(b"quietanza firmata").hexdigest(), "d" * 64
    services.record_event(type="quietanza.signed", ref="Q-1", sha256=signed)
    services.record_event(type="quietanza.evidence", ref="Q-1", sha256=report)
    services.integrate_all()
    # when each is looked up
    first = client.get("/registro/verifica/cerca", {"sha256": signed}).json()
    second = client.get("/registro/verifica/cerca", {"sha256": report}).json()
    # then the register names what was signed, at the time of Rome
    assert first["type_label"] == "Quietanza firmata"
    assert second["type_label"] == "Rapporto di firma della quietanza"
    entry = LedgerEntry.objects.get(sha256=signed)
    rome = entry.time.astimezone(ZoneInfo("Europe/Rome"))
    assert first["time"] == rome.strftime("%d/%m/%Y %H:%M:%S %Z")
    assert first["time"].endswith((" CET", " CEST"))


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


def test_the_time_stamp_link_speaks_italian(client):
    page = client.get("/registro/verifica/").content.decode()
    assert "(scarica la marca e verificala con il verificatore offline)" in page
    assert "(token," not in page


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
    # then the page shows the registration, verified in the browser, in one green verdict
    result = page.locator("#verify-result")
    result.get_by_text("Documento registrato e verificato").wait_for()
    assert result.locator(".alert-success").count() == 1
    assert result.locator(".alert-danger").count() == 0
    assert result.locator('[data-field="type_label"]').inner_text() == "Contratto firmato"
    assert result.locator('[data-field="index"]').inner_text() == "1"
    assert result.locator('[data-field="witnesses"]').inner_text() == "nessun testimone richiesto"
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
    # and a verifier key whose base64 holds a "+" parses, with its key ID checked
    with_plus = next(
        str(v)
        for v in (note.Signer.generate(LOG).verifier for _ in range(200))
        if "+" in str(v).split("+", 2)[2]
    )
    parsed = page.evaluate(
        "async (k) => PolisMerkle.toHex((await PolisNote.parseVerifierKey(k)).id)", with_plus
    )
    assert parsed == with_plus.split("+")[1]
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "unregistered-phone")


def _signature_line(checkpoint: str, name: str) -> tuple[str, bytes]:
    line = next(x for x in checkpoint.split("\n") if x.startswith(f"\u2014 {name} "))
    return line, base64.b64decode(line.split(" ")[2])


def _with_blob(checkpoint: str, name: str, blob: bytes) -> str:
    line, _ = _signature_line(checkpoint, name)
    return checkpoint.replace(line, f"\u2014 {name} {base64.b64encode(blob).decode()}")


def _flipped_signature(answer, other):
    _, blob = _signature_line(answer["checkpoint"], LOG)
    flipped = blob[:10] + bytes([blob[10] ^ 1]) + blob[11:]
    return {**answer, "checkpoint": _with_blob(answer["checkpoint"], LOG, flipped)}


def _wrong_key_id(answer, other):
    _, blob = _signature_line(answer["checkpoint"], LOG)
    return {**answer, "checkpoint": _with_blob(answer["checkpoint"], LOG, b"\0\0\0\0" + blob[4:])}


def _wrong_origin(answer, other):
    # a checkpoint really signed by the log's key, but for another log
    text = answer["checkpoint"].split("\n\n")[0].split("\n", 1)[1]
    forged = note.sign_note("altro.example/registro\n" + text + "\n", TEST_SIGNER)
    return {**answer, "checkpoint": forged}


def _made_up_root(answer, other):
    # a one-entry log made up for the modified PDF, under the genuine signature line
    sha = hashlib.sha256(MODIFIED).hexdigest()
    entry = entries.canonical_entry(
        type="contract.signed", ref="CTR-0042", sha256=sha, time="2026-01-01T00:00:00Z"
    )
    root = merkle.leaf_hash(entry)
    text = note.Checkpoint(LOG, 1, root).text()
    signatures = answer["checkpoint"].split("\n\n")[1]
    return {
        **answer,
        "sha256": sha,
        "index": 0,
        "size": 1,
        "entry": base64.b64encode(entry).decode(),
        "leaf_hash": root.hex(),
        "proof": [],
        "checkpoint": text + "\n" + signatures,
    }


def _proof_for_another_entry(answer, other):
    return {**answer, "index": other["index"], "proof": other["proof"]}


LOG = "polis.local/registro"
MODIFIED = b"%PDF-1.4\n% polizza registrata, importo modificato\n"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("tamper", "step", "document", "reason"),
    [
        (_flipped_signature, "signature", REGISTERED, "firma Ed25519 del registro non è valida"),
        (_wrong_key_id, "keyid", REGISTERED, "invece di"),
        (_wrong_origin, "origin", REGISTERED, "invece di"),
        (_made_up_root, "signature", MODIFIED, "firma Ed25519 del registro non è valida"),
        (_proof_for_another_entry, "proof", REGISTERED, "la prova non porta alla radice firmata"),
    ],
    ids=["flipped-signature", "wrong-key-id", "wrong-origin", "made-up-root", "other-proof"],
)
def test_a_tampered_lookup_answer_is_red_naming_the_failed_step(
    browser_page, screenshot, tmp_path, client, tamper, step, document, reason
):
    # given a registered document and a server (or a network) that alters the lookup's answer
    _register()
    genuine = client.get(
        "/registro/verifica/cerca", {"sha256": hashlib.sha256(REGISTERED).hexdigest()}
    ).json()
    other = client.get("/registro/verifica/cerca", {"sha256": "e" * 64}).json()
    forged = tamper(genuine, other)
    page = browser_page
    page.route(
        "**/registro/verifica/cerca?*",
        lambda route: route.fulfill(json=forged, content_type="application/json"),
    )
    path = tmp_path / "documento.pdf"
    path.write_bytes(document)
    page.goto("/registro/verifica/")
    # when the document is checked
    page.set_input_files("#verify-file", str(path))
    # then the one verdict is red and names the step that failed
    result = page.locator("#verify-result")
    result.get_by_text("Verifica NON riuscita").wait_for()
    assert result.get_attribute("data-verified") == "no"
    assert result.get_attribute("data-failed-step") == step
    assert reason in result.inner_text()
    assert result.locator(".alert-success").count() == 0
    assert result.get_by_text("Documento registrato e verificato").count() == 0
    screenshot(page, step)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_tampered_answer_is_explained_in_english_to_an_english_browser(
    request, live_server, settings, tmp_path, client
):
    # given a visitor whose browser prefers English and a server that alters the origin
    settings.ALLOWED_HOSTS = ["*"]
    _register()
    genuine = client.get(
        "/registro/verifica/cerca", {"sha256": hashlib.sha256(REGISTERED).hexdigest()}
    ).json()
    chromium = request.getfixturevalue("_chromium")  # the browser, without browser_page's Italian
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.route(
        "**/registro/verifica/cerca?*",
        lambda route: route.fulfill(
            json=_wrong_origin(genuine, None), content_type="application/json"
        ),
    )
    path = tmp_path / "documento.pdf"
    path.write_bytes(REGISTERED)
    page.goto("/registro/verifica/")
    # when the document is checked
    page.set_input_files("#verify-file", str(path))
    # then the failed step and its reason are in English
    result = page.locator("#verify-result")
    result.wait_for()
    page.wait_for_function("document.querySelector('#verify-result').dataset.verified === 'no'")
    text = result.inner_text()
    context.close()
    assert "ledger origin" in text
    assert "instead of" in text
    assert "invece di" not in text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_web_crypto_ed25519_the_npm_library_verifies(browser_page, tmp_path):
    # given a browser whose Web Crypto has no Ed25519
    _register()
    page = browser_page
    page.add_init_script(
        """
        const importKey = crypto.subtle.importKey.bind(crypto.subtle);
        crypto.subtle.importKey = (format, data, algorithm, ...rest) =>
            (algorithm && (algorithm.name || algorithm) === "Ed25519")
                ? Promise.reject(new DOMException("no Ed25519", "NotSupportedError"))
                : importKey(format, data, algorithm, ...rest);
        """
    )
    path = tmp_path / "contratto.pdf"
    path.write_bytes(REGISTERED)
    page.goto("/registro/verifica/")
    # when the registered PDF is checked
    page.set_input_files("#verify-file", str(path))
    # then @noble/ed25519, served from node_modules, verified the signature
    page.locator("#verify-result").get_by_text("Documento registrato e verificato").wait_for()
    assert page.evaluate("window.PolisNote.fallbackUsed()") is True
    # and it rejects a flipped signature as Web Crypto would
    assert (
        page.evaluate(
            """async () => {
            const key = await PolisNote.parseVerifierKey(
                JSON.parse(document.getElementById('verify-pinned').textContent).log.key);
            const message = new TextEncoder().encode('x');
            return PolisNote.ed25519Verify(key.publicKey, new Uint8Array(64), message);
        }"""
        )
        is False
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_requires_the_pinned_witnesses_cosignatures(
    browser_page, screenshot, tmp_path, witness_process, settings
):
    # given a log with one witness whose cosignature the page requires
    witness, url = witness_process
    settings.LEDGER_WITNESSES = [f"{witness}={url}"]
    settings.LEDGER_WITNESS_QUORUM = 1
    _register()
    services.integrate_all()
    path = tmp_path / "contratto.pdf"
    path.write_bytes(REGISTERED)
    page = browser_page
    # when the checkpoint is not cosigned yet
    page.goto("/registro/verifica/")
    assert page.locator('[data-pinned="witness"]').inner_text() == str(witness)
    page.set_input_files("#verify-file", str(path))
    result = page.locator("#verify-result")
    result.get_by_text("Verifica NON riuscita").wait_for()
    # then the verdict is red for the missing cosignature
    assert result.get_attribute("data-failed-step") == "witnesses"
    assert "confermato da 0 testimoni su 1 richiesti" in result.inner_text()
    # when the witness has cosigned it
    services.publish_log()
    page.reload()
    page.set_input_files("#verify-file", str(path))
    result.get_by_text("Documento registrato e verificato").wait_for()
    # then the page says who confirmed it
    assert result.locator('[data-field="witnesses"]').inner_text() == (
        f"confermato da 1 testimone: {witness.name}"
    )
    screenshot(page, "cosigned")
