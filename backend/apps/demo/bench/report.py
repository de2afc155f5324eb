"""The table of `make bench`, var/bench/results.json and the latest table in docs/performance.md."""
import datetime
import os
import platform
import re
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"host": platform.node(), "cpu": cpu, "cores": cores, "python": platform.python_version()}


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def database() -> str:
    """The database's kind, host and name (never a password)."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite ({Path(db['NAME']).name})"
    return f"{connection.vendor} {db.get('HOST') or 'local'}:{db.get('PORT') or ''}/{db['NAME']}"


def _f(value, unit: str = "", digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{unit}"


def _ratio(value, goal: float | None) -> tuple[str, str]:
    if value is None:
        return "—", "—"
    return f"{value:.2f}×", ("yes" if value >= goal else "no") if goal is not None else ""


def _text_rows(single: list[dict], batched: dict | None, *, family: str = "") -> list[list[str]]:
    """The predict rows of one text model: one text per request per connection count, then batched requests."""
    out, tag = [], f" ({family})" if family else ""
    for step in single:
        c, p, r = step["connections"], step["platform"], step["reference"]
        ratio, met = _ratio(step["ratio"], 1.0 if c >= 8 else None)
        goal = "≥ 1.0×" if c >= 8 else ""
        if c == 8:
            goal += ", p99 ≤ 25 ms"
            met = "yes" if met == "yes" and (p["p99_ms"] or 1e9) <= 25 else "no"
        out.append([f"predict 1 text/request{tag}, {c} conn (req/s; p50/p95/p99 ms)",
                    f"{_f(p['rps'])} ({_f(p['p50_ms'], '', 1)}/{_f(p['p95_ms'], '', 1)}/{_f(p['p99_ms'], '', 1)}"
                    f"; {p['errors']} err; {p['stored']:,} of {p.get('answered', p['ok']):,} answers stored)",
                    f"{_f(r['rps'])} ({_f(r['p50_ms'], '', 1)}/{_f(r['p95_ms'], '', 1)}/{_f(r['p99_ms'], '', 1)}"
                    f"; {r['errors']} err)", ratio, goal, met])
    if b := batched:
        for kind in ("new", "known"):
            ratio, met = _ratio(b[f"ratio_{kind}"], 0.5)
            out.append([f"predict {b['size']:,} texts/request{tag}, {kind} texts (texts/s)",
                        _f(b["texts_per_s"][kind]), f"{_f(b['texts_per_s']['in_process'])} in-process", ratio,
                        "≥ 0.5×", met])
    return out


def rows(results: dict) -> list[list[str]]:
    """[target, platform, reference, ratio, goal, met] per measured target."""
    out = _text_rows(results.get("single_text", []), results.get("batched"))
    if fb := results.get("feedback"):
        met = "yes" if fb["rps"] >= 1000 and fb["lost"] == 0 else "no"
        out.append([f"feedback, {fb['connections']} conn (answers/s)",
                    f"{_f(fb['rps'])} ({fb['ok']:,} answered, {fb['stored']:,} stored, {fb['errors']} err)",
                    "", "", "≥ 1,000/s, none lost", met])
    if (a := results.get("audit_append")) and "single" in a:
        single, batch = a["single"], a["batch"]
        out.append([f"audit append, 1 event/transaction (events/s, {single['events']:,} events)",
                    _f(single["events_per_s"]), "", "", "", ""])
        out.append([f"audit append, {batch['batch']} events/transaction from {batch['threads']} threads, as group "
                    f"commit appends (events/s, {batch['events']:,} events)", _f(batch["events_per_s"]), "", "",
                    "≥ 5,000/s", "yes" if batch["events_per_s"] >= 5000 else "no"])
    if v := results.get("audit_verify"):
        out += _verify_rows(v)
    out += _privacy_rows(results.get("privacy"))
    if d := results.get("detection"):
        for kind, label in (("single", "1 image/request"), ("batched", f"{d['batch']} images/request")):
            ratio, met = _ratio(d[f"ratio_{kind}"], 0.9)
            out.append([f"detection {label}, {d['image_size']} (images/s)", _f(d["images_per_s"][f"api_{kind}"], "", 1),
                        f"{_f(d['images_per_s'][f'in_process_{kind}'], '', 1)} in-process", ratio, "≥ 0.9×", met])
    if e := results.get("embedding"):
        out += _text_rows(e["single_text"], e["batched"], family=e.get("text_model") or "embedding_lr")
        if e.get("peak_rss_mb_after"):
            out.append(["peak RSS of an API worker after the embedding rows, its encoder loaded too (MB)",
                        _f(e["peak_rss_mb_after"], " MB"), "", "", "reported", ""])
    if m := results.get("memory"):
        loaded = " + ".join(m.get("models_loaded") or ["no"])
        out.append([f"peak RSS of an API worker, {loaded} model(s) loaded (MB)", _f(m["peak_rss_mb"], " MB"),
                    f"{_f(m.get('reference_peak_rss_mb'), ' MB')} reference worker", "", "reported", ""])
    if pl := results.get("pipeline"):
        if kf := pl.get("kfold_wall_s"):
            out.append([f"k-fold wall time, k={pl.get('k')} (1 / 2 workers)",
                        " / ".join(f"{v} s" for v in kf.values()), "", "", "from bench_pipeline", ""])
        out += _retrain_rows(pl)
    if "chain_ok_after" in results:
        out.append(["audit chain verifies after the run", "yes" if results["chain_ok_after"] else "NO", "", "",
                    "yes", "yes" if results["chain_ok_after"] else "no"])
    return out


def _privacy_rows(pv: dict | None) -> list[list[str]]:
    """Issue 10's scale: one subject's erasure under 1 s of database time at 100,000 items and 1,000,000
    predictions; the log and content purges in bounded batches (rates reported)."""
    if not pv:
        return []
    e, logs, content = pv["erasure"], pv["log_purge"], pv["retention_purge"]
    met = "yes" if e["erasure_db_seconds"] < 1 else "no"
    if pv["items"] < 100_000 or pv["predictions"] < 1_000_000:
        met += f" (over {pv['items']:,} / {pv['predictions']:,} only)"
    return [
        [f"erasure of 1 subject among {pv['items']:,} items, {pv['predictions']:,} predictions (database s)",
         f"{e['erasure_db_seconds']:.3f} s ({e['erasure_statements']} statements; "
         f"{e['erasure_wall_seconds_with_cleanup']:.3f} s with the deletions)", "", "",
         "< 1 s at 100,000 / 1,000,000", met],
        [f"log purge past retention, batches of {logs['batch']:,} (predictions/s)",
         f"{_f(logs['per_s'])} ({logs['deleted']:,} in {_batches(logs['batches'])}, {logs['seconds']} s; "
         f"{logs['kept_answered']:,} answered kept)", "", "", "bounded batches, reported", ""],
        [f"retention purge of item content, batches of {content['batch']:,} (items/s)",
         f"{_f(content['per_s'])} ({content['items']:,} in {_batches(content['batches'])}, "
         f"{content['mean_batch_seconds']} s each)", "", "", "bounded batches, reported", ""],
        *_sealing_rows(pv.get("sealing")),
    ]


def _sealing_rows(sl: dict | None) -> list[list[str]]:
    """Crypto-shredding's cost: the same texts imported and read back sealed (with subjects) and plain."""
    if not sl:
        return []
    ratio = sl["import_sealed_s"] / sl["import_plain_s"] if sl["import_plain_s"] else None
    return [[f"import of {sl['texts']:,} texts of {sl['subjects']:,} subjects, sealed (s; read back cold)",
             f"{sl['import_sealed_s']} s; {sl['read_sealed_s']} s", f"plain {sl['import_plain_s']} s; "
             f"{sl['read_plain_s']} s", f"{ratio:.2f}×" if ratio else "", "reported", ""]]


