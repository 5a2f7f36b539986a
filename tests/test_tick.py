"""privacy_tick: a failing step does not stop the others, and is reported without its message."""

import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wagtail_privacy import tick

PERSONAL = "ana.semrov@example.com"


@pytest.fixture
def failing_step():
    def explode(now, dry_run):
        address = PERSONAL  # as data, the way a real error would carry it
        raise ValueError(f"could not reach {address}")

    tick.tick_step("aaa_explodes")(explode)
    yield
    tick._steps.pop("aaa_explodes")


@pytest.mark.django_db
def test_other_steps_run_and_the_command_fails(failing_step, caplog):
    out = StringIO()
    with caplog.at_level(logging.ERROR, logger="wagtail_privacy.tick"):
        with pytest.raises(CommandError, match="aaa_explodes"):
            call_command("privacy_tick", stdout=out)
    lines = out.getvalue().splitlines()
    assert "aaa_explodes: failed=ValueError" in lines
    # Every other step still ran and reported.
    assert {line.split(":")[0] for line in lines} == set(tick.steps())
    assert "aaa_explodes" in caplog.text and "ValueError" in caplog.text
    assert PERSONAL not in caplog.text  # the message may hold personal data
