"""One office time zone: ATIENDE_TIMEZONE moves the dates people read and the business hours together."""
from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
from datetime import date
from app import clock
from app.config import Config
from app.businesstime import calendar
opens, _ = calendar.window_bounds(date(2026, 12, 7), "09:00-18:00")
print(Config.BABEL_DEFAULT_TIMEZONE, clock.OFFICE_TZ.key, opens.utcoffset().total_seconds() / 3600)
"""


def test_the_configured_zone_is_the_business_hours_zone_too():
    env = {**os.environ, "ATIENDE_TIMEZONE": "America/Cancun"}  # UTC-5 all year, Mexico City is UTC-6
    shown = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["America/Cancun", "America/Cancun", "-5.0"]
