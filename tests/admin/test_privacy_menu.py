"""The *Privacy* menu section is a Wagtail ``ViewSetGroup``, and one permission mechanism
decides every screen, link and menu item of the privacy centre.

- the section groups the centre's viewsets; each brings its own menu item, shown to the users
  its screen serves (Wagtail's ``PermissionCheckedMixin`` and a ``CentrePermissionPolicy``),
  and the section itself only when one of them is shown;
- a site adds a screen by adding a ``PrivacyCentreViewSet`` to ``PrivacyViewSetGroup.items``;
  nothing else may join;
- every URL of the centre is served by a view that declares its permission the same way.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponse
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem, admin_menu
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from wagtail_privacy.admin import mixins
from wagtail_privacy.admin.mixins import (
    ACCESS,
    CentrePermissionPolicy,
    PrivacyCentreViewSet,
    user_may_open,
)
from wagtail_privacy.admin.viewsets import PrivacyViewSetGroup
from wagtail_privacy.wagtail_hooks import register_privacy_centre, register_privacy_permissions

from .test_permission_matrix import CENTRE

pytestmark = pytest.mark.django_db

ALL_ITEMS = [
    "Dashboard",
    "Privacy requests",
    "Customer proof",
    "Consent overview",
    "Cookie choices",
    "Background failures",
    "Retention runs",
    "Breaches",
    "Notices to recipients",
]


def make_user(username, *codenames):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    group = Group.objects.create(name=f"{username} group")
    group.permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    user.groups.add(group)
    return user


def labels(items):
    """The labels of menu ``items`` in the order the menu renders them."""
    return [str(item.label) for item in sorted(items, key=lambda item: item.order)]


def section(rf, user, menu=admin_menu):
    """The *Privacy* section of ``menu`` as ``user`` sees it: labels of its items, or None."""
    request = rf.get("/admin/")
    request.user = user
    for item in menu.menu_items_for_request(request):
        if item.name == "privacy":
            assert isinstance(item, SubmenuMenuItem)
            return labels(item.menu.menu_items_for_request(request))
    return None


def test_the_section_is_a_viewset_group_of_the_centre_viewsets():
    group = register_privacy_centre()
    assert isinstance(group, ViewSetGroup) and isinstance(group, PrivacyViewSetGroup)
    assert str(group.menu_label) == "Privacy" and group.menu_icon == "lock"
    assert all(isinstance(v, PrivacyCentreViewSet) for v in group.registerables)
    items = sorted(group.registerables, key=lambda v: v.menu_order)
    assert [str(v.menu_label) for v in items] == ALL_ITEMS
    assert [v.menu_url for v in items] == [
        reverse("wagtail_privacy_centre:dashboard"),
        reverse("wagtail_privacy_requests:index"),
        reverse("wagtail_privacy_proof:search"),
        reverse("wagtail_privacy_consent:overview"),
        reverse("wagtail_privacy_cookies:index"),
        reverse("wagtail_privacy_background:index"),
        reverse("wagtail_privacy_retention_runs:index"),
        reverse("wagtail_privacy_breaches:index"),
        reverse("wagtail_privacy_recipient_notices:index"),
    ]
    # Each viewset's item lives in the section, not a second time in the main menu.
    assert not any(v.add_to_admin_menu for v in group.registerables)


def test_the_custom_menu_hook_is_gone():
    assert hooks.get_hooks("register_privacy_menu_item") == []


def test_each_item_is_shown_to_the_users_its_screen_serves(rf, editor):
    assert section(rf, editor) == ALL_ITEMS  # a superuser has every permission
    officer = make_user(
        "officer",
        "access_privacy_centre",
        "view_datarequest",
        "view_acceptance",
        "view_consentrecord",
        "view_cookieconsentrecord",
        "view_breach",
    )
    assert section(rf, officer) == ALL_ITEMS
    # the centre permission alone: the screens that need nothing more
    assert section(rf, make_user("watcher", "access_privacy_centre")) == [
        "Dashboard",
        "Background failures",
        "Retention runs",
        "Notices to recipients",
    ]
    assert section(rf, make_user("handler", "access_privacy_centre", "view_datarequest")) == [
        "Dashboard",
        "Privacy requests",
        "Background failures",
        "Retention runs",
        "Notices to recipients",
    ]


def test_the_section_is_hidden_without_the_centre_permission(rf):
    every_model_permission = make_user(
        "staff", "view_datarequest", "change_datarequest", "view_acceptance", "view_consentrecord"
    )
    assert section(rf, every_model_permission) is None
    assert section(rf, make_user("clerk")) is None
    assert section(rf, AnonymousUser()) is None


def test_the_home_page_menu_follows_the_same_rules(client):
    handler = make_user("handler", "access_privacy_centre", "view_datarequest")
    client.force_login(handler)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtail_privacy_requests:index") in home
    assert reverse("wagtail_privacy_proof:search") not in home
    assert reverse("wagtail_privacy_consent:overview") not in home


# --- a site adds a screen -------------------------------------------------------------------


class ReportsView(PermissionCheckedMixin, TemplateView):
    permission_policy = CentrePermissionPolicy("wagtail_privacy.DataRequest")
    permission_required = "view"


class ReportsViewSet(PrivacyCentreViewSet):
    name = "shop_privacy_reports"
    url_prefix = "privacy/reports"
    icon = "doc-full"
    menu_label = "Reports"
    menu_order = 250
    menu_url = "/admin/privacy/reports/"  # not mounted in these tests' URLconf
    index_view_class = ReportsView
    permission_actions = ("view",)

    def get_urlpatterns(self):
        return [path("", lambda request: HttpResponse("report"), name="index")]


@pytest.fixture
def with_reports(monkeypatch):
    monkeypatch.setattr(PrivacyViewSetGroup, "items", (*PrivacyViewSetGroup.items, ReportsViewSet))


def test_a_site_adds_a_screen_to_the_section(rf, with_reports):
    group = register_privacy_centre()
    handler = make_user("handler", "access_privacy_centre", "view_datarequest")
    watcher = make_user("watcher", "access_privacy_centre")
    request = rf.get("/admin/")

    def shown_to(user):
        request.user = user
        return labels(group.get_menu_item().menu.menu_items_for_request(request))

    assert shown_to(handler) == [
        "Dashboard",
        "Privacy requests",
        "Reports",
        "Background failures",
        "Retention runs",
        "Notices to recipients",
    ]
    assert "Reports" not in shown_to(watcher)
    # its URLs are behind the centre permission like the others'
    view = ReportsViewSet().get_urlpatterns()[0].callback
    assert view.privacy_centre_guard
    request.user = make_user("staff", "view_datarequest")
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = handler
    assert view(request).content == b"report"
    # and Settings → Groups offers the permission its screen checks
    assert register_privacy_permissions().filter(codename="view_datarequest").exists()


def test_only_privacy_centre_viewsets_may_join(monkeypatch):
    class Elsewhere(ViewSet):
        name = "elsewhere"

    monkeypatch.setattr(PrivacyViewSetGroup, "items", (*PrivacyViewSetGroup.items, Elsewhere))
    with pytest.raises(ImproperlyConfigured, match="not a PrivacyCentreViewSet"):
        PrivacyViewSetGroup()


# --- one permission mechanism ---------------------------------------------------------------


def test_the_old_permission_styles_are_gone():
    for name in ("PermissionRequiredMixin", "require_centre_permission"):
        assert not hasattr(mixins, name)


@pytest.mark.parametrize("route,name,pattern", CENTRE, ids=[n or r for r, n, _p in CENTRE])
def test_every_centre_screen_declares_its_permission_the_wagtail_way(route, name, pattern):
    view_class = getattr(pattern.callback, "view_class", None)
    assert view_class is not None, f"{name}: a function view, not a class-based one"
    assert issubclass(view_class, PermissionCheckedMixin), name
    assert isinstance(view_class.permission_policy, CentrePermissionPolicy), name
    required = [view_class.permission_required, *(view_class.any_permission_required or [])]
    assert any(required), f"{name} requires nothing"


def test_every_action_a_screen_checks_is_offered_in_settings_groups():
    offered = {
        (p.content_type.model_class(), p.codename)
        for p in register_privacy_permissions().select_related("content_type")
    }
    for viewset in register_privacy_centre().registerables:
        for pattern in viewset.get_urlpatterns():
            view_class = pattern.callback.view_class
            policy = view_class.permission_policy
            for action in [
                view_class.permission_required,
                *(view_class.any_permission_required or []),
            ]:
                if action in (None, ACCESS):
                    continue
                codename = f"{action}_{policy.model._meta.model_name}"
                assert (policy.model, codename) in offered, (pattern.name, codename)
                assert action in viewset.permission_actions


def test_the_policy_answers_for_users_and_lists_them(editor):
    policy = CentrePermissionPolicy("wagtail_privacy.DataRequest")
    handler = make_user("handler", "access_privacy_centre", "view_datarequest")
    staff = make_user("staff", "view_datarequest", "change_datarequest")
    watcher = make_user("watcher", "access_privacy_centre")
    assert policy.user_has_permission(handler, "view")
    assert not policy.user_has_permission(handler, "change")
    assert not policy.user_has_permission(staff, "view")  # no centre permission
    assert policy.user_has_permission(watcher, ACCESS)
    assert not policy.user_has_permission(watcher, "view")
    assert set(policy.users_with_permission("view")) == {editor, handler}
    assert set(policy.users_with_permission(ACCESS)) == {editor, handler, watcher}
    assert not mixins.centre_policy.user_has_permission(watcher, "view")  # no model
    assert user_may_open(ReportsView, handler) and not user_may_open(ReportsView, staff)
