"""privacy_tick steps of data rights."""

from ..tick import tick_step
from . import export


@tick_step("exports")
def expire_exports(now, dry_run):
    """Delete export files past their expiry date."""
    count = export.expire(now, dry_run)
    return {"exports_to_expire": count} if dry_run else {"expired": count}