def _batches(count: int) -> str:
    return f"{count:,} batch" + ("" if count == 1 else "es")


def _retrain_rows(pl: dict) -> list[list[str]]:
    """Answer → registered candidate beside the bare fit × (K + 1): ≤ 1.5× at the big size, < 5 s over at the small."""
    retrain = pl.get("retrain") or {}
    if not retrain:  # results of a bench_pipeline without the bare fit time
        return [[f"answer → registered candidate, {pl.get('texts', 0):,} texts", f"{pl.get('feedback_to_candidate_s')} s",
                 "", "", "≤ 1.5× fit × (K+1)", "not judged (no bare fit time)"]]
    out = []
    for texts, r in sorted(retrain.items(), key=lambda kv: -int(kv[0])):
        big = int(texts) == pl.get("texts")
        spread = [s["trigger_to_candidate_s"] for s in r.get("samples", [])]
        runs = f" (median of {len(spread)}: {min(spread)}–{max(spread)} s)" if len(spread) > 1 else ""
        budget = f"fit {r['bare_fit_s']} s × (K+1={r['k'] + 1})" if r.get("k") is not None else "—"
        if big:
            goal, met = "≤ 1.5× fit × (K+1)", _met(r.get("ratio"), lambda v: v <= 1.5)
        else:
            goal, met = "overhead < 5 s", _met(r.get("overhead_s"), lambda v: v < 5)
        out.append([f"answer → registered candidate, {int(texts):,} texts (s)", f"{r['trigger_to_candidate_s']} s{runs}",
                    budget, f"{r['ratio']}×, +{r['overhead_s']} s", goal, met])
    return out


