"""Sessions of customers: remembered at sign-in, ended on erasure.

Django's session engines keep no index by user, so a deleted customer's sessions (with what
the shop put in them) would stay until they expire. The sign-in signal records each one.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.utils import timezone

from .models import CustomerSession

_DATABASE_ENGINE = "django.contrib.sessions.backends.db"


def _remember(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if user is None or not key or not getattr(user, "pk", None):
        return
    CustomerSession.objects.get_or_create(
        user_id=user.pk, session_key=key, defaults={"created_at": timezone.now()}
    )


def _forget(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if user is not None and key:
        CustomerSession.objects.filter(user_id=user.pk, session_key=key).delete()


def connect():
    user_logged_in.connect(_remember, dispatch_uid="wagtail_privacy.sessions.remember")
    user_logged_out.connect(_forget, dispatch_uid="wagtail_privacy.sessions.forget")


def end_sessions(user_ids):
    """End every recorded session of these customers; returns {user pk: sessions ended}."""
    rows = CustomerSession.objects.filter(user_id__in=list(user_ids))
    keys = list(rows.values_list("user_id", "session_key"))
    engine = import_module(settings.SESSION_ENGINE)
    if settings.SESSION_ENGINE == _DATABASE_ENGINE:
        model = engine.SessionStore.get_model_class()
        model.objects.filter(session_key__in=[key for _pk, key in keys]).delete()
    else:
        for _pk, key in keys:
            engine.SessionStore(session_key=key).delete(key)
    rows.delete()
    ended = {}
    for pk, _key in keys:
        ended[pk] = ended.get(pk, 0) + 1
    return ended
