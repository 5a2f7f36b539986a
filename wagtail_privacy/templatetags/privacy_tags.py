from django import template

register = template.Library()


@register.simple_tag
def version_status(state, version):
    """The translated status label (current, upcoming, archived, withdrawn) of ``version``."""
    return state.status(version).label
