"""Every setting of wagtail-privacy and its default, read from ``settings.WAGTAIL_PRIVACY``.

Read settings only through ``privacy_settings`` so that tests overriding ``WAGTAIL_PRIVACY``
take effect at once.
"""

from datetime import timedelta

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

DEFAULTS = {
    # Minimum days between publication and effective date, per change level:
    # {"major": 10, "minor": 10, "editorial": 0}; a number is the major changes' (the others
    # then take effect at once). Editorial changes always take effect at once.
    "NOTICE_DAYS": 10,
    # Kinds of legal document an editor can choose for a policy page (value, label).
    "POLICY_KINDS": [
        ("privacy", _("Privacy policy")),
        ("terms", _("Terms of sale")),
        ("cookies", _("Cookie policy")),
    ],
    # Shop name in the running header of policy PDFs; None means WAGTAIL_SITE_NAME.
    "SHOP_NAME": None,
    # The data controller, the author in PDF metadata; None means the shop name.
    "CONTROLLER_NAME": None,
    # How to reach the controller about personal data (an address, an email), for the Art. 15
    # information in /me/information/ and exports; None: not stated.
    "CONTROLLER_CONTACT": None,
    # The data protection officer's contact, if the shop has appointed one (None: none).
    "DPO_CONTACT": None,
    # Where customers may complain: {"name": ..., "address": ..., "email": ..., "url": ...}
    # (only "name" is required). None: the authority is not named (system check W005).
    "SUPERVISORY_AUTHORITY": None,
    # Whether personal data leaves the European Economic Area, and with which safeguards
    # (Art. 15(2) GDPR), for every source that does not say otherwise. None: not stated (W004).
    "TRANSFERS": None,
    # Decisions made about customers by automated means alone (Art. 22), and their logic; None
    # says there are none.
    "AUTOMATED_DECISIONS": None,
    # The shop's adapter: dotted path to a subclass of ``wagtail_privacy.hosts.Host`` saying
    # who is told of a change, each customer's language and their last activity. None: Host.
    "HOST": None,
    # Customers handled per batch by the notice fan-out (bulk inserts, keyset pagination).
    "NOTICE_BATCH_SIZE": 500,
    # Hours to hold back the emails of customers whose language a new version still lacks,
    # waiting for its translation; after that they get the default language.
    "NOTICE_TRANSLATION_WAIT_HOURS": 24,
    # Also email customers when a major version takes effect (privacy_tick enqueues the tasks).
    "EMAIL_WHEN_EFFECTIVE": False,
    # Seconds the email tasks of a version may go without creating or claiming anything
    # before privacy_tick presumes them lost (a worker killed, a queue flushed) and sends
    # what they left pending itself.
    "NOTICE_TASKS_LOST_AFTER": 600,
    # Days before a major version that asks for acceptance takes effect when customers who
    # have neither accepted nor declined it are reminded, e.g. (7, 1); each reminder is
    # emailed once. Empty: no reminders.
    "ACCEPTANCE_REMINDER_DAYS": (),
    # What is kept of the IP address with an acceptance: "full", "truncated" or "none".
    "ACCEPTANCE_IP": "truncated",
    # Paths (regular expressions) the acceptance middleware never redirects.
    "ACCEPTANCE_EXEMPT_URLS": [],
    # Staff users are not redirected by the acceptance middleware.
    "ACCEPTANCE_EXEMPT_STAFF": True,
    # Where the acceptance middleware sends customers; None means the built-in accept page.
    "ACCEPT_URL": None,
    # Seconds a process relies on what it read about required versions before reading it
    # again (one query). A version published at least this long before it takes effect
    # becomes required in every process exactly on time; one that takes effect at once
    # reaches every other process within this time.
    "GATE_REFRESH_SECONDS": 5,
    # Authentication of the signed-in API endpoints: dotted paths to Ninja auth objects.
    "API_AUTHENTICATION": ["ninja.security.django_auth"],
    # Requests are answered within this period of receipt: "30d" (days) or "1m" (calendar
    # months, as the GDPR counts)...
    "REQUEST_DUE": "1m",
    # ...and can be extended, with a reason sent to the customer, by at most this much more,
    # only while they are not overdue.
    "REQUEST_MAX_EXTENSION": "2m",
    # Open requests due within this many days are listed as due soon.
    "REQUEST_DUE_SOON_DAYS": 7,
    # Requests by email address (the public form, or staff): seconds the emailed confirmation
    # link works; a request still unconfirmed then is closed as unverified by privacy_tick.
    "REQUEST_CONFIRMATION_TTL": 48 * 3600,
    # The public request form: requests accepted per email address, and per IP address, within
    # PUBLIC_REQUEST_WINDOW seconds (counted in THROTTLE_CACHE); more answer 429.
    "PUBLIC_REQUESTS_PER_ADDRESS": 3,
    "PUBLIC_REQUESTS_PER_IP": 10,
    "PUBLIC_REQUEST_WINDOW": 3600,
    # Seconds a step-up verification stays fresh for export, deletion and deactivation.
    "STEP_UP_MAX_AGE": 600,
    # The shop's page where a customer confirms it is them (a one-time code), as a URL path:
    # pages refused for want of a step-up redirect there with ?next=. None: a 403 page says to
    # confirm it in the account (the JSON API always answers 403 step_up_required).
    "STEP_UP_URL": None,
    # Wrong codes allowed per customer within STEP_UP_THROTTLE_WINDOW seconds.
    "STEP_UP_MAX_ATTEMPTS": 5,
    "STEP_UP_THROTTLE_WINDOW": 900,
    # Cache alias (settings.CACHES) holding those counters. Every worker of the site must share
    # it (Redis, Memcached, the database): a per-process memory cache multiplies the limit by
    # the number of workers, and the dummy cache turns it off (system checks W003 and E014).
    "THROTTLE_CACHE": "default",
    # Seconds between two exports of the same customer.
    "EXPORT_RATE_LIMIT": 24 * 3600,
    # Seconds a download link of an export stays valid.
    "EXPORT_LINK_TTL": 3600,
    # Days an export file is kept before privacy_tick deletes it.
    "EXPORT_RETENTION_DAYS": 7,
    # The customer's privacy centre on the storefront, linked from emails (None: no link).
    "ACCOUNT_URL": None,
    # Days before a consent expires (a purpose's "valid for") that the customer is emailed to
    # renew it; from then on, granting it again renews it.
    "CONSENT_RENEWAL_NOTICE_DAYS": 30,
    # Days between telling a customer that staff lift the restriction of their data (GDPR
    # Art. 18(3)) and lifting it; the customer lifting their own is immediate.
    "RESTRICTION_LIFT_NOTICE_DAYS": 14,
    # Days between asking for deletion and the erasure; the customer can cancel meanwhile.
    "DELETION_GRACE_DAYS": 14,
    # Days a deactivated account's data is kept before it is erased.
    "DEACTIVATED_RETENTION_DAYS": 365,
    # Days before that erasure (and before erasing an inactive account) a warning is emailed.
    "ERASURE_WARNING_DAYS": 30,
    # Accounts with no sign-in (nor activity the host knows of, ``Host.last_activity``) for
    # this many days are erased after a warning; None turns the sweep off.
    "INACTIVE_ACCOUNT_DAYS": 3 * 365,
    # What erasure does with the user row: "delete" it, or "anonymise" it and keep the id.
    "ERASE_USER": "delete",
    # Accounts handled per batch by the retention sweeps and erasure (one transaction per
    # source and batch, bulk updates, one mail connection).
    "RETENTION_BATCH_SIZE": 500,
    # How long the old value of a corrected field stays in the ledger after its rectification
    # request closes (a mistake can be undone meanwhile); then privacy_tick blanks it. A
    # period: "30d", "1m"; "0d" blanks it at the first run after the request closes.
    "CORRECTION_KEEP_OLD_VALUE": "30d",
    # At most this many accounts erased per privacy_tick run (None: the whole backlog); the
    # next run goes on where it stopped.
    "ERASURES_PER_TICK": 10_000,
    # Seconds after which an erasure whose sweep stopped answering is taken over by another.
    "ERASURE_CLAIM_TIMEOUT": 3600,
    # Storage alias (settings.STORAGES) where export files are kept. It must not be public:
    # the default is a private folder (PRIVATE_ROOT) that no URL reaches.
    "EXPORT_STORAGE": "wagtail_privacy_private",
    # Folder of the built-in private storage and of files being written; None means a folder
    # "<MEDIA_ROOT>-private" beside MEDIA_ROOT.
    "PRIVATE_ROOT": None,
    # Seconds without a sign of life after which an export being built is presumed dead (its
    # worker was killed) and built again; privacy_tick checks.
    "EXPORT_STALE_SECONDS": 600,
    # Attempts at building one export before it is marked failed and the customer may ask again.
    "EXPORT_MAX_ATTEMPTS": 3,
    # Recipients (processors, other controllers) told of erasures, rectifications and
    # restrictions (Art. 19): days they have to acknowledge before the notice is overdue...
    "RECIPIENT_DUE_DAYS": 7,
    # ...seconds between webhook attempts (the last repeats) and the attempts before a
    # notification is marked failed...
    "RECIPIENT_RETRY_SECONDS": (60, 300, 1800, 7200, 21600, 86400),
    "RECIPIENT_MAX_ATTEMPTS": 10,
    # ...seconds a webhook may take to answer, and days an emailed acknowledgement link works.
    "RECIPIENT_WEBHOOK_TIMEOUT": 10,
    "RECIPIENT_ACK_LINK_DAYS": 30,
    # Allow webhooks over plain http to localhost (tests, development); None: when DEBUG.
    "RECIPIENT_LOCAL_HTTP": None,
    # Cookie consent: the name of the first-party cookie holding the visitor's random, signed
    # id (strictly necessary: it remembers their choices; set only when they choose)...
    "COOKIE_VISITOR_COOKIE": "privacy_visitor",
    # ...and its lifetime in seconds: 395 days (13 months), when visitors are asked again
    # (browsers keep no cookie longer than 400 days).
    "COOKIE_CONSENT_MAX_AGE": 395 * 24 * 3600,
    # Browsers without a visitor cookie that may record cookie choices per IP address and
    # hour: a client that keeps no cookie is a new visitor on every request.
    "COOKIE_NEW_VISITORS_PER_IP": 600,
    # Storage alias (settings.STORAGES) where rendered PDFs are kept.
    "PDF_STORAGE": "default",
    # Seconds after which an unfinished PDF render is considered abandoned and is redone.
    "PDF_RENDER_TIMEOUT": 120,
}


