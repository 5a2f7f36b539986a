"""System checks that report a misconfigured ``WAGTAIL_PRIVACY`` setting."""

import re

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from .conf import DEFAULTS, privacy_settings
from .hosts import host
from .periods import InvalidPeriod, Period
from .storage import PRIVATE_STORAGE, export_storage, is_public

#: Settings of earlier development versions, now methods of ``Host``.
_HOST_HINT = (
    "Subclass wagtail_privacy.hosts.Host, override {}() and name the class in "
    "WAGTAIL_PRIVACY['HOST']."
)
#: Settings of earlier development versions: {key: (its replacement, how to move)}.
REPLACED = {
    "NOTICE_AUDIENCE": ("HOST", _HOST_HINT.format("notice_audience")),
    "CUSTOMER_LANGUAGE": ("HOST", _HOST_HINT.format("customer_languages")),
    "LAST_ACTIVITY": ("HOST", _HOST_HINT.format("last_activity")),
    "REQUEST_DUE_MONTHS": ("REQUEST_DUE", 'A period: "1m" for one month, "30d" for 30 days.'),
    "REQUEST_MAX_EXTENSION_MONTHS": (
        "REQUEST_MAX_EXTENSION",
        'A period: "2m" for two months, "60d" for 60 days.',
    ),
}


def _check_periods():
    problems = []
    for key in ("REQUEST_DUE", "REQUEST_MAX_EXTENSION"):
        try:
            period = Period.parse(getattr(privacy_settings, key))
        except InvalidPeriod as error:
            problems.append(Error(f"WAGTAIL_PRIVACY[{key!r}]: {error}", id="wagtail_privacy.E021"))
            continue
        if period.count < (key == "REQUEST_DUE"):
            problems.append(
                Error(f"WAGTAIL_PRIVACY[{key!r}] is too short.", id="wagtail_privacy.E021")
            )
    return problems


def _check_correction_keep():
    """How long corrected fields' old values stay (E062): a period of days or months."""
    value = privacy_settings.CORRECTION_KEEP_OLD_VALUE
    try:
        Period.parse(value)
    except InvalidPeriod as error:
        return [
            Error(
                f"WAGTAIL_PRIVACY['CORRECTION_KEEP_OLD_VALUE']: {error}",
                id="wagtail_privacy.E062",
            )
        ]
    return []


def _check_request_confirmation():
    """The confirmation link of requests by email, and the public form's limits (E042)."""
    wrong = []
    ttl = privacy_settings.REQUEST_CONFIRMATION_TTL
    if not _whole(ttl, 3600):
        wrong.append(
            ("REQUEST_CONFIRMATION_TTL", "must be a whole number of seconds, 3600 or more")
        )
    elif ttl > 14 * 24 * 3600:
        # The clock of an unconfirmed request is paused: a long link would pause it for long.
        wrong.append(("REQUEST_CONFIRMATION_TTL", "must be 14 days (1209600 seconds) or less"))
    for key in ("PUBLIC_REQUESTS_PER_ADDRESS", "PUBLIC_REQUESTS_PER_IP", "PUBLIC_REQUEST_WINDOW"):
        if not _whole(getattr(privacy_settings, key), 1):
            wrong.append((key, "must be a whole number, 1 or more"))
    return [
        Error(f"WAGTAIL_PRIVACY['{key}'] {text}.", id="wagtail_privacy.E042") for key, text in wrong
    ]


def _check_restriction():
    """Staff lifting a restriction tell the customer first: at least a day before (E050)."""
    if _whole(privacy_settings.RESTRICTION_LIFT_NOTICE_DAYS, 1):
        return []
    return [
        Error(
            "WAGTAIL_PRIVACY['RESTRICTION_LIFT_NOTICE_DAYS'] must be a whole number, 1 or more.",
            hint="The customer is told before staff lift a restriction (GDPR Art. 18(3)).",
            id="wagtail_privacy.E050",
        )
    ]


