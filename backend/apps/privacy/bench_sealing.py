"""What crypto-shredding costs (apps.privacy.sealing): `make bench`'s sealing row.

The same number of texts imported through items_import twice over, alternately with a subject_ref (sealed under
`subjects` subjects' keys, made by the import) and without (plain), then read back in full with the process's key
cache emptied first (as a fresh worker would). Best of `rounds` for each side, so a noisy machine hurts both alike.
The projects' rows are deleted afterwards.
"""
import time
import uuid

from django.contrib.auth import get_user_model


def sealing_bench(*, texts: int = 10_000, subjects: int = 2_000, rounds: int = 2) -> dict:
    from apps.items.models import Item
    from apps.items.services import items_import
    from apps.projects.services import project_create

    from .bench import bench_project_drop
    from .sealing import keyring

    actor = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    timings: dict[str, list[tuple[float, float]]] = {"sealed": [], "plain": []}
    for _round in range(rounds):
        for kind in ("sealed", "plain"):
            slug = f"bench-sealing-{uuid.uuid4().hex[:6]}"
            project = project_create(slug=slug, name=slug, task="text_classification", labels=["a", "b"],
                                     creator=actor)
            rows = [{"text": f"{kind} text {n} of {slug}",
                     **({"subject_ref": f"bench-subject-{n % subjects}"} if kind == "sealed" else {})}
                    for n in range(texts)]
            try:
                keyring.clear()
                started = time.perf_counter()
                items_import(project=project, rows=rows, actor=actor, source="bench")
                imported = time.perf_counter() - started
                keyring.clear()
                started = time.perf_counter()
                chars = sum(map(len, Item.objects.filter(project=project).values_list("text", flat=True)))
                read = time.perf_counter() - started
                assert chars == sum(len(r["text"]) for r in rows), "a sealed text did not read back"
                timings[kind].append((imported, read))
            finally:
                bench_project_drop(project)
                if kind == "sealed":
                    from .hashing import subject_hash
                    from .models import SubjectKey

                    SubjectKey.objects.filter(subject_hash__in=[subject_hash(f"bench-subject-{n}")
                                                                for n in range(subjects)]).delete()
    best = {kind: (min(t[0] for t in runs), min(t[1] for t in runs)) for kind, runs in timings.items()}
    return {"texts": texts, "subjects": subjects, "rounds": rounds,
            "import_sealed_s": round(best["sealed"][0], 3), "import_plain_s": round(best["plain"][0], 3),
            "read_sealed_s": round(best["sealed"][1], 3), "read_plain_s": round(best["plain"][1], 3)}
