"""``step_up_required``: a host's own sensitive view needs a fresh verification.

The plugin's services check the step-up themselves (they take a ``proof``); this decorator is
for a view of the shop's that changes something sensitive without calling one. It raises
``StepUpRequired`` like the services, and the door renders it (``doors.answers_refusals``):
the API's JSON 403 for a script, the step-up page or ``STEP_UP_URL`` for a browser.
"""

from functools import wraps

from .doors import answers_refusals
from .service import require_step_up


def step_up_required(view):
    """``StepUpRequired`` unless the session verified within ``STEP_UP_MAX_AGE``.

    Works on Django views and Django Ninja operations; put it inside your authentication. A
    request that does not say what it accepts gets JSON, as before.
    """

    @wraps(view)
    @answers_refusals(default_html=False)
    def wrapper(request, *args, **kwargs):
        require_step_up(request)
        return view(request, *args, **kwargs)

    return wrapper
