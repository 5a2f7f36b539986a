from django import template

from .. import formats

register = template.Library()


@register.simple_tag
def version_status(state, version):
    """The translated status label (current, upcoming, archived, withdrawn) of ``version``."""
    return state.status(version).label


@register.simple_tag
def previous_version(state, version):
    """The version ``version`` replaced, to link "what changed"."""
    return state.previous_of(version)


@register.filter
def privacy_date(value):
    """A date as ``wagtail_privacy.formats.date`` writes it (the same on every page)."""
    return formats.date(value)


@register.filter
def privacy_datetime(value):
    """A date and time as ``wagtail_privacy.formats.date_time`` writes it."""
    return formats.date_time(value)
