"""Shared pieces of the privacy admin views: one permission mechanism, Wagtail's.

- Every URL of the privacy centre (``/admin/privacy/...``) is served by a
  :class:`PrivacyCentreViewSet`, which guards each of its URL patterns with the centre
  permission (``wagtail_privacy.access_privacy_centre``).
- Every screen declares what it needs the way Wagtail's generic views do: Wagtail's
  ``PermissionCheckedMixin`` (built into its ``IndexView``), with a ``permission_policy`` — a
  :class:`CentrePermissionPolicy` of the screen's model — and ``permission_required`` (an
  action: ``"view"``, ``"add"``, ``"change"``, or :data:`ACCESS` for the centre permission
  alone).
- Each viewset's menu item is shown by the same policy and action as its screen (see
  :meth:`PrivacyCentreViewSet.menu_item_class`), as Wagtail's ``ModelViewSet`` does it.

The guard and the screen's own check do not replace each other.
"""

from functools import wraps

from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.coreutils import resolve_model_string
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry

APP_LABEL = "wagtail_privacy"
CENTRE_CODENAME = "access_privacy_centre"
CENTRE_PERMISSION = f"{APP_LABEL}.{CENTRE_CODENAME}"
#: The action of the centre permission alone (screens with no model permission of their own).
ACCESS = "access"
#: Where the privacy centre's viewsets live under the admin: everything below needs the
#: centre permission (the permission matrix test walks it).
CENTRE_URL_PREFIX = "privacy/"


class CentrePermissionPolicy(BasePermissionPolicy):
    """Who may do what in the privacy centre: a Wagtail permission policy.

    Every action needs the centre permission. :data:`ACCESS` needs nothing more; any other
    action (``"view"``, ``"add"``, ``"change"``...) needs, on top, what Wagtail's permission
    policy of ``model`` says: Django's model permissions by default, or the policy a site
    registered for the model with ``wagtail.permissions.register_permission_policy``.
    ``model`` (a model or ``"app_label.ModelName"``) may be None for screens that have no
    model of their own; every action but :data:`ACCESS` is then refused.
    """

    def __init__(self, model=None):
        super().__init__(model)

    @cached_property
    def model(self):
        return resolve_model_string(self._model_or_name) if self._model_or_name else None

    @property
    def model_policy(self):
        # Looked up when asked, so that a policy registered by the site is the one used.
        return policy_registry.get_by_type(self.model) if self.model else None

    def user_has_permission(self, user, action):
        if not user.has_perm(CENTRE_PERMISSION):
            return False
        if action == ACCESS:
            return True
        return self.model_policy is not None and self.model_policy.user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        centre = Permission.objects.filter(
            content_type__app_label=APP_LABEL, codename=CENTRE_CODENAME
        )
        users = get_user_model()._default_manager.filter(
            (
                Q(is_superuser=True)
                | Q(user_permissions__in=centre)
                | Q(groups__permissions__in=centre)
            )
            & Q(is_active=True)
        )
        if ACCESS not in actions:
            others = [action for action in actions if action != ACCESS]
            if self.model_policy is None or not others:
                return users.none()
            users = users.filter(
                pk__in=self.model_policy.users_with_any_permission(others).values("pk")
            )
        return users.distinct()

    def permissions_for(self, actions):
        """The ``Permission`` rows of ``actions`` on ``model`` (:data:`ACCESS`: the centre's)."""
        wanted = Q(pk__in=[])
        if ACCESS in actions:
            wanted |= Q(content_type__app_label=APP_LABEL, codename=CENTRE_CODENAME)
        others = {action for action in actions if action != ACCESS}
        if others:
            wanted |= Q(
                content_type=ContentType.objects.get_for_model(self.model),
                codename__in={get_permission_codename(a, self.model._meta) for a in others},
            )
        return Permission.objects.filter(wanted)


#: The centre permission alone: the dashboard and the background failures.
centre_policy = CentrePermissionPolicy()


def user_may_open(view_class, user):
    """Whether ``user`` passes the checks of ``view_class`` (Wagtail's
    ``PermissionCheckedMixin``: ``permission_required`` and ``any_permission_required``, by
    its ``permission_policy``), as its ``dispatch`` would. Links and menu items to a screen
    are shown to the users it serves, and to them only."""
    policy = view_class.permission_policy
    if not isinstance(policy, BasePermissionPolicy):
        raise ImproperlyConfigured(
            f"{view_class.__name__} must set permission_policy (a CentrePermissionPolicy)."
        )
    required = view_class.permission_required
    if required is not None and not policy.user_has_permission(user, required):
        return False
    any_required = view_class.any_permission_required
    if any_required is not None and not policy.user_has_any_permission(user, any_required):
        return False
    return True


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


def _guard(view):
    """Wrap a view so that only users with the privacy-centre permission reach it.

    Refusal raises ``PermissionDenied``: inside the Wagtail admin that is its standard
    answer (a redirect to the admin home with "Sorry, you do not have permission to access
    this area.", or 403 for XHR); anonymous users are sent to the login page before this.
    """
    if getattr(view, "privacy_centre_guard", False):
        return view

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not centre_policy.user_has_permission(request.user, ACCESS):
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
            pattern.callback = _guard(pattern.callback)
    return urlpatterns


class PrivacyCentreViewSet(ViewSet):
    """Base of every viewset of the privacy centre.

    Whatever a subclass returns from ``get_urlpatterns`` is guarded by the centre permission:
    the method is wrapped when the subclass is defined, so a new view cannot forget it (and
    nor can a subclass that overrides ``get_urlpatterns`` without calling ``super()``).

    Its menu item (in the *Privacy* section, see ``viewsets.PrivacyViewSetGroup``) opens
    ``index_view_class``, the screen of its first URL pattern, and is shown to the users that
    screen serves (:func:`user_may_open`). ``permission_actions`` are the actions on the
    screens' model that its views check: Settings → Groups offers their permissions.
    """

    #: The screen the menu item opens (the view of the first URL pattern).
    index_view_class = None
    #: Actions on the model of ``index_view_class``'s policy that the screens check.
    permission_actions = ()

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

    @cached_property
    def menu_item_class(self):
        """Wagtail's menu item, shown by the permission policy of the screen it opens."""
        view_class = self.index_view_class
        if view_class is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must set index_view_class.")

        def is_shown(item, request):
            return user_may_open(view_class, request.user)

        return type(f"{type(self).__name__}MenuItem", (MenuItem,), {"is_shown": is_shown})

    def get_permissions_to_register(self):
        """The model permissions its screens check (the centre permission is the group's)."""
        if not self.permission_actions:
            return Permission.objects.none()
        return self.index_view_class.permission_policy.permissions_for(self.permission_actions)
