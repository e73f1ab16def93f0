#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # The developer's commands (make run, migrate, makemessages, seed_demo) default to the development
    # settings. A server does not come through here: wsgi.py and asgi.py default to production, and a
    # deployment's manage.py commands (db_worker, run_scheduler, migrate) run in the same environment as
    # its server, DJANGO_SETTINGS_MODULE included. seed_demo refuses a DEBUG-off site on its own.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