def _check_host():
    try:
        host()
    except ImportError:
        problem = (
            f"WAGTAIL_PRIVACY['HOST'] names {privacy_settings.HOST!r}, which cannot be imported."
        )
    except TypeError as error:
        problem = str(error)
    else:
        return []
    return [Error(problem, id="wagtail_privacy.E008")]


def _whole_days(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_notice_days(days):
    if isinstance(days, dict):
        levels = {"major", "minor", "editorial"}
        if set(days) <= levels and all(_whole_days(v) for v in days.values()):
            if days.get("editorial", 0):
                return [
                    Error(
                        "WAGTAIL_PRIVACY['NOTICE_DAYS']['editorial'] must be 0: editorial "
                        "changes take effect at once.",
                        id="wagtail_privacy.E002",
                    )
                ]
            return []
    elif _whole_days(days):
        return []
    return [
        Error(
            "WAGTAIL_PRIVACY['NOTICE_DAYS'] must be a whole number of days, 0 or more, or a "
            'dict of them per change level: {"major": 10, "minor": 10, "editorial": 0}.',
            id="wagtail_privacy.E002",
        )
    ]


def _check_reminder_days(days):
    if isinstance(days, (list, tuple)) and all(
        isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in days
    ):
        return []
    return [
        Error(
            "WAGTAIL_PRIVACY['ACCEPTANCE_REMINDER_DAYS'] must be a list of whole numbers of "
            f"days, each 1 or more (got {days!r}).",
            hint="For example (7, 1): a week and a day before the version takes effect.",
            id="wagtail_privacy.E030",
        )
    ]


@register(Tags.compatibility)
def check_information(app_configs=None, **kwargs):
    """The Art. 15 information the shop must state (``information.py``)."""
    problems = []
    authority = privacy_settings.SUPERVISORY_AUTHORITY
    if authority is None:
        problems.append(
            Warning(
                "WAGTAIL_PRIVACY['SUPERVISORY_AUTHORITY'] is not set: customers are not told "
                "where they may complain (Art. 15(1)(f) GDPR).",
                hint='For example {"name": "Informacijski pooblaščenec", "url": '
                '"https://www.ip-rs.si/"}.',
                id="wagtail_privacy.W005",
            )
        )
    elif (
        not isinstance(authority, dict)
        or not authority.get("name")
        or set(authority) - {"name", "address", "email", "url"}
    ):
        problems.append(
            Error(
                "WAGTAIL_PRIVACY['SUPERVISORY_AUTHORITY'] must be a dict with a \"name\" and "
                'optionally "address", "email" and "url".',
                id="wagtail_privacy.E031",
            )
        )
    if privacy_settings.TRANSFERS is None:
        problems.append(
            Warning(
                "WAGTAIL_PRIVACY['TRANSFERS'] is not set: customers are not told whether their "
                "data leaves the European Economic Area (Art. 15(1)(c) and 15(2) GDPR).",
                hint='Say so even when it does not: "None: your data stays in the EEA."',
                id="wagtail_privacy.W004",
            )
        )
    return problems


@register(Tags.compatibility)
def check_settings(app_configs=None, **kwargs):
    problems = []
    raw = getattr(settings, "WAGTAIL_PRIVACY", {})
    if not isinstance(raw, dict):
        return [Error("WAGTAIL_PRIVACY must be a dict.", id="wagtail_privacy.E001")]
    for key in raw:
        if key in REPLACED:
            replacement, hint = REPLACED[key]
            problems.append(
                Error(
                    f"WAGTAIL_PRIVACY[{key!r}] is replaced by {replacement}.",
                    hint=hint,
                    id="wagtail_privacy.E016",
                )
            )
        elif key not in DEFAULTS:
            problems.append(
                Warning(
                    f"WAGTAIL_PRIVACY has an unknown key {key!r}.",
                    hint="Check the spelling against the README's list of settings.",
                    id="wagtail_privacy.W001",
                )
            )
    problems += _check_notice_days(privacy_settings.NOTICE_DAYS)
    problems += _check_reminder_days(privacy_settings.ACCEPTANCE_REMINDER_DAYS)
    kinds = privacy_settings.POLICY_KINDS
    if not kinds or not all(isinstance(k, (list, tuple)) and len(k) == 2 for k in kinds):
        problems.append(
            Error(
                "WAGTAIL_PRIVACY['POLICY_KINDS'] must be a non-empty list of (value, label) pairs.",
                id="wagtail_privacy.E003",
            )
        )
    for key in ("PDF_STORAGE", "EXPORT_STORAGE"):
        alias = getattr(privacy_settings, key)
        if alias not in settings.STORAGES and (key, alias) != ("EXPORT_STORAGE", PRIVATE_STORAGE):
            problems.append(
                Error(
                    f"WAGTAIL_PRIVACY['{key}'] is {alias!r}, which is not a key of STORAGES.",
                    id="wagtail_privacy.E004",
                )
            )
        elif key == "EXPORT_STORAGE" and (why := is_public(export_storage())):
            problems.append(
                Error(
                    f"WAGTAIL_PRIVACY['EXPORT_STORAGE'] ({alias!r}) is public: {why}.",
                    hint="Exports hold personal data. Keep the default private storage or name "
                    "one that no URL reaches without a signature.",
                    id="wagtail_privacy.E012",
                )
            )
    required_apps = [
        "django_otp",
        "django_otp.plugins.otp_totp",
        "django_otp.plugins.otp_static",
        "django_otp.plugins.otp_email",
        "wagtail.contrib.routable_page",
        "django_tasks",
    ]
    for app in required_apps:
        if app not in settings.INSTALLED_APPS:
            problems.append(
                Error(
                    f"wagtail-privacy needs {app!r} in INSTALLED_APPS.",
                    id="wagtail_privacy.E010",
                )
            )
    timeout = privacy_settings.PDF_RENDER_TIMEOUT
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        problems.append(
            Error(
                "WAGTAIL_PRIVACY['PDF_RENDER_TIMEOUT'] must be a positive number of seconds.",
                id="wagtail_privacy.E005",
            )
        )
    if privacy_settings.ACCEPTANCE_IP not in ("full", "truncated", "none"):
        problems.append(
            Error(
                "WAGTAIL_PRIVACY['ACCEPTANCE_IP'] must be 'full', 'truncated' or 'none'.",
                id="wagtail_privacy.E006",
            )
        )
    for key in ("NOTICE_BATCH_SIZE", "NOTICE_TRANSLATION_WAIT_HOURS"):
        value = getattr(privacy_settings, key)
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or value < (key == "NOTICE_BATCH_SIZE")
        ):
            problems.append(
                Error(
                    f"WAGTAIL_PRIVACY['{key}'] must be a whole number.", id="wagtail_privacy.E007"
                )
            )
    problems += _check_sweeps()
    if not _whole(privacy_settings.CONSENT_RENEWAL_NOTICE_DAYS, 1):
        problems.append(
            Error(
                "WAGTAIL_PRIVACY['CONSENT_RENEWAL_NOTICE_DAYS'] must be a whole number of days, "
                "1 or more: customers are asked to renew an expiring consent that long before.",
                id="wagtail_privacy.E023",
            )
        )
    problems += _check_request_confirmation()
    problems += _check_restriction()
    problems += _check_host()
    problems += _check_periods()
    problems += _check_correction_keep()
    paths = list(privacy_settings.API_AUTHENTICATION)
    for path in filter(None, paths):
        try:
            import_string(path)
        except ImportError:
            problems.append(
                Error(
                    f"WAGTAIL_PRIVACY names {path!r}, which cannot be imported.",
                    id="wagtail_privacy.E008",
                )
            )
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    gate = "wagtail_privacy.notices.enforcement.AcceptanceMiddleware"
    auth = "django.contrib.auth.middleware.AuthenticationMiddleware"
    if gate in middleware and (
        auth not in middleware or middleware.index(gate) < middleware.index(auth)
    ):
        problems.append(
            Error(
                "AcceptanceMiddleware must come after AuthenticationMiddleware.",
                id="wagtail_privacy.E009",
            )
        )
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        problems.append(
            Warning(
                "WAGTAIL_I18N_ENABLED is off: policies will be published in one language only.",
                id="wagtail_privacy.W002",
            )
        )
    return problems


