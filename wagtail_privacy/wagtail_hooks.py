"""Registration only: the admin screens live in ``wagtail_privacy.admin``."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin import background, centre, consent, proof, requests, versions


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
def register_proof_viewset():
    return proof.ProofViewSet()


@hooks.register("register_privacy_menu_item")
def register_proof_menu_item():
    return proof.menu_item()


@hooks.register("register_admin_viewset")
def register_request_viewset():
    return requests.RequestViewSet()


@hooks.register("register_admin_viewset")
def register_centre_viewset():
    return centre.CentreViewSet()


@hooks.register("register_admin_menu_item")
def register_privacy_section():
    return centre.section()


@hooks.register("register_privacy_menu_item")
def register_dashboard_item():
    return centre.dashboard_item()


@hooks.register("register_privacy_menu_item")
def register_requests_menu_item():
    return requests.menu_item()


@hooks.register("register_log_actions")
def register_log_actions(actions):
    requests.register_log_actions(actions)
    versions.register_log_actions(actions)
    actions.register_action(
        proof.PROOF_EXPORTED, _("Export privacy proof"), _("Privacy proof exported")
    )


register_snippet(consent.ConsentPurposeViewSet)


@hooks.register("register_admin_viewset")
def register_consent_viewset():
    return consent.ConsentOverviewViewSet()


@hooks.register("register_privacy_menu_item")
def register_consent_menu_item():
    return consent.menu_item()


@hooks.register("register_admin_viewset")
def register_background_viewset():
    return background.BackgroundViewSet()


@hooks.register("register_privacy_menu_item")
def register_background_menu_item():
    return background.menu_item()
