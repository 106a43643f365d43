"""Workloads of the production profile, driven by locust.

The soak (bench/soak.py): Visitor, Collaborator, Operator. The mixed read/write load at scale
(bench/mixed_load.py): Reader and Writer, a collaborator of one firm reading the working lists
and writing what a collaborator writes (a quote priced and saved, turned into a practice and
issued, the contract sent in firma and signed by the client with the SMS code, a claim opened).
"""

import json
import os
import random
import re
import sys
import time
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from forms import csrf_token, form_fields

COLLABORATOR_COOKIE = os.environ.get("SOAK_COLLABORATOR_COOKIE", "")
OPERATOR_COOKIE = os.environ.get("SOAK_OPERATOR_COOKIE", "")


class Visitor(HttpUser):
    weight = 3
    wait_time = between(0.5, 2)

    @task(4)
    def home_and_faq(self):
        self.client.get("/")
        self.client.get("/faq/")

    @task(2)
    def faq_search(self):
        self.client.get("/faq/?q=sinistro", headers={"HX-Request": "true"}, name="/faq/?q=")

    @task(1)
    def contact(self):
        page = self.client.get("/contattaci/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/contattaci/",
            {
                "csrfmiddlewaretoken": token[1] if token else "",
                "name": "Soak",
                "email": "soak@example.it",
                "subject": "Prova di carico",
                "message": "Ciao",
                "privacy": "on",
            },
            headers={"Cookie": page.headers.get("Set-Cookie", "").split(";")[0]},
            allow_redirects=False,
        )


class Collaborator(HttpUser):
    weight = 2
    wait_time = between(0.5, 2)

    @task
    def dashboard(self):
        self.client.get("/dashboard/", headers={"Cookie": COLLABORATOR_COOKIE})


