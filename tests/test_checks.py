"""System checks report a misconfigured WAGTAIL_PRIVACY."""

import pytest

from wagtail_privacy.checks import check_settings


def ids(settings):
    return {problem.id for problem in check_settings()}


def test_default_configuration_is_clean(settings):
    assert ids(settings) == set()


def test_bad_values_are_reported(settings):
    settings.WAGTAIL_PRIVACY = {
        "NOTICE_DAYS": -1,
        "POLICY_KINDS": [],
        "PDF_STORAGE": "nowhere",
        "PDF_RENDER_TIMEOUT": 0,
        "ACCEPTANCE_IP": "partial",
        "NOTICE_BATCH_SIZE": 0,
        "HOST": "no.such.module.Host",
        "CUSTOMER_LANGUAGE": "tests.testapp.hooks.profile_languages",
        "NOTICE_DAY": 5,
        "ERASURES_PER_TICK": 0,
    }
    assert ids(settings) == {
        "wagtail_privacy.E002",
        "wagtail_privacy.E003",
        "wagtail_privacy.E004",
        "wagtail_privacy.E005",
        "wagtail_privacy.E006",
        "wagtail_privacy.E007",
        "wagtail_privacy.E008",
        "wagtail_privacy.E011",
        "wagtail_privacy.E016",
        "wagtail_privacy.W001",
    }


def test_not_a_dict(settings):
    settings.WAGTAIL_PRIVACY = ["NOTICE_DAYS"]
    assert ids(settings) == {"wagtail_privacy.E001"}


def test_i18n_off_is_a_warning(settings):
    settings.WAGTAIL_I18N_ENABLED = False
    assert ids(settings) == {"wagtail_privacy.W002"}


def test_middleware_order(settings):
    settings.MIDDLEWARE = [
        "wagtail_privacy.notices.enforcement.AcceptanceMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
    assert "wagtail_privacy.E009" in ids(settings)


def test_missing_apps(settings, monkeypatch):
    from wagtail_privacy import checks

    class WithoutOtp:
        INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_otp"]

        def __getattr__(self, name):
            return getattr(settings, name)

    # Changing INSTALLED_APPS for real would reload every app; the check only reads the list.
    monkeypatch.setattr(checks, "settings", WithoutOtp())
    assert "wagtail_privacy.E010" in {p.id for p in checks.check_settings()}


@pytest.mark.parametrize(
    "key, value",
    [
        ("RETENTION_BATCH_SIZE", 0),
        ("ERASURES_PER_TICK", "all"),
        ("ERASURE_CLAIM_TIMEOUT", -5),
        ("ERASE_USER", "shred"),
        ("GATE_REFRESH_SECONDS", 0),
        ("EXPORT_STALE_SECONDS", "soon"),
        ("NOTICE_TASKS_LOST_AFTER", 0),
        ("EXPORT_MAX_ATTEMPTS", 0),
    ],
)
def test_sweep_settings_are_checked(settings, key, value):
    settings.WAGTAIL_PRIVACY = {key: value}
    assert ids(settings) == {"wagtail_privacy.E011"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("REQUEST_CONFIRMATION_TTL", 60),  # shorter than an hour: nobody reads mail that fast
        ("REQUEST_CONFIRMATION_TTL", 30 * 24 * 3600),  # the clock would stay paused a month
        ("REQUEST_CONFIRMATION_TTL", "48h"),
        ("PUBLIC_REQUESTS_PER_ADDRESS", 0),
        ("PUBLIC_REQUESTS_PER_IP", None),
        ("PUBLIC_REQUEST_WINDOW", -1),
    ],
)
def test_request_confirmation_settings_are_checked(settings, key, value):
    settings.WAGTAIL_PRIVACY = {key: value}
    assert ids(settings) == {"wagtail_privacy.E042"}


@pytest.mark.parametrize("value", [0, -3, "14", 2.5, None, True])
def test_the_notice_before_lifting_a_restriction_is_checked(settings, value):
    # The customer must be told before a restriction is lifted: at least a day before.
    settings.WAGTAIL_PRIVACY = {"RESTRICTION_LIFT_NOTICE_DAYS": value}
    assert ids(settings) == {"wagtail_privacy.E050"}


def test_a_host_that_is_not_a_host_subclass_is_reported(settings):
    settings.WAGTAIL_PRIVACY = {"HOST": "tests.testapp.hooks.profile_languages"}
    assert "wagtail_privacy.E008" in ids(settings)


