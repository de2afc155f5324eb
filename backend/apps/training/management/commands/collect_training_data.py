"""`manage.py collect_training_data --project SLUG --out data/raw`: the DVC pipeline's first stage."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.projects.models import Project
from apps.training.collection import collect_training_data


class Command(BaseCommand):
    help = "Snapshot a project's training data (labels after review, weights, images, champion) into a folder."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True)
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args, project, out, **options):
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"No project {project!r}.")
        manifest = collect_training_data(project=target, out_dir=out)
        counts = manifest["counts"]
        self.stdout.write(f"{project}: {counts['total']} training examples ({counts['from_feedback']} from feedback), "
                          f"{manifest['holdout_size']} holdout, content {manifest['content_hash'][:12]} -> {out}")
