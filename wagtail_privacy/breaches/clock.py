"""The 72-hour clock of Art. 33(1): from detection to the supervisory authority's notification."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEADLINE = timedelta(hours=72)

TIME_LEFT = "time_left"
OVERDUE = "overdue"
ON_TIME = "on_time"
LATE = "late"

LABELS = {
    TIME_LEFT: _("Time left"),
    OVERDUE: _("Overdue"),
    ON_TIME: _("Notified on time"),
    LATE: _("Notified late"),
}


@dataclass(frozen=True)
class Clock:
    state: str
    deadline: datetime
    # Until the deadline (TIME_LEFT), or past it (OVERDUE, LATE); zero when notified on time.
    delta: timedelta

    @property
    def label(self):
        return LABELS[self.state]

    @property
    def hours(self):
        """Whole hours of ``delta``, rounded down (an hour and a half left: "1")."""
        return int(self.delta.total_seconds() // 3600)


def clock(breach, now=None):
    """Where ``breach`` stands on its 72-hour clock."""
    deadline = breach.detected_at + DEADLINE
    notified = breach.authority_notified_at
    if notified is None:
        now = now or timezone.now()
        if now <= deadline:
            return Clock(TIME_LEFT, deadline, deadline - now)
        return Clock(OVERDUE, deadline, now - deadline)
    if notified <= deadline:
        return Clock(ON_TIME, deadline, timedelta(0))
    return Clock(LATE, deadline, notified - deadline)
