"""accept_cap_apply: hold back unreviewed accept-as-is labels beyond the project's cap (AI Act Art. 15(4)).

An `accepted_as_is` training label is the model's own answer that a person let through without change and nobody
reviewed: training on many of them feeds the model its own output. `Project.max_unreviewed_accept_share` (0 to 1,
None = no cap) bounds their share of a dataset version's training rows. With A such rows and O others, at most
floor(cap * O / (1 - cap)) are kept, so kept / (O + kept) <= cap exactly (rational arithmetic, no float rounding).

Which ones are kept is drawn, not taken by age: each row's rank is sha256("<project id>:<item id>"), so the choice is
reproducible, does not favour old or recent answers (or one label), and the same items stay held back from one
snapshot to the next while nothing changes. A held-back row is left out of training altogether (not replaced by the
item's imported label, which its answer superseded); it trains once the cap admits it (more corrected, reviewed or
imported rows), or once a later answer (a correction, or a review) replaces the accept.
"""
import hashlib
from fractions import Fraction

KIND = "accepted_as_is"


def _rank(project_id: int, item_id: int) -> str:
    return hashlib.sha256(f"{project_id}:{item_id}".encode()).hexdigest()


def accept_cap_allowed(*, cap: float | None, accepts: int, others: int) -> int:
    """How many of `accepts` unreviewed accepts may train beside `others` rows under `cap`."""
    if cap is None:
        return accepts
    share = Fraction(cap).limit_denominator(10**6)
    if share >= 1:
        return accepts
    return min(accepts, int(share * others / (1 - share)))


def accept_cap_apply(*, project, rows: list[tuple]) -> tuple[list[tuple], dict]:
    """`rows` of (item, answer, weight, kind) -> (the rows kept, in their order; the held-back record)."""
    cap = project.max_unreviewed_accept_share
    accepts = [row for row in rows if row[3] == KIND]
    allowed = accept_cap_allowed(cap=cap, accepts=len(accepts), others=len(rows) - len(accepts))
    record = {"cap": cap, "unreviewed_accepts": len(accepts), "rows": len(accepts) - allowed, "reason": ""}
    if allowed == len(accepts):
        return rows, record
    keep = {row[0].pk for row in sorted(accepts, key=lambda row: _rank(project.pk, row[0].pk))[:allowed]}
    record["reason"] = (f"{len(accepts) - allowed} of {len(accepts)} unreviewed accept-as-is labels held back: the "
                        f"project caps their share of training labels at {cap:g} (max_unreviewed_accept_share)")
    return [row for row in rows if row[3] != KIND or row[0].pk in keep], record
