"""The public extension API: sources of personal data, and the registry that orders them.

A host registers one source per kind of personal data it keeps::

    from wagtail_privacy.sources import ModelSource, register

    @register
    class OrderSource(ModelSource):
        name = "orders"
        label = _("Orders")
        order = 100
        model = Order
        user_field = "customer"
        fields = ("number", "placed_at", "total", "status")
        purposes = _("Delivering your orders and handling complaints.")
        recipients = _("Parcel service; payment provider.")
        retention = _("10 years (accounting law).")
        origin = _("You, when you order.")

Put sources in a ``privacy_sources`` module of any installed app: it is imported at start-up.

The contract fails closed: a source must say how its records are erased (``erase`` or
``erase_many``) or declare that they are kept (``erasable = False`` with a ``kept_reason``),
a second source under a name already taken is refused, and system checks look at every
registered source (``wagtail_privacy.E017``-``E020``, ``E022``, ``E040``) when the site starts.

Records may also have an age after which they go, whether or not the account still exists
(retention for live accounts)::

    @register
    class InvoiceSource(ModelSource):
        ...
        keep_for = "10y"  # a period: "10y", "60m" or "90d"
        keep_from = "issued_at"  # a date or datetime field (or a lookup) the age counts from
        after_retention = "delete"  # or "anonymise": blank ``anonymise`` and unlink the user

The ``retention`` step of ``privacy_tick`` applies these rules (``apply_retention``) in
batches; a source that is not a ``ModelSource`` implements ``apply_retention(now, dry_run)``
itself. A ``keep_for`` without a ``keep_from`` (or with a field that is no date, a period that
cannot be read, ``"anonymise"`` without an ``anonymise`` mapping) is a system check error
(``E022``): a rule that cannot be applied must not be silently skipped.

Guests (people without an account: guest orders, newsletter sign-ups) are found by email
address: a ``ModelSource`` with an ``email_field`` exports and erases its rows that have no user
under that address (``records_for_email``, ``erase_email``). The same rule fails closed: a
source that finds records by email must say how they are erased by email, too.

Customers may correct their data (Art. 16): ``correctable`` names the fields they may change,
``checked_fields`` those of them the shop checks first (a VAT number: staff approve or refuse
it in the admin). A ``ModelSource`` applies corrections itself, row by row, each row named by
its primary key; another source implementing ``correctable`` must implement
``correctable_records(user)`` and ``correct(user, record, changes)`` (``E060`` otherwise)::

    @register
    class AddressSource(ModelSource):
        ...
        correctable = ("street", "postcode", "city", "phone")

    @register
    class InvoiceSource(ModelSource):
        ...
        correctable = ("billing_name", "vat_id")
        checked_fields = ("vat_id",)
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .batching import batches
from .conf import privacy_settings
from .periods import Period

#: The usual ``recipients`` of records that never leave the shop.
OWN_RECORDS = _("Kept by this shop only; our hosting provider processes it on our behalf.")

#: Usual ``legal_basis`` statements (Art. 6(1) GDPR); a legitimate interest names its own.
CONSENT = _("Your consent (Art. 6(1)(a) GDPR).")
CONTRACT = _("Our contract with you (Art. 6(1)(b) GDPR).")
LEGAL_OBLIGATION = _("A legal obligation we are subject to (Art. 6(1)(c) GDPR).")
SECURITY = _("Our legitimate interest in keeping your account secure (Art. 6(1)(f) GDPR).")


@dataclass(frozen=True)
class Blocker:
    """A reason the account cannot be deleted yet, that the customer can act on."""

    code: str
    message: str


@dataclass(frozen=True)
class Hold:
    """Records kept (anonymised) until ``until`` (None: as long as needed as proof)."""

    reason: str
    until: datetime | None
    count: int = 0


@dataclass
class ErasureResult:
    deleted: int = 0
    anonymised: int = 0
    held: list[Hold] = field(default_factory=list)

    @classmethod
    def kept_as_proof(cls, count, reason):
        """``count`` records anonymised and kept, with no end date, for ``reason``."""
        held = [Hold(reason=str(reason), until=None, count=count)] if count else []
        return cls(anonymised=count, held=held)


class DataSource:
    """The contract of a source of personal data.

    Subclasses must provide:

    - ``name``: a stable identifier (letters, digits, ``_``), used in export file names;
    - ``label``: a translatable name shown to customers and staff;
    - ``records(user)``: an iterable of dicts of JSON-serialisable values (iterate lazily:
      exports stream them with bounded memory);
    - ``fields``: the keys of those dicts, in column order (the CSV header);
    - how erasure treats the records: ``erase(user)`` (delete or anonymise the user's records
      and return an ``ErasureResult``; it must be safe to run twice) and/or ``erase_many(users)``
      (the same for a batch of accounts, returning ``{user pk: ErasureResult}``; by default
      ``erase`` once per account); or ``erasable = False`` and a ``kept_reason`` for records the
      shop must keep whole (the erasure receipt then says they were kept, and why). A source
      that does neither is refused when it is registered: an erasure must never report
      "0 deleted" for records it silently kept.

    They may provide ``order`` (lower comes first, default 100), the Art. 15 information
    (``purposes``, ``legal_basis``, ``recipients``, ``transfers`` — outside the EEA, with the
    safeguards; None: as the ``TRANSFERS`` setting says — ``retention``, ``origin``),
    ``field_labels`` (``{field:
    translatable column title}`` for the export; the field name otherwise), ``field_choices``
    (``{field: {value: translatable name}}`` for coded values), ``blockers(user)``
    (a list of ``Blocker``: reasons the account cannot be deleted, nor erased by any sweep,
    yet) and ``blockers_many(users)`` (the same for a batch: ``{user pk: [Blocker]}``, every
    pk of ``users`` present; by default ``blockers`` once per account), ``count_for(users)``
    (how many records the accounts of a user queryset have here, for dry runs and receipts of
    kept records; ``None`` if unknown), ``purge_expired(now, dry_run)`` (delete anonymised
    records whose legal hold has ended; return how many) and ``apply_retention(now, dry_run)``
    (delete or anonymise the records, of live and erased accounts alike, that are past the age
    the shop keeps them for; return how many, or how many are due in a dry run; it must be
    safe to run twice and to resume after a crash).

    Erasure sweeps call ``erase_many`` inside one transaction per source and batch, so a
    source that erases in a few statements per batch keeps sweeps of many accounts fast.

    Records of guests (no account) are found by email address: see ``records_for_email``.
    """

    name: str = ""
    label = ""
    order: int = 100
    fields: tuple[str, ...] = ()
    field_labels: dict = {}
    field_choices: dict = {}
    purposes = ""
    legal_basis = ""
    recipients = ""
    transfers = None
    retention = ""
    origin = ""
    erasable = True
    kept_reason = ""
    #: Fields the customer may correct (Art. 16); ``checked_fields``: those staff check first.
    correctable: tuple[str, ...] = ()
    checked_fields: tuple[str, ...] = ()

    def records(self, user):
        raise NotImplementedError(f"{type(self).__name__} must implement records(user).")

    # --- Rectification: fields the customer corrects ----------------------------------------

    def correctable_records(self, user):
        """``[(record id, {field: current value})]``: the user's records, with the value of
        each ``correctable`` field. The id names the record in ``correct``."""
        raise NotImplementedError(
            f"{type(self).__name__} declares correctable fields: implement "
            "correctable_records(user) and correct(user, record, changes)."
        )

    def clean_correction(self, field, value):
        """The value to store for ``field``; raise ``ValidationError`` for one refused."""
        return value

    def correct(self, user, record, changes):
        """Write ``changes`` (``{field: cleaned value}``) to the user's record ``record`` (an id
        from ``correctable_records``); return ``{field: old value}``. Raise
        ``ObjectDoesNotExist`` when the user has no such record."""
        raise NotImplementedError(
            f"{type(self).__name__} declares correctable fields: implement "
            "correctable_records(user) and correct(user, record, changes)."
        )

    @classmethod
    def corrects(cls):
        """Whether a source with correctable fields says how corrections are applied."""
        if not cls.correctable:
            return True
        return (
            cls.correct is not DataSource.correct
            and cls.correctable_records is not DataSource.correctable_records
        )

    def blockers(self, user):
        if type(self).blockers_many is not DataSource.blockers_many:
            return self.blockers_many([user])[user.pk]
        return []

    def blockers_many(self, users):
        return {user.pk: list(self.blockers(user)) for user in users}

    def erase(self, user):
        if not self.erasable or type(self).erase_many is not DataSource.erase_many:
            return self.erase_many([user])[user.pk]
        raise NotImplementedError(
            f"{type(self).__name__} must implement erase(user) or erase_many(users), "
            "or set erasable = False."
        )

    def erase_many(self, users):
        if not self.erasable:
            return {user.pk: self.kept(self.count_for([user]) or 0) for user in users}
        return {user.pk: self.erase(user) for user in users}

    def kept(self, count):
        """The result for records kept whole (``erasable = False``)."""
        return ErasureResult(held=[Hold(reason=str(self.kept_reason), until=None, count=count)])

    def count_for(self, users):
        return None

    def purge_expired(self, now, dry_run=False):
        return 0

    def apply_retention(self, now, dry_run=False):
        return 0

    @classmethod
    def has_retention_rule(cls):
        """Whether the source retires its records by age (the ``retention`` step runs it)."""
        return cls.apply_retention is not DataSource.apply_retention

    @classmethod
    def erases(cls):
        """Whether the class says how its records are erased (or that they are kept)."""
        if not cls.erasable:
            return True
        return cls.erase is not DataSource.erase or cls.erase_many is not DataSource.erase_many

    # --- Guests: records found by email address -------------------------------------------
    # Kept apart from the account methods above. A source that knows no guests keeps these
    # defaults: nothing to export or erase for an address.

    def records_for_email(self, email):
        """The records of a guest known only by ``email`` (lower-cased, stripped): an iterable
        of dicts like ``records(user)``'s. By default none: this source knows no guests.

        Only records with no account go here; an account's are reached through the account,
        where the customer proves who they are with a step-up.
        """
        return ()

    def erase_email(self, email):
        """Erase the records ``records_for_email(email)`` yields; an ``ErasureResult``, safe to
        run twice. Must be implemented by a source that implements ``records_for_email`` (or
        sets ``erasable = False``: they are then reported kept)."""
        if not self.erasable:
            return self.kept(sum(1 for _record in self.records_for_email(email)))
        return ErasureResult()

    @classmethod
    def erases_by_email(cls):
        """Whether a source that finds guests' records by email says how it erases them."""
        finds = cls.records_for_email is not DataSource.records_for_email
        return not finds or not cls.erasable or cls.erase_email is not DataSource.erase_email

    # --- end of guests ----------------------------------------------------------------------

    def column_label(self, name):
        """The export's title for the column ``name``."""
        return str(self.field_labels.get(name, name))

    def describe(self):
        """The Art. 15 information of this source, as text."""
        return {
            "name": self.name,
            "label": str(self.label),
            "purposes": str(self.purposes),
            "legal_basis": str(self.legal_basis),
            "recipients": str(self.recipients),
            "transfers": None if self.transfers is None else str(self.transfers),
            "retention": str(self.retention),
            "origin": str(self.origin),
            "fields": list(self.fields),
        }