def _whole(value, minimum):
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _check_sweeps():
    wrong = []
    if not _whole(privacy_settings.RETENTION_BATCH_SIZE, 1):
        wrong.append(("RETENTION_BATCH_SIZE", "must be a whole number, 1 or more"))
    limit = privacy_settings.ERASURES_PER_TICK
    if limit is not None and not _whole(limit, 1):
        wrong.append(("ERASURES_PER_TICK", "must be None or a whole number, 1 or more"))
    timeout = privacy_settings.ERASURE_CLAIM_TIMEOUT
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        wrong.append(("ERASURE_CLAIM_TIMEOUT", "must be a positive number of seconds"))
    refresh = privacy_settings.GATE_REFRESH_SECONDS
    if not isinstance(refresh, (int, float)) or isinstance(refresh, bool) or refresh <= 0:
        wrong.append(("GATE_REFRESH_SECONDS", "must be a positive number of seconds"))
    for key in ("EXPORT_STALE_SECONDS", "EXPORT_MAX_ATTEMPTS", "NOTICE_TASKS_LOST_AFTER"):
        if not _whole(getattr(privacy_settings, key), 1):
            wrong.append((key, "must be a whole number, 1 or more"))
    if privacy_settings.ERASE_USER not in ("delete", "anonymise"):
        wrong.append(("ERASE_USER", "must be 'delete' or 'anonymise'"))
    return [
        Error(f"WAGTAIL_PRIVACY['{key}'] {text}.", id="wagtail_privacy.E011") for key, text in wrong
    ]


