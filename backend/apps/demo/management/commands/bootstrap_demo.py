"""`manage.py bootstrap_demo`: role users, the demo projects with synthetic data, their first models and scored
review queues. Idempotent."""
from django.conf import settings
from django.core.management.base import BaseCommand

from apps.demo.services import demo_setup
from apps.training.progress import progress_line


class Command(BaseCommand):
    help = "Create the demo users, the demo text-classification project and train its first model (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-train", action="store_true")
        parser.add_argument("--no-detection", action="store_true", help="skip the image (YOLO) demo project")

    def handle(self, *args, no_train=False, no_detection=False, **options):
        report = demo_setup(train=not no_train, detection=not no_detection,
                            echo=lambda p: self.stdout.write(progress_line(p)))
        credentials = settings.VAR_DIR / "secrets" / "demo-credentials.txt"
        for username, password in report.created_users.items():
            self.stdout.write(f"created user {username!r} with password: {password}")
            credentials.parent.mkdir(parents=True, exist_ok=True)
            with credentials.open("a") as handle:
                handle.write(f"{username} {password}\n")
            credentials.chmod(0o600)
        if credentials.exists():
            self.stdout.write(f"generated passwords are kept (owner-only) in {credentials}")
        for slug in report.created_projects:
            self.stdout.write(f"created the demo project {slug!r} (synthetic data)")
        for slug, number in report.trained.items():
            self.stdout.write(f"trained and promoted model version {number} of {slug!r}")
        for slug, count in report.scored.items():
            self.stdout.write(f"scored {count} pool items of {slug!r} for the review queue")
        if not (report.created_users or report.created_projects or report.trained or report.scored):
            self.stdout.write("demo already set up")