def _met(value, test) -> str:
    return "—" if value is None else ("yes" if test(value) else "no")


def table(results: dict) -> str:
    head = ["target", "platform", "reference", "ratio", "goal", "met"]
    body = rows(results)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in body]
    return "\n".join(lines)


def header(results: dict) -> str:
    m = results["machine"]
    return (f"Run {results['date']} on {m['cpu']} ({m['cores']} cores), commit {results['commit']}, "
            f"database {results['database']}; `{results['command']}`"
            + (" (BENCH_QUICK: short durations, not a measurement)" if results.get("quick") else "") + "."
            + (f" Load generator against a trivial endpoint (GET /ping, 8 connections): {lg['rps']:,.0f} req/s, "
               f"{lg['loadgen_cpu_ms_per_request']} ms of its own CPU per request ({lg['loadgen_cores']:.2f} cores)."
               if (lg := results.get("loadgen")) else ""))


def stamp(results: dict, command: str) -> dict:
    return {"machine": machine(), "commit": commit(),
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "database": database(), "command": command, **results}


def update_docs(path: Path, results: dict) -> None:
    """Replace the table between the bench markers of `path` (the rest of the page is hand-written)."""
    text = path.read_text() if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    block = f"{BEGIN}\n{header(results)}\n\n{table(results)}\n{END}"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text += "\n" + block + "\n"
    path.write_text(text)


def _verify_rows(v: dict) -> list[list[str]]:
    """audit_verify as the command runs it (split over the cores) against the goal; one pass for information.
    Results from before the split was measured have only the one pass, which then carries the goal."""
    state = "ok" if v["ok"] else "BROKEN"
    one_pass = [f"audit_verify over {v['events']:,} events, one pass in one process (s)",
                f"{v['seconds']:.2f} s ({state}; +{v['peak_rss_growth_mb']} MB peak)", "", "", "", ""]
    seconds, label = v["seconds"], one_pass
    if "split_seconds" in v:
        seconds = v["split_seconds"]
        label = [f"audit_verify over {v['events']:,} events, as `manage.py audit_verify` runs (s)",
                 f"{seconds:.2f} s ({state}; {v['workers']} processes, streamed)", "", "", "", ""]
    met = "yes" if v["ok"] and v["events"] >= 1_000_000 and seconds < 10 else "no"
    if v["events"] < 1_000_000:
        met += f" (over {v['events']:,} only)"
    label[4:] = ["< 10 s over 1,000,000", met]
    return [label, one_pass] if label is not one_pass else [label]