LOCMEM_CACHE = "django.core.cache.backends.locmem.LocMemCache"
DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"


def _backend_is(path, expected):
    """Whether the cache backend at dotted ``path`` is (a subclass of) the one at ``expected``."""
    try:
        cls, base = import_string(path), import_string(expected)
    except ImportError:
        return False  # Django's own cache checks report a backend that cannot be imported
    return isinstance(cls, type) and issubclass(cls, base)


@register(Tags.caches, Tags.security)
def check_throttle_cache(app_configs=None, **kwargs):
    """The step-up attempt counters live in a cache that every worker shares."""
    if not isinstance(getattr(settings, "WAGTAIL_PRIVACY", {}) or {}, dict):
        return []  # E001
    alias = privacy_settings.THROTTLE_CACHE
    caches = getattr(settings, "CACHES", {})
    if alias not in caches:
        return [
            Error(
                f"WAGTAIL_PRIVACY['THROTTLE_CACHE'] is {alias!r}, which is not a key of CACHES.",
                id="wagtail_privacy.E013",
            )
        ]
    if settings.DEBUG:
        return []
    backend = caches[alias].get("BACKEND", "")
    if _backend_is(backend, DUMMY_CACHE):
        return [
            Error(
                f"The step-up verification throttle is off: its cache CACHES[{alias!r}] "
                "(WAGTAIL_PRIVACY['THROTTLE_CACHE']) is the DummyCache, which keeps nothing.",
                hint="Point THROTTLE_CACHE at a cache that every worker shares: Redis, "
                "Memcached or the database cache.",
                id="wagtail_privacy.E014",
            )
        ]
    if _backend_is(backend, LOCMEM_CACHE):
        return [
            Warning(
                f"The step-up verification throttle counts wrong codes in CACHES[{alias!r}] "
                "(WAGTAIL_PRIVACY['THROTTLE_CACHE']), a memory cache of its own in each process: "
                "each worker allows STEP_UP_MAX_ATTEMPTS wrong codes.",
                hint="Point THROTTLE_CACHE at a cache that every worker shares: Redis, "
                "Memcached or the database cache. With a single process, silence this check "
                "in SILENCED_SYSTEM_CHECKS.",
                id="wagtail_privacy.W003",
            )
        ]
    return []


