"""The soak workload: visitors, collaborators and operators using the production profile."""

import os
import re

from locust import HttpUser, between, task

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
