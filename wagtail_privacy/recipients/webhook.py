"""The webhook of a recipient: the JSON it is sent, its signature, and the POST.

The body is signed with the recipient's secret: ``X-Privacy-Signature: sha256=<hex>``, the
HMAC-SHA256 of the raw body; ``webhook.schema.json`` (beside this module) describes the body.
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from pathlib import Path

from ..conf import privacy_settings

SCHEMA_PATH = Path(__file__).with_name("webhook.schema.json")
SIGNATURE_HEADER = "X-Privacy-Signature"


class DeliveryFailed(Exception):
    """The recipient did not answer 2xx; ``reason`` names why without quoting any reply."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def payload(notification, identifier_type):
    """The JSON body telling the recipient of ``notification``: nothing personal beyond the
    identifier the recipient already holds."""
    return {
        "notification": notification.pk,
        "event": notification.action,
        "shop": privacy_settings.shop_name,
        "customer": {"identifier": notification.identifier, "type": identifier_type},
        "sources": list(notification.sources),
        "fields": list(notification.fields),
        "requested_at": notification.created_at.isoformat(),
        "respond_by": notification.due_at.isoformat(),
    }


def body_of(data):
    return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()


def signature(secret, body):
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def post(url, secret, data):
    """POST ``data`` signed with ``secret``; returns the status, raises ``DeliveryFailed``."""
    body = body_of(data)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(secret, body),
            "User-Agent": "wagtail-privacy",
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 - the URL is checked: https (or local http)
            request, timeout=privacy_settings.RECIPIENT_WEBHOOK_TIMEOUT
        ) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryFailed(type(getattr(error, "reason", error)).__name__) from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"HTTP {status}")
    return status
