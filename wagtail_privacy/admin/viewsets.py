"""The *Privacy* section of the admin menu: a Wagtail ``ViewSetGroup`` of the centre's viewsets.

Each viewset brings its own menu item (``menu_label``, ``menu_icon``, ``menu_order``), shown
to the users its screen serves. A site adds a screen of its own to the section by adding a
:class:`~wagtail_privacy.admin.mixins.PrivacyCentreViewSet` to ``PrivacyViewSetGroup.items``
in its ``wagtail_hooks.py`` (see the README, "The privacy centre (admin)")::

    PrivacyViewSetGroup.items = (*PrivacyViewSetGroup.items, ReportsViewSet)
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup

from .background import BackgroundViewSet
from .breaches import BreachViewSet
from .centre import CentreViewSet
from .consent import ConsentOverviewViewSet
from .cookies import CookieChoiceViewSet
from .mixins import ACCESS, PrivacyCentreViewSet, centre_policy
from .proof import ProofViewSet
from .recipients import RecipientNoticeViewSet
from .requests import RequestViewSet
from .retention_runs import RetentionRunViewSet


class PrivacyViewSetGroup(ViewSetGroup):
    """The *Privacy* menu section and the viewsets behind it.

    Only a :class:`PrivacyCentreViewSet` may join: its URLs need the centre permission and
    its menu item is shown to the users its screen serves, so the section is shown to those
    who can open one of its screens, and to them only.
    """

    menu_label = _("Privacy")
    menu_icon = "lock"
    menu_name = "privacy"
    menu_order = 650
    add_to_admin_menu = True
    items = (
        CentreViewSet,
        RequestViewSet,
        ProofViewSet,
        ConsentOverviewViewSet,
        CookieChoiceViewSet,
        BackgroundViewSet,
        RetentionRunViewSet,
        BreachViewSet,
        RecipientNoticeViewSet,
    )

    def __init__(self):
        super().__init__()
        for viewset in self.registerables:
            if not isinstance(viewset, PrivacyCentreViewSet):
                raise ImproperlyConfigured(
                    f"{type(viewset).__name__} is in the Privacy menu section but is not a "
                    "PrivacyCentreViewSet: its URLs would not need the privacy-centre permission."
                )

    def get_permissions_to_register(self):
        """The centre permission and the model permissions its screens check: what
        Settings → Groups offers (the ``register_permissions`` hook)."""
        wanted = Q(pk__in=centre_policy.permissions_for([ACCESS]).values("pk"))
        for viewset in self.registerables:
            wanted |= Q(pk__in=viewset.get_permissions_to_register().values("pk"))
        return Permission.objects.filter(wanted)
