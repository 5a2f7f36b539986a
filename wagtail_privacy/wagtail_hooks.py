"""Registration only: the admin screens live in ``wagtail_privacy.admin``."""

from wagtail import hooks

from .admin import versions


@hooks.register("register_admin_viewset")
def register_version_viewset():
    return versions.PolicyVersionViewSet()


hooks.register("register_page_header_buttons", versions.page_header_buttons)


@hooks.register("construct_homepage_panels")
def add_upcoming_changes_panel(request, panels):
    panels.append(versions.UpcomingChangesPanel())
