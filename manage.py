#!/usr/bin/env python
import os
import secrets
import sys

# Commands that only read the code (they serve nothing and sign nothing) run without a SECRET_KEY,
# so that checking migrations or translations on a bare checkout needs no secret. Every other
# command still refuses to start without one when DEBUG is off.
KEYLESS_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if sys.argv[1:2] and sys.argv[1] in KEYLESS_COMMANDS and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
