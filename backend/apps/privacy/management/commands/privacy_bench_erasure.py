"""Measure one subject's erasure among many items and predictions (PostgreSQL, a throwaway database)."""
from django.core.management.base import BaseCommand

from apps.privacy.bench import erasure_bench_json


class Command(BaseCommand):
    help = "Seed a throwaway project at scale and time one subject's erasure (database time, then the cleanup)."

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=100_000)
        parser.add_argument("--predictions-per-item", type=int, default=10)

    def handle(self, *args, items: int, predictions_per_item: int, **options):
        self.stdout.write(erasure_bench_json(items=items, predictions_per_item=predictions_per_item))
