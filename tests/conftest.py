import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import BaseCache, caches
from wagtail.models import Locale, Site

from tests.factories import PolicyFactory

LANGUAGES = ("en", "sl", "sq", "hr")


@pytest.fixture
def locales(db):
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}


@pytest.fixture
def root_page(locales):
    return Site.objects.get(is_default_site=True).root_page


@pytest.fixture
def policies(root_page):
    return PolicyFactory(root_page)


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")


@pytest.fixture
def customer(db):
    return get_user_model().objects.create_user("ana", "ana@example.com", "pw")


@pytest.fixture
def other_customer(db):
    return get_user_model().objects.create_user("bor", "bor@example.com", "pw")


@pytest.fixture
def cookie_categories(locales):
    """Cookie categories: strictly necessary, statistics (also in Slovenian), marketing."""
    from tests.cookies.helpers import make_categories

    return make_categories(locales)


@pytest.fixture(scope="session", autouse=True)
def _remove_test_media():
    yield
    import shutil

    from django.conf import settings

    from wagtail_privacy.storage import private_root

    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    shutil.rmtree(private_root(), ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The acceptance gate lives in the cache: every test starts from an empty one."""
    from django.core.cache import cache

    from wagtail_privacy.notices import gate

    cache.clear()
    gate.forget_requirements()  # the gate's memo of this process, too
    yield
    cache.clear()


@pytest.fixture
def queued(settings):
    """Tasks are queued, not run: the test runs them, as workers would."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend


@pytest.fixture
def cache_calls(monkeypatch):
    """Every call of a method of the configured cache backends, by name (not the calls a
    backend makes of its own methods)."""
    calls = []
    depth = [0]
    names = [
        n for n in vars(BaseCache) if not n.startswith("_") and callable(getattr(BaseCache, n))
    ]
    for cls in {type(caches[alias]) for alias in django_settings.CACHES}:
        for name in names:
            original = getattr(cls, name)

            def spy(self, *args, _original=original, _name=name, **kwargs):
                if not depth[0]:
                    calls.append(_name)
                depth[0] += 1
                try:
                    return _original(self, *args, **kwargs)
                finally:
                    depth[0] -= 1

            monkeypatch.setattr(cls, name, spy)
    return calls
