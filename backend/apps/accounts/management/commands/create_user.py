"""`manage.py create_user USERNAME --role ROLE...`: a user with roles (audited), the password read from stdin.

For installations without the demo (the native stack, `scripts/stack.sh`) and for scripts: the password never
appears on a command line or in the environment of other processes. `--if-missing` makes it idempotent.
"""
import sys

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.roles import ALL_ROLES
from apps.accounts.services import user_create
from apps.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Create a user with roles; the password is read from the first line of standard input."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", action="append", default=[], choices=sorted(ALL_ROLES), dest="roles")
        parser.add_argument("--superuser", action="store_true", help="also a Django superuser (Django admin)")
        parser.add_argument("--if-missing", action="store_true", help="do nothing when the user exists")

    def handle(self, *args, username, roles, superuser, if_missing, **options):
        if if_missing and User.objects.filter(username=username).exists():
            self.stdout.write(f"{username}: exists")
            return
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise CommandError("Give the password on standard input (one line).")
        try:
            user_create(username=username, password=password, roles=roles, actor=None, is_superuser=superuser)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{username}: created ({', '.join(roles) or 'no roles'})")
