"""Shared helpers of the consent tests."""

import re

from django.core import mail
from django.test import Client

API = "/api/privacy/v1"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def stepped_up(user):
    """A signed-in client that has just verified by an emailed code."""
    client = signed_in(user)
    client.post(f"{API}/me/verification/", {"method": "email"}, content_type="application/json")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    client.post(f"{API}/me/verification/", {"token": code}, content_type="application/json")
    return client


def put(client, purpose, channels, **extra):
    return client.put(
        f"{API}/me/consents/{purpose}/",
        {"channels": channels},
        content_type="application/json",
        **extra,
    )
