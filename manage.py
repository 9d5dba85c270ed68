#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    from core.rls import row_security_operator_process

    # Explicitly: migrations and operators' commands see every row; runserver and run_huey serve one person.
    row_security_operator_process(sys.argv)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
