"""`manage.py grant_role USER ROLE...`: set an existing user's roles (audited); no roles removes them all."""
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.services import user_roles_set
from apps.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Set the roles of a user (annotator, reviewer, ml_engineer, auditor, admin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("roles", nargs="*")

    def handle(self, *args, username, roles, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            after = user_roles_set(user=user, roles=roles, actor=None)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{username}: {', '.join(after) or '(no roles)'}")
