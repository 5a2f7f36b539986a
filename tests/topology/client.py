"""A customer's browser, as far as the topology tests need one: cookies, CSRF, HTTP.

One cookie jar for every web worker (cookies do not care about ports), as behind a load
balancer: each request names the worker ("A" or "B") that must answer it.
"""

import re
from urllib.parse import urlsplit

import requests

API = "/api/privacy/v1"
GATED_PAGE = "/account/orders/"
PASSWORD = "customer-demo"


class Customer:
    def __init__(self, topology, email=None):
        self.topology, self.email = topology, email
        self.session = requests.Session()

    def sign_in(self, worker="A", password=PASSWORD):
        """Through the shop's login view, as a browser does."""
        url = self.topology.url(worker, "/accounts/login/")
        page = self.session.get(url, timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.session.post(
            url,
            data={"username": self.email, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, f"sign-in of {self.email}: {response.status_code}"
        assert "sessionid" in self.session.cookies
        return self

    def get(self, worker, path, **kwargs):
        kwargs.setdefault("timeout", 60)
        return self.session.get(self.topology.url(worker, path), allow_redirects=False, **kwargs)

    def send(self, method, worker, path, payload=None):
        """A JSON request with the CSRF token, as the storefront sends it."""
        return self.session.request(
            method,
            self.topology.url(worker, path),
            json=payload,
            headers={"X-CSRFToken": self.session.cookies.get("csrftoken", "")},
            allow_redirects=False,
            timeout=60,
        )

    def gated(self, worker):
        """Whether the page behind the acceptance gate sends this customer to accept first."""
        response = self.get(worker, GATED_PAGE)
        if response.status_code == 200:
            return False
        location = urlsplit(response.headers.get("Location", ""))
        assert response.status_code == 302 and location.path == "/privacy/accept/", (
            f"worker {worker}: {response.status_code} {response.headers.get('Location')}"
        )
        return True

    def required(self, worker):
        response = self.get(worker, f"{API}/me/")
        assert response.status_code == 200, response.text
        return response.json()["acceptances_required"]

    def accept_required(self, worker):
        """Accept, through ``worker``'s API, every version this customer owes; what it was."""
        accepted = []
        for item in self.required(worker):
            payload = {"policy": item["policy"], "version": item["version"]}
            response = self.send("POST", worker, f"{API}/me/acceptances/", payload)
            assert response.status_code in (200, 201), response.text
            accepted.append(payload)
        return accepted
