"""Finding a policy or one of its versions by the names customers use, with clear refusals."""

from django.utils.translation import gettext as _

from ..exceptions import NotFound
from .models import Policy
from .resolution import policy_state


def get_policy(slug):
    policy = Policy.objects.filter(slug=slug).first()
    if policy is None:
        raise NotFound(
            _("There is no policy “%(slug)s”.") % {"slug": str(slug)[:100]},
            code="unknown_policy",
        )
    return policy


def unknown_version(policy, number):
    return NotFound(
        _("Policy “%(slug)s” has no version %(number)s.") % {"slug": policy.slug, "number": number},
        code="unknown_version",
    )


def state_with_version(policy, language, number):
    """The policy's state with version ``number`` loaded, or ``unknown_version``."""
    state = policy_state(policy, language, number=number)
    if state.requested is None:
        raise unknown_version(policy, number)
    return state
