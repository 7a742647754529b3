#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policytrack.settings")
    # The database's statement timeout is a backstop for web requests; commands (migrations,
    # rebuilds, imports) may run long. Set DJANGO_STATEMENT_TIMEOUT to give them one too.
    os.environ.setdefault("DJANGO_STATEMENT_TIMEOUT", "0")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:  # a missing or bad setting: say which, without a traceback
        sys.exit(f"policytrack is not configured: {error}")


if __name__ == "__main__":
    main()