def source_problems(*classes):
    from wagtail_privacy.checks import check_sources
    from wagtail_privacy.sources import registry

    for cls in classes:
        registry.register(cls)
    try:
        return sorted((p.id, p.msg) for p in check_sources())
    finally:
        for cls in classes:
            registry.unregister(cls.name)


def test_every_registered_source_passes_the_checks():
    from wagtail_privacy.checks import check_sources

    assert check_sources() == []


def test_sources_are_checked_against_their_models():
    from tests.testapp.models import Address, Invoice, Order
    from wagtail_privacy.sources import ModelSource

    class Typo(ModelSource):
        name, label, model, user_field = "typo", "Typo", Order, "customer"
        fields = ("number", "totl", "customer__emial")

    class NotTheUser(ModelSource):
        name, label, model, user_field = "not_user", "Not the user", Order, "number"
        fields = ("number",)

    class HeldButLinked(ModelSource):
        """Addresses' customer link cannot be cleared: a hold would fail at erasure."""

        name, label, model, user_field = "held", "Held", Address, "customer"
        fields = ("street",)
        hold_years, hold_from, anonymise = 10, "street", {"delivery_notes": ""}

    class Nameless(ModelSource):
        name, model, user_field, fields = "nameless", Invoice, "customer", ()

    problems = source_problems(Typo, NotTheUser, HeldButLinked, Nameless)
    assert problems == sorted(
        [
            (
                "wagtail_privacy.E017",
                "Data source 'typo' (" + Typo.__qualname__ + "): "
                "testapp.Order has no field 'customer__emial' (in fields).",
            ),
            (
                "wagtail_privacy.E017",
                "Data source 'typo' (" + Typo.__qualname__ + "): "
                "testapp.Order has no field 'totl' (in fields).",
            ),
            (
                "wagtail_privacy.E018",
                "Data source 'not_user' (" + NotTheUser.__qualname__ + "): "
                "user_field 'number' does not lead from testapp.Order to the user model.",
            ),
            (
                "wagtail_privacy.E019",
                "Data source 'held' (" + HeldButLinked.__qualname__ + "): "
                "anonymise names 'delivery_notes', which is no field of testapp.Address.",
            ),
            (
                "wagtail_privacy.E019",
                "Data source 'held' (" + HeldButLinked.__qualname__ + "): "
                "hold_from 'street' must name a date field of testapp.Address.",
            ),
            (
                "wagtail_privacy.E019",
                "Data source 'held' (" + HeldButLinked.__qualname__ + ") keeps "
                "records under a legal hold, which unlinks them from the user: "
                "user_field 'customer' must be a nullable foreign key of testapp.Address.",
            ),
            (
                "wagtail_privacy.E020",
                "Data source 'nameless' (" + Nameless.__qualname__ + ") needs "
                "a label and fields: customers read them in their export.",
            ),
        ]
    )


