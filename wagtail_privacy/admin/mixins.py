"""Shared pieces of the privacy admin views."""

from django.core.exceptions import PermissionDenied


class PermissionRequiredMixin:
    """Refuse the view unless the user has ``permission`` (subclasses must set it)."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