class Operator(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    @task
    def back_office(self):
        self.client.get("/dashboard/", headers={"Cookie": OPERATOR_COOKIE})
        self.client.get("/back-office/contatti/", headers={"Cookie": OPERATOR_COOKIE})


# --- the mixed read/write load (bench/mixed_load.py writes this file) ---------------------------
MIXED = (
    json.loads(Path(os.environ["MIXED_LOAD_DATA"]).read_text())
    if os.environ.get("MIXED_LOAD_DATA")
    else {}
)


def _png() -> bytes:
    """An identity document's scan: a small valid PNG."""
    from io import BytesIO

    from PIL import Image

    data = BytesIO()
    Image.new("RGB", (60, 40), "white").save(data, "PNG")
    return data.getvalue()


PNG = _png()


def plain_cookies(user: HttpUser) -> None:
    """Log the user in with the prepared session; the cookies the site sets (Secure in the
    production profile, which the client would not send back over loopback's plain HTTP) are
    kept as plain ones."""
    jar = user.client.cookies
    jar.set(*MIXED["cookie"].split("=", 1))

    def keep(response, *args, **kwargs):
        for cookie in response.cookies:
            jar.set(cookie.name, cookie.value)

    user.client.hooks["response"].append(keep)


class Reader(HttpUser):
    """The working lists of the firm, as throughput.py --scale cycles them."""

    weight = 3
    wait_time = between(0.2, 1)

    def on_start(self):
        plain_cookies(self)

    @task
    def read(self):
        path = random.choice(MIXED["reads"])  # noqa: S311 (sampling)
        self.client.get(path, name=f"read {path}")


class Writer(HttpUser):
    """A collaborator's writes, each checked for the page that says it was done."""

    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self):
        plain_cookies(self)
        import psycopg

        self.db = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)

    def on_stop(self):
        self.db.close()

    def _post(self, path: str, data: dict, name: str, expect: str, files=None):
        """POST and follow the redirect: the page, a failure unless it says `expect`."""
        with self.client.post(path, data, files=files, name=name, catch_response=True) as r:
            if r.status_code != 200 or expect not in r.text:
                r.failure(f"{r.status_code}: {expect!r} not on {r.url}")
                raise StopIteration
            return r

    def _outbox_after(self, last: int, recipient: str, channel: str) -> str:
        with self.db.cursor() as cursor:
            cursor.execute(
                "SELECT body_text FROM notify_outboundmessage WHERE id > %s AND recipient = %s"
                " AND channel = %s ORDER BY id DESC LIMIT 1",
                (last, recipient, channel),
            )
            row = cursor.fetchone()
        return row[0] if row else ""

    def _last_outbox_id(self) -> int:
        with self.db.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM notify_outboundmessage")
            return cursor.fetchone()[0]

    @task(3)
    def quote_issue_and_sign(self):
        try:
            self._quote_issue_and_sign()
        except StopIteration:
            pass

    def _quote_issue_and_sign(self):
        client_pk, email, mobile = random.choice(MIXED["clients"])  # noqa: S311
        form = MIXED["quote_form"]
        page = self.client.get(form, name="quote form")
        fields = {**form_fields(page.text, "client"), **MIXED["answers"], "client": client_pk}
        quote = self._post(form, fields, "quote priced and saved", "Trasforma in pratica")
        convert = re.search(r'action="(/preventivi/\d+/trasforma/)"', quote.text)[1]
        token = csrf_token(quote.text)
        practice = self._post(
            convert, {"csrfmiddlewaretoken": token}, "practice from the quote", "Emetti polizza"
        )
        url = practice.url
        needs = {"csrfmiddlewaretoken": token, **MIXED["needs"]}
        practice = self._post(url + "esigenze/", needs, "demands and needs", "Emetti polizza")
        issue = form_fields(practice.text, "version")
        self._post(url + "emetti/", issue, "practice issued", "Polizza emessa")
        # The contract goes in firma once the pre-contractual documents reached the client (the
        # e-mail a Celery task delivers): the collaborator reloads the practice until then.
        for _ in range(60):
            page = self.client.get(url, name="practice page, until the documents are delivered")
            if "Invia il contratto in firma" in page.text:
                break
            time.sleep(1)
        last = self._last_outbox_id()
        self._post(
            url + "firma/",
            {"csrfmiddlewaretoken": token, "identity_attested": "on"},
            "contract sent in firma",
            "Contratto inviato in firma",
            files={"identity_document": ("carta-identita.png", PNG, "image/png")},
        )
        link = re.search(r"/firma/[^/\s]+/", self._outbox_after(last, email, "email"))[0]
        self._sign(link, mobile)

    def _sign(self, link: str, mobile: str):
        """The client on the signing page: the information note, the documents, the SMS code."""
        page = self.client.get(link, name="signing page")
        token = csrf_token(page.text)
        self._post(
            link + "accetta/",
            {"csrfmiddlewaretoken": token, "accept": "1"},
            "signing: note accepted",
            "Confermo",
        )
        self._post(
            link + "ricevuti/",
            {"csrfmiddlewaretoken": token, "acknowledge": "1"},
            "signing: documents acknowledged",
            "Invia codice",
        )
        last = self._last_outbox_id()
        self._post(
            link + "codice/",
            {"csrfmiddlewaretoken": token},
            "signing: SMS code sent",
            "Ti abbiamo inviato il codice via SMS.",
        )
        code = re.search(r"Codice firma (\d{6})", self._outbox_after(last, mobile, "sms"))[1]
        self._post(
            link + "conferma/",
            {"csrfmiddlewaretoken": token, "code": code},
            "signature completed",
            "Documento firmato.",
        )

    @task(1)
    def open_claim(self):
        practice = random.choice(MIXED["policies"])  # noqa: S311
        form = f"/sinistri/apri/{practice}/"
        page = self.client.get(form, name="claim form")
        fields = {
            **form_fields(page.text, "claim_type"),
            "event_date": MIXED["event_date"],
            "place": "Milano",
            "description": "Danno a terzi durante il lavoro",
        }
        try:
            self._post(form, fields, "claim opened", "Sinistro aperto con il numero")
        except StopIteration:
            pass