@register(Tags.urls)
def check_pages_mounted(app_configs=None, **kwargs):
    """Deactivation and deletion email a link to the reactivation page: it must be routed."""
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("wagtail_privacy:reactivate", kwargs={"token": "token"})
    except NoReverseMatch:
        return [
            Error(
                "The URLconf does not include wagtail_privacy.urls: deactivating or deleting "
                "an account fails, as its email links to the reactivation page.",
                hint='Add path("privacy/", include("wagtail_privacy.urls")) to ROOT_URLCONF.',
                id="wagtail_privacy.E015",
            )
        ]
    except Exception:  # noqa: BLE001 - a URLconf that does not load: Django's checks say why
        return []
    return []


def _lookup(model, path):
    """The model field ``path`` (``"address__city"``) points to, or None."""
    from .sources import field_path

    fields = field_path(model, path) if path else None
    return fields[-1] if fields else None


def _check_model_source(source):
    from django.contrib.auth import get_user_model

    where = f"Data source {source.name!r} ({type(source).__qualname__})"
    model = source.model
    if model is None:
        return [Error(f"{where} is a ModelSource without a model.", id="wagtail_privacy.E017")]
    problems = []
    for name in source.fields:
        if _lookup(model, name) is None:
            problems.append(
                Error(
                    f"{where}: {model._meta.label} has no field {name!r} (in fields).",
                    id="wagtail_privacy.E017",
                )
            )
    link = _lookup(model, source.user_field)
    if link is None or not link.is_relation or link.related_model is not get_user_model():
        problems.append(
            Error(
                f"{where}: user_field {source.user_field!r} does not lead from "
                f"{model._meta.label} to the user model.",
                id="wagtail_privacy.E018",
            )
        )
    if source.hold_years:
        if "__" in source.user_field or (link is not None and not link.null):
            problems.append(
                Error(
                    f"{where} keeps records under a legal hold, which unlinks them from the "
                    f"user: user_field {source.user_field!r} must be a nullable foreign key of "
                    f"{model._meta.label}.",
                    hint="Add null=True to the foreign key (and a migration).",
                    id="wagtail_privacy.E019",
                )
            )
        held_from = _lookup(model, source.hold_from or "")
        if held_from is None or held_from.get_internal_type() not in ("DateField", "DateTimeField"):
            problems.append(
                Error(
                    f"{where}: hold_from {source.hold_from!r} must name a date field of "
                    f"{model._meta.label}.",
                    id="wagtail_privacy.E019",
                )
            )
        for name in source.anonymise:
            if _lookup(model, name) is None or "__" in name:
                problems.append(
                    Error(
                        f"{where}: anonymise names {name!r}, which is no field of "
                        f"{model._meta.label}.",
                        id="wagtail_privacy.E019",
                    )
                )
    return problems + _check_email_field(source, where, link)


def _check_email_field(source, where, link):
    """``email_field`` finds guests' rows: a text field of the model itself, on a model whose
    rows can be without a user."""
    if not source.email_field:
        return []
    model = source.model
    field = _lookup(model, source.email_field)
    problems = []
    if (
        field is None
        or "__" in source.email_field
        or field.get_internal_type() not in ("CharField", "EmailField", "TextField")
    ):
        problems.append(
            Error(
                f"{where}: email_field {source.email_field!r} must name a text field of "
                f"{model._meta.label} holding the guest's email address.",
                id="wagtail_privacy.E040",
            )
        )
    if source.hold_years and source.email_field not in source.anonymise:
        problems.append(
            Error(
                f"{where} keeps rows under a legal hold and finds guests' rows by "
                f"email_field {source.email_field!r}, which anonymise does not blank: an "
                "erased customer's kept rows would be found by their address.",
                hint=f'Add "{source.email_field}": "" to anonymise.',
                id="wagtail_privacy.E041",
            )
        )
    if link is not None and not link.null:
        problems.append(
            Error(
                f"{where}: email_field finds rows without a user, but user_field "
                f"{source.user_field!r} of {model._meta.label} is never empty.",
                hint="Make the foreign key nullable for guests' rows, or drop email_field.",
                id="wagtail_privacy.E040",
            )
        )
    return problems