class PrivacySettings:
    def __init__(self):
        self._cache = None

    @property
    def user_settings(self):
        if self._cache is None:
            self._cache = getattr(settings, "WAGTAIL_PRIVACY", {}) or {}
        return self._cache

    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown wagtail-privacy setting: {name}")
        return self.user_settings.get(name, DEFAULTS[name])

    @property
    def shop_name(self):
        return self.SHOP_NAME or getattr(settings, "WAGTAIL_SITE_NAME", "") or ""

    def notice_days(self, level="major"):
        """The days of notice ``NOTICE_DAYS`` promises before a change of ``level`` takes
        effect (a number in the setting is the major changes'; levels it omits get none)."""
        days = self.NOTICE_DAYS
        if isinstance(days, dict):
            return int(days.get(level, 0) or 0)
        return int(days) if level == "major" else 0

    @property
    def notice_period(self):
        """The major changes' notice as a ``timedelta``: how long before a major change binds
        a customer they must have been told."""
        return timedelta(days=self.notice_days("major"))

    @property
    def controller_name(self):
        return self.CONTROLLER_NAME or self.shop_name

    def reload(self):
        self._cache = None


privacy_settings = PrivacySettings()


def _reload(*, setting, **kwargs):
    if setting == "WAGTAIL_PRIVACY":
        privacy_settings.reload()


setting_changed.connect(_reload)
