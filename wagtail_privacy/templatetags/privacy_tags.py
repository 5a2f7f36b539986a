from django import template

register = template.Library()


@register.simple_tag
def version_status(state, version):
    """The translated status label (current, upcoming, archived, withdrawn) of ``version``."""
    return state.status(version).label


@register.simple_tag
def previous_version(state, version):
    """The version ``version`` replaced, to link "what changed"."""
    return state.previous_of(version)