def _check_retention(source):
    """A retention rule that cannot be applied is an error, never a rule silently skipped."""
    from .sources import ModelSource

    where = f"Data source {source.name!r} ({type(source).__qualname__})"
    keep_for, keep_from = getattr(source, "keep_for", None), getattr(source, "keep_from", None)
    if not isinstance(source, ModelSource):
        if (keep_for or keep_from) and not source.has_retention_rule():
            return [
                Error(
                    f"{where} declares keep_for/keep_from, which only a ModelSource applies.",
                    hint="Implement apply_retention(now, dry_run) on the source.",
                    id="wagtail_privacy.E022",
                )
            ]
        return []
    model = source.model
    if model is None:
        return []  # E017
    problems = []

    def error(text, hint=None):
        problems.append(Error(f"{where}: {text}", hint=hint, id="wagtail_privacy.E022"))

    if not keep_for:
        if keep_from:
            error(f"keep_from {keep_from!r} without keep_for: say how long records are kept.")
        return problems
    try:
        period = Period.parse(keep_for, units="dmy")
    except InvalidPeriod as invalid:
        error(f"keep_for: {invalid}")
    else:
        if period.count < 1:
            error(f"keep_for {keep_for!r} is no time at all.")
    counted_from = _lookup(model, keep_from or "")
    if counted_from is None or counted_from.get_internal_type() not in (
        "DateField",
        "DateTimeField",
    ):
        error(
            f"keep_for {keep_for!r} needs keep_from, a date or datetime field of "
            f"{model._meta.label} the age counts from (not {keep_from!r})."
        )
    if source.after_retention not in ("delete", "anonymise"):
        error(f"after_retention must be 'delete' or 'anonymise', not {source.after_retention!r}.")
    elif source.after_retention == "anonymise":
        if not source.anonymise:
            error(
                "after_retention 'anonymise' needs an anonymise mapping: the fields that are "
                "blanked, and the values written."
            )
        link = _lookup(model, source.user_field)
        if "__" in source.user_field or link is None or not link.null:
            error(
                "anonymising records unlinks them from the user: user_field "
                f"{source.user_field!r} must be a nullable foreign key of {model._meta.label}.",
                hint="Add null=True to the foreign key (and a migration), or delete the records.",
            )
        if not source.hold_years:  # else E019 names them
            for name in source.anonymise:
                if _lookup(model, name) is None or "__" in name:
                    error(f"anonymise names {name!r}, which is no field of {model._meta.label}.")
    return problems


@register()
def check_sources(app_configs=None, **kwargs):
    """Every registered data source is complete: a label, fields, and for a ``ModelSource``
    fields, user link, legal hold and retention rule that exist on its model."""
    from .sources import ModelSource, registry

    problems = []
    for source in registry.sources():
        where = f"Data source {source.name!r} ({type(source).__qualname__})"
        if not str(source.label) or not source.fields:
            problems.append(
                Error(
                    f"{where} needs a label and fields: customers read them in their export.",
                    id="wagtail_privacy.E020",
                )
            )
        if isinstance(source, ModelSource):
            problems += _check_model_source(source)
        problems += _check_retention(source)
        problems += _check_correctable(source, where)
    return problems


def _check_correctable(source, where):
    """Correctable fields a customer can really change (E060), and checked fields among them
    (E061): a correction that cannot be applied must not be offered."""
    from .sources import ModelSource

    problems = []
    correctable = tuple(source.correctable)
    model = source.model if isinstance(source, ModelSource) else None
    for name in correctable if model is not None else ():
        field = _lookup(model, name)
        if field is None or "__" in name or field.is_relation or not field.editable:
            problems.append(
                Error(
                    f"{where}: correctable names {name!r}, which is no editable field of "
                    f"{model._meta.label} itself.",
                    id="wagtail_privacy.E060",
                )
            )
        elif field.primary_key or name == source.user_field or name == source.email_field:
            problems.append(
                Error(
                    f"{where}: correctable names {name!r}, which links the record to its "
                    "customer and cannot be corrected.",
                    id="wagtail_privacy.E060",
                )
            )
    for name in source.checked_fields:
        if name not in correctable:
            problems.append(
                Error(
                    f"{where}: checked_fields names {name!r}, which is not in correctable.",
                    id="wagtail_privacy.E061",
                )
            )
    return problems