def test_retention_rules_that_cannot_be_applied_are_errors():
    from tests.testapp.models import Address, Invoice
    from wagtail_privacy.sources import DataSource, ModelSource

    class Base(ModelSource):
        label, model, user_field, fields = "Invoices", Invoice, "customer", ("number",)

    class NoFrom(Base):
        name, keep_for = "no_from", "10y"

    class NotADate(Base):
        name, keep_for, keep_from = "not_a_date", "10y", "number"

    class BadPeriod(Base):
        name, keep_for, keep_from = "bad_period", "10 years", "issued_at"

    class NoTime(Base):
        name, keep_for, keep_from = "no_time", "0y", "issued_at"

    class NoFor(Base):
        name, keep_from = "no_for", "issued_at"

    class NoMapping(Base):
        name, keep_for, keep_from, after_retention = "no_mapping", "5y", "issued_at", "anonymise"

    class Unknown(Base):
        name, keep_for, keep_from, after_retention = "unknown", "5y", "issued_at", "archive"

    class Linked(ModelSource):
        """Addresses' customer link cannot be cleared: anonymised rows would still be hers."""

        name, label, model, user_field, fields = "linked", "Addr", Address, "customer", ("street",)
        keep_for, keep_from, after_retention = "60m", "customer__date_joined", "anonymise"
        anonymise = {"streets": ""}

    class Generic(DataSource):
        name, label, fields, erasable, kept_reason = "generic", "Generic", ("x",), False, "-"
        keep_for, keep_from = "1y", "at"

    class Fine(Base):
        name, keep_for, keep_from, after_retention = "fine", "60m", "issued_at", "anonymise"
        anonymise = {"billing_name": ""}

    problems = source_problems(
        NoFrom, NotADate, BadPeriod, NoTime, NoFor, NoMapping, Unknown, Linked, Generic, Fine
    )
    assert {problem_id for problem_id, _msg in problems} == {"wagtail_privacy.E022"}
    found = [msg for _id, msg in problems]

    def about(name):
        return [msg.split("): ", 1)[-1] for msg in found if f"'{name}'" in msg]

    assert about("no_from") == [
        "keep_for '10y' needs keep_from, a date or datetime field of testapp.Invoice the age "
        "counts from (not None)."
    ]
    assert about("not_a_date") == [
        "keep_for '10y' needs keep_from, a date or datetime field of testapp.Invoice the age "
        "counts from (not 'number')."
    ]
    assert about("bad_period") == [
        "keep_for: '10 years' is not a period: write a whole number of days, months or years, "
        'such as "30d", "1m" or "10y".'
    ]
    assert about("no_time") == ["keep_for '0y' is no time at all."]
    assert about("no_for") == [
        "keep_from 'issued_at' without keep_for: say how long records are kept."
    ]
    assert about("no_mapping") == [
        "after_retention 'anonymise' needs an anonymise mapping: the fields that are blanked, "
        "and the values written."
    ]
    assert about("unknown") == ["after_retention must be 'delete' or 'anonymise', not 'archive'."]
    assert sorted(about("linked")) == [
        "anonymise names 'streets', which is no field of testapp.Address.",
        "anonymising records unlinks them from the user: user_field 'customer' must be a "
        "nullable foreign key of testapp.Address.",
    ]
    assert about("generic") == [
        "Data source 'generic' (" + Generic.__qualname__ + ") declares keep_for/keep_from, "
        "which only a ModelSource applies."
    ]
    assert about("fine") == []


def test_checks_run_with_manage_py_check():
    """The checks are registered: ``manage.py check`` reports a broken host source."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from tests.testapp.models import Order
    from wagtail_privacy.sources import ModelSource, registry

    class Broken(ModelSource):
        name, label, model, user_field, fields = "broken", "Broken", Order, "customer", ("x",)

    registry.register(Broken)
    try:
        with pytest.raises(SystemCheckError, match="wagtail_privacy.E017"):
            call_command("check")
    finally:
        registry.unregister("broken")


def test_correctable_fields_are_checked_against_their_models():
    from tests.testapp.models import Address
    from wagtail_privacy.sources import ModelSource

    class Bad(ModelSource):
        name, label, model, user_field, fields = "bad", "Bad", Address, "customer", ("street",)
        correctable = ("street", "streat", "customer", "customer__email", "id")
        checked_fields = ("phone",)

    where = f"Data source 'bad' ({Bad.__qualname__}): "
    assert source_problems(Bad) == sorted(
        [
            (
                "wagtail_privacy.E060",
                where + f"correctable names {name!r}, which is no "
                "editable field of testapp.Address itself.",
            )
            for name in ("streat", "customer", "customer__email")
        ]
        + [
            (
                "wagtail_privacy.E060",
                where + "correctable names 'id', which links the record to its customer and "
                "cannot be corrected.",
            ),
            (
                "wagtail_privacy.E061",
                where + "checked_fields names 'phone', which is not in correctable.",
            ),
        ]
    )


def test_a_source_that_cannot_apply_its_corrections_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from wagtail_privacy.sources import DataSource, registry

    class Loyalty(DataSource):
        name, label, fields, erasable, kept_reason = "loyalty", "Points", ("points",), False, "x"
        correctable = ("nickname",)

        def records(self, user):
            return []

    with pytest.raises(ImproperlyConfigured, match="Loyalty declares correctable fields"):
        registry.register(Loyalty)
    assert "loyalty" not in {source.name for source in registry.sources()}


@pytest.mark.parametrize("value", ["30", "2y", None, "-1d"])
def test_the_old_value_keep_period_is_checked(settings, value):
    settings.WAGTAIL_PRIVACY = {"CORRECTION_KEEP_OLD_VALUE": value}
    assert ids(settings) == {"wagtail_privacy.E062"}
