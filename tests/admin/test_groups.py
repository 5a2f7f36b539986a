"""Settings → Groups offers the privacy centre's permissions (the ``register_permissions`` hook).

End to end through Wagtail's own group views: a superuser ticks "Can access the privacy
centre" on a group (added or edited), saves, and a member who is not a superuser reaches the
centre; a member of a group without it is refused and sees no *Privacy* menu.
"""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail import hooks

pytestmark = pytest.mark.django_db

CENTRE = "wagtail_privacy.access_privacy_centre"


def permission(codename):
    return Permission.objects.get(codename=codename)


class FormReader(HTMLParser):
    """What the browser would post back from the group form as it is shown: hidden fields
    (the permission formsets' management forms), text fields and ticked boxes; and the label
    of every permission checkbox (a label ``for`` it, or one around it), by its value."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self.ids = {}  # checkbox value -> id
        self.labels = {}  # label target (an id, or a wrapped checkbox's value) -> text
        self._label = None  # (target or None, [text])
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "w-editor-form":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input":
            kind, name = attrs.get("type", "text"), attrs.get("name")
            if not name or "disabled" in attrs:
                return
            if kind == "checkbox" and name == "permissions":
                self.ids[attrs["value"]] = attrs.get("id")
                if self._label is not None and self._label[0] is None:
                    self._label = (("value", attrs["value"]), self._label[1])
            if kind in ("hidden", "text") or (kind == "checkbox" and "checked" in attrs):
                self.data.setdefault(name, []).append(attrs.get("value", "on"))
        elif tag == "label":
            target = ("id", attrs["for"]) if attrs.get("for") else None
            self._label = (target, [])

    def handle_data(self, data):
        if self._label is not None:
            self._label[1].append(data)

    def handle_endtag(self, tag):
        if tag == "label" and self._label is not None:
            target, text = self._label
            if target is not None:
                self.labels[target] = " ".join("".join(text).split())
            self._label = None
        if tag == "form":
            self._in_form = False

    def label_of(self, permission_id):
        value = str(permission_id)
        return self.labels.get(("value", value)) or self.labels.get(("id", self.ids.get(value)))


def read_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    reader = FormReader()
    reader.feed(response.content.decode())
    return reader


@pytest.fixture
def superuser(editor):
    """The editor (a superuser) in a browser of their own."""
    from django.test import Client

    browser = Client()
    browser.force_login(editor)
    return browser


@pytest.fixture
def member(db):
    return get_user_model().objects.create_user("auditor", "auditor@example.com", "pw")


def test_the_hook_registers_the_centre_permission_and_the_screens_permissions():
    registered = set()
    for fn in hooks.get_hooks("register_permissions"):
        registered |= {
            f"{p.content_type.app_label}.{p.codename}" for p in fn().select_related("content_type")
        }
    assert {
        CENTRE,
        "wagtail_privacy.view_datarequest",
        "wagtail_privacy.add_datarequest",
        "wagtail_privacy.change_datarequest",
        "wagtail_privacy.view_acceptance",
        "wagtail_privacy.view_consentrecord",
    } <= registered
    # nothing the centre does not check: no deleting requests, no writing proof
    assert "wagtail_privacy.delete_datarequest" not in registered
    assert "wagtail_privacy.add_acceptance" not in registered


def test_the_group_form_offers_the_centre_permission(superuser):
    form = read_form(superuser, reverse("wagtailusers_groups:add"))
    centre = permission("access_privacy_centre")
    assert form.label_of(centre.pk) == "Can access the privacy centre"
    assert form.label_of(permission("view_datarequest").pk) is not None
    assert form.label_of(permission("view_acceptance").pk) is not None


def test_a_group_added_with_the_permission_lets_its_members_in(superuser, client, member):
    url = reverse("wagtailusers_groups:add")
    data = read_form(superuser, url).data
    data["name"] = ["Privacy officers"]
    data["permissions"] = [
        str(permission("access_admin").pk),
        str(permission("access_privacy_centre").pk),
        str(permission("view_datarequest").pk),
    ]
    response = superuser.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    group = Group.objects.get(name="Privacy officers")
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "access_admin",
        "access_privacy_centre",
        "view_datarequest",
    }

    member.groups.add(group)
    assert not member.is_superuser
    client.force_login(member)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtail_privacy_centre:dashboard") in home
    assert reverse("wagtail_privacy_requests:index") in home
    assert reverse("wagtail_privacy_proof:search") not in home  # no view_acceptance
    assert client.get(reverse("wagtail_privacy_centre:dashboard")).status_code == 200
    assert client.get(reverse("wagtail_privacy_requests:index")).status_code == 200
    refused = client.get(reverse("wagtail_privacy_proof:search"))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")


def test_editing_a_group_to_tick_the_permission(superuser, client, member):
    group = Group.objects.create(name="Shop clerks")
    group.permissions.add(permission("access_admin"))
    member.groups.add(group)
    dashboard = reverse("wagtail_privacy_centre:dashboard")

    # without it: no Privacy section, and the centre refuses
    client.force_login(member)
    assert dashboard not in client.get(reverse("wagtailadmin_home")).content.decode()
    refused = client.get(dashboard)
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")

    url = reverse("wagtailusers_groups:edit", args=[group.pk])
    form = read_form(superuser, url)
    assert form.data["permissions"] == [str(permission("access_admin").pk)]  # shown ticked
    data = {**form.data}
    data["permissions"] = [*data["permissions"], str(permission("access_privacy_centre").pk)]
    response = superuser.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert group.permissions.filter(codename="access_privacy_centre").exists()

    member = get_user_model().objects.get(pk=member.pk)  # permissions are cached per object
    assert member.has_perm(CENTRE)
    client.force_login(member)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert dashboard in home
    response = client.get(dashboard)
    assert response.status_code == 200 and "Privacy centre" in response.content.decode()
    # the dashboard links only to the screens the member may open
    html = response.content.decode()
    assert reverse("wagtail_privacy_requests:index") not in html
    assert reverse("wagtail_privacy_background:index") in home
