"""Shared pieces of the privacy admin views.

Every URL of the privacy centre (``/admin/privacy/...``) is served by a
:class:`PrivacyCentreViewSet`, which guards each of its URL patterns with the centre
permission. Views add the model permission of their own screen on top
(:class:`PermissionRequiredMixin` or a check of their own); neither replaces the other.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet

CENTRE_PERMISSION = "wagtail_privacy.access_privacy_centre"
#: Where the privacy centre's viewsets live under the admin: everything below needs the
#: centre permission (the permission matrix test walks it).
CENTRE_URL_PREFIX = "privacy/"


class PermissionRequiredMixin:
    """Refuse the view unless the user has ``permission`` (subclasses must set it)."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CentreHeaderMixin:
    """The header of a privacy-centre screen: Home › Privacy centre › … › this screen.

    Wagtail's slim header shows the breadcrumbs, the last one with the screen's icon, as the
    screen's title. ``parent_breadcrumbs`` lists the screens between the dashboard and this
    one (``{"url": ..., "label": ...}``).
    """

    parent_breadcrumbs = ()

    def get_parent_breadcrumbs(self):
        return list(self.parent_breadcrumbs)

    def get_breadcrumbs_items(self):
        dashboard = reverse("wagtail_privacy_centre:dashboard")
        items = list(self.breadcrumbs_items)
        if self.request.path != dashboard:
            items.append({"url": dashboard, "label": _("Privacy centre")})
        items += self.get_parent_breadcrumbs()
        items.append({"url": "", "label": self.get_page_title()})
        return items


def require_centre_permission(view):
    """Wrap a view so that only users with the privacy-centre permission reach it.

    Refusal raises ``PermissionDenied``: inside the Wagtail admin that is its standard
    answer (a redirect to the admin home with "Sorry, you do not have permission to access
    this area.", or 403 for XHR); anonymous users are sent to the login page before this.
    """
    if getattr(view, "privacy_centre_guard", False):
        return view

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.has_perm(CENTRE_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    guarded.privacy_centre_guard = True
    return guarded


def guard_urlpatterns(urlpatterns):
    """Put every view of ``urlpatterns`` (included resolvers too) behind the centre permission."""
    for pattern in urlpatterns:
        if hasattr(pattern, "url_patterns"):
            guard_urlpatterns(pattern.url_patterns)
        if getattr(pattern, "callback", None):
            pattern.callback = require_centre_permission(pattern.callback)
    return urlpatterns


class PrivacyCentreViewSet(ViewSet):
    """Base of every viewset of the privacy centre.

    Whatever a subclass returns from ``get_urlpatterns`` is guarded by the centre permission:
    the method is wrapped when the subclass is defined, so a new view cannot forget it (and
    nor can a subclass that overrides ``get_urlpatterns`` without calling ``super()``).
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Whichever ``get_urlpatterns`` the subclass ends up with (its own, or a mixed-in
        # ModelViewSet's placed before this class), its patterns come out guarded.
        current = cls.get_urlpatterns
        if not getattr(current, "privacy_centre_guard", False):

            @wraps(current)
            def get_urlpatterns(self):
                return guard_urlpatterns(current(self))

            get_urlpatterns.privacy_centre_guard = True
            cls.get_urlpatterns = get_urlpatterns

    def get_urlpatterns(self):
        return guard_urlpatterns(super().get_urlpatterns())

    get_urlpatterns.privacy_centre_guard = True
