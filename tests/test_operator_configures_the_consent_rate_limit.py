"""The consent rate limit is set from the environment as .env.example says."""

import subprocess
import sys

from django.conf import settings


def test_the_rate_limit_setting_means_what_the_documentation_says():
    """.env.example: unset or empty is the default of 60/m; "off" turns the limit off."""
    def configured(value):
        script = "from django.conf import settings; print(repr(settings.CONSENT_RATE_LIMIT))"
        env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x", "DEBUG": "true",
               "DJANGO_SETTINGS_MODULE": "reportsite.settings", "CONSENT_RATE_LIMIT": value}
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); " + script],
            env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
        )
        return result.stdout.strip()

    assert configured("") == "None"  # consent.conf's default, 60/m
    assert configured("off") == "''"
    assert configured("300/5m") == "'300/5m'"