@register(Tags.compatibility)
def check_source_information(app_configs=None, **kwargs):
    """Every source states its legal basis, which customers read in their Art. 15 information."""
    from .sources import registry

    return [
        Warning(
            f"Data source {source.name!r} ({type(source).__qualname__}) does not state its "
            "legal_basis: customers are told on which legal basis their data is processed "
            "(Art. 13 and 15 GDPR).",
            hint="For example wagtail_privacy.sources.CONTRACT.",
            id="wagtail_privacy.W006",
        )
        for source in registry.sources()
        if not str(source.legal_basis)
    ]


@register(Tags.compatibility)
def check_recipient_settings(app_configs=None, **kwargs):
    """Retries and deadlines of notices to recipients that can be kept (E083)."""
    problems = []
    delays = privacy_settings.RECIPIENT_RETRY_SECONDS
    numbers = ("RECIPIENT_DUE_DAYS", "RECIPIENT_MAX_ATTEMPTS", "RECIPIENT_WEBHOOK_TIMEOUT")
    bad = [name for name in numbers if not _whole(getattr(privacy_settings, name), 1)]
    if not delays or not all(_whole(d, 1) for d in delays):
        bad.append("RECIPIENT_RETRY_SECONDS")
    if not _whole(privacy_settings.RECIPIENT_ACK_LINK_DAYS, 1):
        bad.append("RECIPIENT_ACK_LINK_DAYS")
    for name in bad:
        problems.append(
            Error(
                f"WAGTAIL_PRIVACY['{name}'] must be a whole number of at least 1"
                + (" (a list of them)." if name == "RECIPIENT_RETRY_SECONDS" else "."),
                id="wagtail_privacy.E083",
            )
        )
    return problems


@register(Tags.database)
def check_recipients(app_configs=None, databases=None, **kwargs):
    """Recipients that can be told: a webhook secret long enough (E080), a webhook over HTTPS
    (E081), data sources that exist (E082). Run by ``check --database default`` and
    ``migrate``: the register is in the database."""
    if not databases:
        return []
    from django.db import DatabaseError

    from .recipients.models import (
        MIN_SECRET_LENGTH,
        Delivery,
        Recipient,
        unknown_sources,
        webhook_url_problem,
    )

    try:
        found = list(Recipient.objects.filter(active=True).select_related("locale"))
    except DatabaseError:  # not migrated yet
        return []
    problems = []
    for recipient in found:
        where = f"Recipient {recipient.key!r} ({recipient.locale.language_code})"
        if recipient.delivery == Delivery.WEBHOOK:
            if len(recipient.webhook_secret or "") < MIN_SECRET_LENGTH:
                problems.append(
                    Error(
                        f"{where} has a webhook secret shorter than {MIN_SECRET_LENGTH} "
                        "characters: its signatures could be forged.",
                        hint='Set a random secret, e.g. python -c "import secrets; '
                        'print(secrets.token_hex(32))", and share it with the recipient.',
                        id="wagtail_privacy.E080",
                    )
                )
            if webhook_url_problem(recipient.webhook_url):
                problems.append(
                    Error(
                        f"{where} has a webhook that is not an https:// address.",
                        id="wagtail_privacy.E081",
                    )
                )
        unknown = unknown_sources(recipient.sources)
        if unknown:
            problems.append(
                Error(
                    f"{where} receives unknown data sources: {', '.join(unknown)}.",
                    id="wagtail_privacy.E082",
                )
            )
    return problems