class ModelSource(DataSource):
    """A source backed by one model: the declarative common case.

    Subclasses must provide ``model``, ``fields`` (model field names or lookups such as
    ``"address__city"``), and ``user_field``: the lookup from the model to the user.

    On erasure the user's rows are deleted, unless the law makes the shop keep them: set
    ``hold_years`` and ``hold_from`` (a date field) and the rows still within the hold are
    anonymised instead (``anonymise`` maps fields to the values written, and ``user_field``,
    which must then be a nullable foreign key, is cleared); ``purge_expired`` deletes them once
    the hold ends. ``hold_reason`` says why, to the customer.

    Whether or not the account exists, rows older than ``keep_for`` (a period: ``"10y"``,
    ``"60m"``, ``"90d"``) counted from ``keep_from`` (a date or datetime field, or a lookup;
    rows where it is empty are kept) are deleted, or with ``after_retention = "anonymise"``
    kept for statistics with the ``anonymise`` mapping written and ``user_field`` cleared.

    ``email_field`` (a text field of the model) finds guests' rows: rows with no user whose
    address it holds (see the guests' section below).
    """

    model = None
    user_field = "user"
    chunk_size = 2000
    hold_years: int | None = None
    hold_from: str | None = None
    hold_reason = ""
    anonymise: dict = {}
    keep_for: str | None = None
    keep_from: str | None = None
    after_retention = "delete"

    def queryset(self, user):
        return self.model._default_manager.filter(**{self.user_field: user}).order_by("pk")

    def _hold_cutoff(self, now):
        return add_years(timezone.localtime(now), -self.hold_years)

    def rows_of(self, users):
        """The rows of several accounts (user objects, pks or a queryset of users)."""
        return self.model._default_manager.filter(**{f"{self.user_field}__in": users})

    def erase(self, user):
        if not self.erasable or type(self).erase_many is not ModelSource.erase_many:
            return self.erase_many([user])[user.pk]
        return self._erase_rows([user])[user.pk]

    def erase_many(self, users):
        if not self.erasable:
            counts = count_by_user(self.rows_of([user.pk for user in users]), self.user_field)
            return {user.pk: self.kept(counts.get(user.pk, 0)) for user in users}
        if type(self).erase is not ModelSource.erase:
            # The subclass erases its own way: keep doing so, one account at a time.
            return {user.pk: self.erase(user) for user in users}
        return self._erase_rows(users)

    def count_for(self, users):
        return self.rows_of(users).count()

    def keep_as_proof(self, users, reason, blank):
        """Erasure of records kept as proof: ``blank(rows)`` removes their personal data."""
        rows = self.rows_of([user.pk for user in users])
        counts = count_by_user(rows, self.user_field)
        blank(rows)
        return {
            user.pk: ErasureResult.kept_as_proof(counts.get(user.pk, 0), reason) for user in users
        }

    def _erase_rows(self, users):
        results = {user.pk: ErasureResult() for user in users}
        rows = self.rows_of([user.pk for user in users])
        if not self.hold_years:
            for pk, count in count_by_user(rows, self.user_field).items():
                results[pk].deleted = count
            _delete(rows)
            return results
        cutoff = self._hold_cutoff(timezone.now())
        expired = rows.filter(**{f"{self.hold_from}__lt": cutoff})
        held = rows.filter(**{f"{self.hold_from}__gte": cutoff})
        for pk, count in count_by_user(expired, self.user_field).items():
            results[pk].deleted = count
        grouped = (
            held.order_by()
            .values(self.user_field)
            .annotate(count=Count("pk"), last=Max(self.hold_from))
        )
        for group in grouped:
            until = add_years(timezone.localtime(group["last"]), self.hold_years)
            result = results[group[self.user_field]]
            result.anonymised = group["count"]
            result.held.append(
                Hold(reason=str(self.hold_reason), until=until, count=group["count"])
            )
        _delete(expired)
        held.update(**self.anonymise, **{self.user_field: None})
        return results

    def purge_expired(self, now, dry_run=False):
        if not self.hold_years:
            return 0
        expired = self.model._default_manager.filter(
            **{f"{self.user_field}__isnull": True, f"{self.hold_from}__lt": self._hold_cutoff(now)}
        )
        if dry_run:
            return expired.count()
        # In chunks: deleting rows with cascades loads them, so memory stays bounded.
        purged = 0
        while ids := list(expired.order_by("pk").values_list("pk", flat=True)[: self.chunk_size]):
            purged += _delete(self.model._default_manager.filter(pk__in=ids))
        return purged

    @classmethod
    def has_retention_rule(cls):
        return bool(cls.keep_for) or cls.apply_retention is not ModelSource.apply_retention

    def retention_due(self, now):
        """The rows, of any account or none, past ``keep_for`` and not yet deleted or
        anonymised: what a run at ``now`` retires."""
        cutoff = Period.parse(self.keep_for, units="dmy").before(now)
        if field_path(self.model, self.keep_from)[-1].get_internal_type() == "DateField":
            cutoff = cutoff.date()
        rows = self.model._default_manager.filter(**{f"{self.keep_from}__lt": cutoff})
        if self.after_retention == "anonymise":
            # Rows already anonymised are left alone, so a second run counts nothing.
            done = Q(**{f"{self.user_field}__isnull": True}, **self.anonymise)
            rows = rows.exclude(done)
        return rows

    def apply_retention(self, now, dry_run=False):
        """Retire the rows past ``keep_for``: batches of ``RETENTION_BATCH_SIZE`` rows by
        primary key, each in its own transaction, so a run that dies leaves whole batches done
        and the next run finishes the rest."""
        if not self.keep_for:
            return 0
        if dry_run:
            return self.retention_due(now).count()
        size = privacy_settings.RETENTION_BATCH_SIZE
        due = self.retention_due(now).values_list("pk", flat=True)
        done = 0
        for batch in batches(due, size, key=lambda pk: pk):
            with transaction.atomic():
                # Still due: an overlapping run may have retired some of them meanwhile.
                rows = self.retention_due(now).filter(pk__in=batch)
                if self.after_retention == "anonymise":
                    done += rows.update(**self.anonymise, **{self.user_field: None})
                else:
                    done += _delete(rows)
        return done

    def records(self, user):
        names = list(self.fields)
        for row in self.queryset(user).values_list(*names).iterator(chunk_size=self.chunk_size):
            yield dict(zip(names, row, strict=True))

    # --- Rectification: a row named by its primary key --------------------------------------

    def correctable_records(self, user):
        names = list(self.correctable)
        rows = self.queryset(user).values_list("pk", *names)
        return [(str(row[0]), dict(zip(names, row[1:], strict=True))) for row in rows]

    def clean_correction(self, field, value):
        # The model field's own rules: its type, length, choices and validators.
        return self.model._meta.get_field(field).clean(value, None)

    def correct(self, user, record, changes):
        try:
            row = self.queryset(user).select_for_update().get(pk=record)
        except (ValueError, ValidationError) as error:  # not even a key of this model
            raise self.model.DoesNotExist from error
        old = {name: getattr(row, name) for name in changes}
        for name, value in changes.items():
            setattr(row, name, value)
        row.save(update_fields=list(changes))
        return old

    # --- Guests: rows found by email address ------------------------------------------------
    # ``email_field``: the model's field holding the address of a row that has no user (a
    # guest order). Rows with a user are never found by email: their customer proves who they
    # are in the account. On ``erase_email`` the rows are deleted, or, under a legal hold,
    # anonymised (``anonymise``) with the address blanked, and purged when the hold ends.
    # A subclass that erases accounts its own way (its own ``erase``/``erase_many``) and sets
    # ``email_field`` must implement ``erase_email`` too: registration refuses it otherwise.
    email_field: str | None = None

    def guest_rows(self, email):
        """The rows of the guest ``email``: no user, the address in ``email_field``."""
        address = (email or "").strip()
        if not self.email_field or not address:
            return self.model._default_manager.none()
        return self.model._default_manager.filter(
            **{f"{self.user_field}__isnull": True, f"{self.email_field}__iexact": address}
        ).order_by("pk")

    def records_for_email(self, email):
        if not self.email_field:
            return
        names = list(self.fields)
        rows = self.guest_rows(email).values_list(*names)
        for row in rows.iterator(chunk_size=self.chunk_size):
            yield dict(zip(names, row, strict=True))

    def erase_email(self, email):
        if not self.email_field:
            return ErasureResult()  # no guests here
        rows = self.guest_rows(email)
        if not self.erasable:
            return self.kept(rows.count())
        if not self.hold_years:
            return ErasureResult(deleted=_delete(rows))
        cutoff = self._hold_cutoff(timezone.now())
        held = rows.filter(**{f"{self.hold_from}__gte": cutoff})
        result = ErasureResult(deleted=_delete(rows.filter(**{f"{self.hold_from}__lt": cutoff})))
        summary = held.aggregate(count=Count("pk"), last=Max(self.hold_from))
        if summary["count"]:
            until = add_years(timezone.localtime(summary["last"]), self.hold_years)
            result.anonymised = summary["count"]
            result.held.append(
                Hold(reason=str(self.hold_reason), until=until, count=result.anonymised)
            )
            # Blanking the address takes them out of the guest's reach; purge_expired ends them.
            held.update(**self.anonymise, **{self.email_field: ""})
        return result

    @classmethod
    def erases_by_email(cls):
        if not cls.erasable or cls.erase_email is not ModelSource.erase_email:
            return True
        if cls.records_for_email is not ModelSource.records_for_email:
            return False  # its own look-up, erased by the rows of email_field: no
        own_erasure = (
            cls.erase is not ModelSource.erase or cls.erase_many is not ModelSource.erase_many
        )
        return not (cls.email_field and own_erasure)

    # --- end of guests ----------------------------------------------------------------------


