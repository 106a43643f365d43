"""Render + PAdES-sign a 4-page contract: the signature issue's target is ≤ 300 ms p50.

    .venv/bin/python bench/signing.py [RUNS]

Renders a 4-page A4 document in the contract's style with WeasyPrint (documents.pdf), then
signs it as sign_with_code does (signatures.pades, development certificate, visible block),
without and with a local RFC 3161 TSA. No database is needed.
"""

import os
import statistics
import sys
import tempfile
import time

from common import ROOT  # noqa: F401  (puts src/ on the path)

os.environ.setdefault("POLIS_VAR_DIR", tempfile.mkdtemp(prefix="polis-bench-"))
import django

django.setup()
from django.conf import settings
from weasyprint import HTML

from polis.signatures import pades
from tests.tsa import running_tsa

STYLE = """<style>@page { size: A4; margin: 18mm 16mm 38mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; color: #1f2d3d; }
h2 { font-size: 11pt; color: #123c69; }
td { border-bottom: 1px solid #c9d3df; padding: 4pt; }</style>"""
ARTICLE = (
    "<h2>Art. {n} - Oggetto dell'assicurazione</h2><p>"
    + "La Società si obbliga a tenere indenne l'Assicurato di quanto questi sia tenuto a pagare, "
    "quale civilmente responsabile ai sensi di legge, per perdite patrimoniali involontariamente "
    "cagionate a terzi nell'esercizio dell'attività professionale descritta in polizza. "
    * 4
    + "</p><table>"
    + "".join(f"<tr><td>Voce {i}</td><td>€ {i * 37},00</td></tr>" for i in range(6))
    + "</table>"
)
HTML_DOC = STYLE + "".join(ARTICLE.format(n=n) for n in range(1, 9))
STAMP = (
    "Firmato con firma elettronica avanzata da Mario Rossi (RSSMRA80A01H501U) mediante codice "
    "OTP inviato a +39 *** *** 567 il 25/11/2026 10:00:00\nSHA-256 del documento: " + "a" * 64
)


def run(runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"render": [], "sign": [], "total": []}
    for _ in range(runs):
        started = time.perf_counter()
        pdf = HTML(string=HTML_DOC).write_pdf()
        rendered = time.perf_counter()
        pades.sign_pdf(pdf, stamp_text=STAMP, reason="Sottoscrizione")
        done = time.perf_counter()
        times["render"].append((rendered - started) * 1000)
        times["sign"].append((done - rendered) * 1000)
        times["total"].append((done - started) * 1000)
    return times


def report(label: str, times: dict[str, list[float]]) -> None:
    parts = ", ".join(
        f"{name} p50 {statistics.median(values):.0f} ms (p95 "
        f"{statistics.quantiles(values, n=20)[18]:.0f})"
        for name, values in times.items()
    )
    print(f"{label}: {parts}")


def main(runs: int) -> None:
    pages = len(HTML(string=HTML_DOC).render().pages)
    print(f"document: {pages} pages; {runs} runs each")
    run(2)  # warm up: fonts, the signing identity
    report("B-B (no TSA)", run(runs))
    with running_tsa() as (url, _certificate):
        settings.SIGNATURE_TSA_URL = url
        report("B-T (local TSA)", run(runs))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
