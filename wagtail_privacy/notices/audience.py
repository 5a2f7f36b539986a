"""Who is told about a change: the shop's ``Host.notice_audience``."""

from ..hosts import host


def audience(version):
    return host().notice_audience(version)