def field_path(model, lookup):
    """The model fields along ``lookup`` (``"address__city"``: Address's FK, then ``city``),
    or None where ``lookup`` names no field of ``model``."""
    fields = []
    for part in lookup.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        fields.append(field)
        model = field.related_model if field.is_relation else None
    return fields


def add_years(moment, years):
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def count_by_user(rows, user_field):
    """{user pk: number of rows} in one query."""
    grouped = rows.order_by().values_list(user_field).annotate(count=Count("pk"))
    return dict(grouped)


def emails_of(users):
    """The lower-cased email addresses of ``users`` (records kept for guests are by address)."""
    from django.contrib.auth import get_user_model

    field = get_user_model().get_email_field_name()
    return sorted({address.strip().lower() for u in users if (address := getattr(u, field, ""))})


def _delete(queryset):
    """Delete and return how many rows of the queryset's own model went."""
    _total, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, 0)


class Registry:
    def __init__(self):
        self._sources = {}

    def register(self, source_class):
        """Register a ``DataSource`` subclass (usable as a class decorator).

        Refuses, with ``ImproperlyConfigured``, a class that is not a ``DataSource`` with a
        valid name, one that does not say how its records are erased, and a second class under
        a name already registered (``unregister`` it first to replace it).
        """
        if not (isinstance(source_class, type) and issubclass(source_class, DataSource)):
            raise ImproperlyConfigured(f"{source_class!r} is not a DataSource subclass.")
        name = source_class.name
        if not name or not name.replace("_", "").isalnum():
            raise ImproperlyConfigured(
                f"{source_class.__qualname__}: a source needs a name of letters, digits and _ "
                f"only, not {name!r}."
            )
        if not source_class.erases():
            raise ImproperlyConfigured(
                f"{source_class.__qualname__} does not say how its records are erased: "
                "implement erase(user) or erase_many(users), or set erasable = False and a "
                "kept_reason."
            )
        if not source_class.erases_by_email():
            raise ImproperlyConfigured(
                f"{source_class.__qualname__} finds guests' records by email but does not say "
                "how they are erased: implement erase_email(email), or set erasable = False "
                "and a kept_reason."
            )
        if not source_class.corrects():
            raise ImproperlyConfigured(
                f"{source_class.__qualname__} declares correctable fields but does not say how "
                "corrections are applied: implement correctable_records(user) and "
                "correct(user, record, changes)."
            )
        if not source_class.erasable and not source_class.kept_reason:
            raise ImproperlyConfigured(
                f"{source_class.__qualname__} keeps its records (erasable = False): say why in "
                "kept_reason, which the erasure receipt shows."
            )
        known = self._sources.get(name)
        if known is not None and _identity(known) != _identity(source_class):
            raise ImproperlyConfigured(
                f"Two data sources are named {name!r}: {_identity(known)} and "
                f"{_identity(source_class)}. Names must be unique; unregister the first to "
                "replace it."
            )
        self._sources[name] = source_class
        return source_class

    def unregister(self, name):
        self._sources.pop(name, None)

    def sources(self):
        """Instances of every registered source, in ``order`` then ``name``."""
        classes = sorted(self._sources.values(), key=lambda cls: (cls.order, cls.name))
        return [cls() for cls in classes]

    def get(self, name):
        return self._sources[name]()


def _identity(source_class):
    # A module imported twice (its class object differs) is still the same source.
    return f"{source_class.__module__}.{source_class.__qualname__}"


registry = Registry()
register = registry.register

__all__ = [
    "OWN_RECORDS",
    "Blocker",
    "emails_of",
    "DataSource",
    "ErasureResult",
    "Hold",
    "ModelSource",
    "register",
    "registry",
]
