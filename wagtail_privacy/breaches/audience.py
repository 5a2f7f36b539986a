"""Whom staff select to tell of a breach: everyone, the accounts with records in some data
sources, or a list of email addresses and user ids (any mix of the last two kinds)."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower

from ..hosts import customers
from ..sources import count_by_user, registry


def selection(*, everyone=False, sources=(), emails=(), user_ids=()):
    """The stored form of a selection (``BreachNotification.selection``)."""
    return {
        "everyone": bool(everyone),
        "sources": sorted(set(sources)),
        "emails": sorted({e.strip().lower() for e in emails if e.strip()}),
        "user_ids": sorted({str(u).strip() for u in user_ids if str(u).strip()}),
    }


def _sources(chosen):
    """The selected sources still registered (one removed since is simply left out)."""
    found = []
    for name in chosen.get("sources", ()):
        try:
            found.append(registry.get(name))
        except KeyError:
            continue
    return found


def _listing(source):
    """Whether a source can name its accounts in one query (a ``ModelSource``)."""
    return hasattr(source, "rows_of") and hasattr(source, "user_field")


def selected(chosen):
    """The customers (with an email address) that ``chosen`` selects, as a queryset.

    Sources that cannot list their accounts in a query are applied per batch
    (``keep_selected``).
    """
    User = get_user_model()
    email_field = User.get_email_field_name()
    base = customers().exclude(**{email_field: ""})
    if chosen.get("everyone"):
        return base
    wanted = Q(pk__in=[])
    if chosen.get("user_ids"):
        wanted |= Q(pk__in=chosen["user_ids"])
    if chosen.get("emails"):
        matching = User._default_manager.annotate(_address=Lower(email_field)).filter(
            _address__in=chosen["emails"]
        )
        wanted |= Q(pk__in=matching.values("pk"))
    for source in _sources(chosen):
        if _listing(source):
            wanted |= Q(pk__in=source.rows_of(base.values("pk")).values(source.user_field))
        else:
            return base  # narrowed per batch by ``keep_selected``
    return base.filter(wanted)


def keep_selected(chosen, batch):
    """``batch`` (customers from ``selected``) without those a per-batch source rules out."""
    if chosen.get("everyone"):
        return batch
    others = _sources(chosen)
    if all(_listing(source) for source in others):
        return batch
    ids = {str(u) for u in chosen.get("user_ids", ())}
    emails = set(chosen.get("emails", ()))
    email_field = get_user_model().get_email_field_name()
    keep = {
        user.pk
        for user in batch
        if str(user.pk) in ids or getattr(user, email_field, "").lower() in emails
    }
    for source in others:
        if _listing(source):
            counts = count_by_user(source.rows_of([u.pk for u in batch]), source.user_field)
            keep |= {pk for pk, count in counts.items() if count}
        else:
            keep |= {u.pk for u in batch if source.count_for([u])}
    return [user for user in batch if user.pk in keep]
