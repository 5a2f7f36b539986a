"""Registration only: the admin screens live in ``wagtail_privacy.admin``."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin import breaches, consent, cookies, proof, recipients, requests, summary, versions
from .admin.viewsets import PrivacyViewSetGroup


@hooks.register("register_admin_viewset")
def register_version_viewset():
    return versions.PolicyVersionViewSet()


hooks.register("register_page_header_buttons", versions.page_header_buttons)
hooks.register("before_edit_page", versions.warn_before_superseding)
hooks.register("after_publish_page", versions.announce_publication)


@hooks.register("construct_homepage_panels")
def add_upcoming_changes_panel(request, panels):
    panels.append(versions.UpcomingChangesPanel())


@hooks.register("register_admin_viewset")
def register_privacy_centre():
    """The *Privacy* menu section and its viewsets. Built when Wagtail asks (every
    ``wagtail_hooks`` module is imported by then), so that a site's additions to
    ``PrivacyViewSetGroup.items`` are in it."""
    return PrivacyViewSetGroup()


@hooks.register("register_permissions")
def register_privacy_permissions():
    """Settings → Groups offers "Can access the privacy centre" and the model permissions of
    the centre's screens (data requests, acceptances, consent records, cookie choices)."""
    return PrivacyViewSetGroup().get_permissions_to_register()


@hooks.register("register_log_actions")
def register_log_actions(actions):
    requests.register_log_actions(actions)
    versions.register_log_actions(actions)
    breaches.register_log_actions(actions)
    actions.register_action(
        proof.PROOF_EXPORTED, _("Export privacy proof"), _("Privacy proof exported")
    )


register_snippet(consent.ConsentPurposeViewSet)
register_snippet(recipients.RecipientViewSet)
register_snippet(cookies.CookieCategoryViewSet)


@hooks.register("construct_homepage_summary_items")
def add_request_deadlines_summary(request, items):
    items.append(summary.RequestDeadlinesSummaryItem(request))
