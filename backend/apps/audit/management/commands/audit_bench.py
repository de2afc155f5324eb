"""`manage.py audit_bench`: the audit chain's append rates and a verification of a long chain, on a throwaway
database (the chain is append-only: benchmark events must never land in a real audit log)."""
import json
import os

from django.core.management.base import BaseCommand

from apps.audit.bench import (
    audit_append_rate,
    audit_chain_fill,
    audit_verify_command_measure,
    audit_verify_measure,
    throwaway_database,
)


class Command(BaseCommand):
    help = "Measure audit appends (single and batched) and audit_verify over a long chain, on a throwaway database."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=1_000_000, help="chain length to verify")
        parser.add_argument("--single", type=int, default=2_000, help="events appended one per transaction")
        parser.add_argument("--batched", type=int, default=50_000, help="events appended in batches")
        parser.add_argument("--batch", type=int, nargs="+", default=[10, 100, 1000],
                            help="events per batch (one transaction each); several sizes measure each")
        parser.add_argument("--threads", type=int, default=8, help="threads for the concurrent single appends")
        parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 8),
                            help="range workers for the split verification (audit_verify's default)")
        parser.add_argument("--trace-memory", action="store_true", help="also verify once under tracemalloc")

    def handle(self, *args, **options):
        results: dict = {}
        with throwaway_database() as name:
            results["database"] = name
            results["append_single"] = audit_append_rate(count=options["single"])
            results["append_single_threads"] = audit_append_rate(count=options["single"], threads=options["threads"])
            results["append_batched"] = [audit_append_rate(count=options["batched"], batch=size)
                                         for size in options["batch"]]
            results["fill"] = audit_chain_fill(options["events"])
            results["verify_one_pass"] = audit_verify_measure()
            results["verify_workers"] = audit_verify_measure(workers=options["workers"])
            results["verify_command_one_pass"] = audit_verify_command_measure(workers=1)
            results["verify_command"] = audit_verify_command_measure(workers=options["workers"])
            if options["trace_memory"]:
                results["verify_traced"] = audit_verify_measure(trace_memory=True)
        self.stdout.write(json.dumps(results, indent=2))
