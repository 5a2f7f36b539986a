"""The privacy centre shows the erasures on hold: how many, whose, what blocks them, since when."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.admin.test_centre import officer_group
from tests.rights.test_erasure_blockers import closure_of, owe, shopper, tick
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.verification.service import without_step_up

pytestmark = pytest.mark.django_db
User = get_user_model()
DASHBOARD = "wagtail_privacy_centre:dashboard"


@pytest.fixture
def held():
    """Two customers whose erasure is on hold (a deletion and a deactivation), one erased."""
    deleting, deactivated, gone = shopper("zala"), shopper("dejan", unpaid="U-2"), shopper("gregor")
    for user in (deleting, gone):
        closures.request_deletion(user, proof=without_step_up("test fixture"))
    closures.deactivate(deactivated, proof=without_step_up("test fixture"))
    owe(deleting, "U-1")
    due = closure_of(deactivated).scheduled_for + timedelta(minutes=1)
    assert "erased=1" in tick(at=due) and "on_hold=2" in tick(at=due)
    return deleting, deactivated


def staff(name, *codenames):
    user = User.objects.create_user(name, f"{name}@example.com", "pw")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_the_officer_sees_who_is_held_by_what_since_when(client, held):
    deleting, deactivated = held
    officer = User.objects.create_user("officer", "officer@example.com", "pw")
    officer.groups.add(officer_group())
    client.force_login(officer)
    html = client.get(reverse(DASHBOARD)).content.decode()
    assert "Erasures on hold: 2" in html
    listing = html.split('data-list="held"', 1)[1].split("</table>", 1)[0]
    assert "zala" in listing and "dejan" in listing and "gregor" not in listing
    assert "Order U-1 is unpaid." in listing and "Order U-2 is unpaid." in listing
    assert "Deletion requested" in listing and "Deactivated" in listing
    # Each customer leads to the request of the closure.
    request = closure_of(deleting).request
    assert reverse("wagtail_privacy_requests:detail", args=[request.pk]) in listing

    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "2 account erasures on hold" in home


def test_without_the_requests_the_count_only(client, held):
    # The centre alone: no customer named.
    user = staff("auditor", "access_admin", "access_privacy_centre")
    client.force_login(user)
    html = client.get(reverse(DASHBOARD)).content.decode()
    assert "Erasures on hold: 2" in html
    assert 'data-list="held"' not in html and "zala" not in html


def test_staff_without_the_privacy_permission_are_refused(client, held):
    clerk = staff("clerk", "access_admin")
    clerk.groups.add(Group.objects.get(name="Editors"))  # Wagtail's editors
    client.force_login(clerk)
    # Refused as Wagtail refuses: back to the admin's home, or 403 for XHR.
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    xhr = client.get(reverse(DASHBOARD), headers={"x-requested-with": "XMLHttpRequest"})
    assert xhr.status_code == 403 and b"zala" not in xhr.content
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "on hold" not in home and "zala" not in home
