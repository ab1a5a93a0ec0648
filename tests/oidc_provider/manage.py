#!/usr/bin/env python
"""The test suite's OpenID Connect provider (django-oauth-toolkit): `manage.py prepare` then `runserver`.

Not part of the register: tests/oidc_provider/fixtures.py starts it on a free loopback port for the tests."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provider.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