#: The characters of a cookie name: a safe subset of an HTTP token (RFC 6265).
_COOKIE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
#: Browsers keep no cookie longer than this (seconds).
MAX_COOKIE_AGE = 400 * 24 * 3600


@register(Tags.compatibility)
def check_cookie_settings(app_configs=None, **kwargs):
    """The visitor cookie of cookie consent: a valid name of its own (E090) and a lifetime
    browsers keep (E091)."""
    problems = []
    name = privacy_settings.COOKIE_VISITOR_COOKIE
    if not isinstance(name, str) or not _COOKIE_NAME.match(name):
        problems.append(
            Error(
                "WAGTAIL_PRIVACY['COOKIE_VISITOR_COOKIE'] must be a cookie name: letters, "
                "digits and - _ . only, not empty.",
                id="wagtail_privacy.E090",
            )
        )
    elif name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        problems.append(
            Error(
                f"WAGTAIL_PRIVACY['COOKIE_VISITOR_COOKIE'] is {name!r}, the name of Django's "
                "session or CSRF cookie: give the visitor cookie a name of its own.",
                id="wagtail_privacy.E090",
            )
        )
    age = privacy_settings.COOKIE_CONSENT_MAX_AGE
    if not _whole(age, 24 * 3600) or age > MAX_COOKIE_AGE:
        problems.append(
            Error(
                "WAGTAIL_PRIVACY['COOKIE_CONSENT_MAX_AGE'] must be a whole number of seconds "
                f"from one day (86400) to 400 days ({MAX_COOKIE_AGE}), which browsers keep.",
                id="wagtail_privacy.E091",
            )
        )
    if not _whole(privacy_settings.COOKIE_NEW_VISITORS_PER_IP, 1):
        problems.append(
            Error(
                "WAGTAIL_PRIVACY['COOKIE_NEW_VISITORS_PER_IP'] must be a whole number of new "
                "visitors per IP address and hour, at least 1.",
                id="wagtail_privacy.E095",
            )
        )
    return problems


@register(Tags.database)
def check_cookie_categories(app_configs=None, databases=None, **kwargs):
    """Cookie categories that say one thing: not both strictly necessary and marketing
    (E092), one key per category (E093), its translations agreeing on the key and kind
    (E094). Run by ``check --database default`` and ``migrate``."""
    if not databases:
        return []
    from django.db import DatabaseError

    from .cookies.models import CookieCategory

    try:
        found = list(CookieCategory.objects.select_related("locale").order_by("pk"))
    except DatabaseError:  # not migrated yet
        return []
    problems = []
    keys, translations = {}, {}
    for category in found:
        where = f"Cookie category {category.key!r} ({category.locale.language_code})"
        if category.necessary and category.marketing:
            problems.append(
                Error(
                    f"{where} is both strictly necessary and marketing: necessary cookies are "
                    "always on, marketing ones need consent.",
                    hint="Untick one of them in Snippets → Cookie categories.",
                    id="wagtail_privacy.E092",
                )
            )
        keys.setdefault(category.key, set()).add(category.translation_key)
        translations.setdefault(category.translation_key, []).append(category)
    for key, owners in sorted(keys.items()):
        if len(owners) > 1:
            problems.append(
                Error(
                    f"The cookie category key {key!r} is used by {len(owners)} categories that "
                    "are not translations of each other: visitors' choices would mix them.",
                    hint="Translate one category instead, or give each its own key.",
                    id="wagtail_privacy.E093",
                )
            )
    for versions in translations.values():
        kinds = {(c.key, c.necessary, c.marketing) for c in versions}
        if len(kinds) > 1:
            languages = ", ".join(sorted(c.locale.language_code for c in versions))
            problems.append(
                Error(
                    f"The translations of cookie category {versions[0].key!r} ({languages}) "
                    "disagree on its key, or on whether it is strictly necessary or marketing.",
                    hint="Every language of a category must have the same key and kind.",
                    id="wagtail_privacy.E094",
                )
            )
    return problems
