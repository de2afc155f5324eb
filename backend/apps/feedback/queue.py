"""annotator_queue: a person's review queue with the project's gold items mixed in unseen (AI Act Art. 14(4)(b)).

The queue is review_queue (which holds no gold item) with gold slots placed among its positions: position p is split
into blocks of 1/gold_rate positions (block b starts at floor(b / rate)), and each block holds one gold slot at a
position drawn from HMAC(SECRET_KEY, project:user:block). So a share `gold_rate` of the queue is gold, exactly and
deterministically (tests compute the same positions with gold_slot_positions), without a pattern an annotator could
learn or compute (the key is the server's). A slot takes the caller's next gold item: not yet answered by them, not
marked by them, in an order also drawn per user. Slots after the last ordinary entry, or with no gold item left, are
not shown. Gold entries are the same rows (Prediction with the same annotations) as ordinary ones: the response
cannot tell them apart.

Counting and paging are arithmetic on block numbers, so a page costs the ordinary queue's page plus one query for the
caller's unanswered gold items.
"""
import hashlib
import hmac
from fractions import Fraction

from django.conf import settings
from django.db.models import Exists, OuterRef

from apps.items.selectors import in_processing

from .models import Feedback, GoldItem
from .selectors import queue_annotated, review_queue


def _draw(*parts) -> int:
    message = ":".join(str(p) for p in parts).encode()
    return int.from_bytes(hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()[:8], "big")


class GoldSlots:
    """Where the gold slots of one person's queue are. `rate` in [0, 0.5]."""

    def __init__(self, *, project_id: int, user_id: int, rate: float):
        fraction = Fraction(rate).limit_denominator(1000)
        self.num, self.den = fraction.numerator, fraction.denominator
        self.key = (project_id, user_id)

    def _start(self, block: int) -> int:
        return block * self.den // self.num

    def _slot(self, block: int) -> int:
        start = self._start(block)
        return start + _draw("gold", *self.key, block) % (self._start(block + 1) - start)

    def before(self, position: int) -> int:
        """Gold slots at positions < `position`."""
        if not self.num or position <= 0:
            return 0
        block = ((position + 1) * self.num - 1) // self.den  # the block that holds `position`
        return block + (1 if self._slot(block) < position else 0)

    def is_slot(self, position: int) -> bool:
        return self.before(position + 1) > self.before(position)


def gold_slot_positions(*, project, user, upto: int) -> list[int]:
    """The gold slots among the first `upto` positions of `user`'s queue (for tests and the docs' examples)."""
    slots = GoldSlots(project_id=project.pk, user_id=user.pk, rate=project.gold_rate)
    return [p for p in range(upto) if slots.is_slot(p)]


class MixedQueue:
    """A sequence (len, slicing) that paginated_response pages like a queryset."""

    def __init__(self, *, ordinary, gold_predictions: list, slots: GoldSlots):
        self.ordinary, self.gold, self.slots = ordinary, gold_predictions, slots
        self._length: int | None = None

    def _gold_before(self, position: int) -> int:
        return min(self.slots.before(position), len(self.gold))

    def _ordinary_before(self, position: int) -> int:
        return position - self._gold_before(position)

    def __len__(self) -> int:
        if self._length is None:
            n = self.ordinary.count()
            low, high = n, n + len(self.gold)  # the length: the least L with n ordinary entries before L
            while low < high:
                mid = (low + high) // 2
                low, high = (low, mid) if self._ordinary_before(mid) >= n else (mid + 1, high)
            self._length = low if n else 0
        return self._length

    def __getitem__(self, window: slice) -> list:
        start, stop, _ = window.indices(len(self))
        if start >= stop:
            return []
        first = self._ordinary_before(start)
        ordinary = list(self.ordinary[first: self._ordinary_before(stop)])
        out, taken = [], 0
        for position in range(start, stop):
            gold_index = self.slots.before(position)
            if self.slots.is_slot(position) and gold_index < len(self.gold):
                out.append(self.gold[gold_index])
            else:
                out.append(ordinary[taken])
                taken += 1
        return out


def annotator_queue(*, project, user, reopen_contested: bool = False) -> MixedQueue:
    """`user`'s queue: review_queue with the gold items `user` has not answered mixed in at `project.gold_rate`."""
    ordinary = review_queue(project=project, reopen_contested=reopen_contested)
    answered = Feedback.objects.filter(item=OuterRef("item"), annotator=user)
    gold = (queue_annotated(project=project)
            .filter(Exists(GoldItem.objects.filter(item=OuterRef("item")).exclude(marked_by=user)),
                    in_processing("latest_for__"), latest_for__split="pool")  # whoever marked one knows it
            .filter(~Exists(answered)))
    if reopen_contested:  # contested gold items are in a reviewer's ordinary queue already (review_queue)
        gold = gold.filter(contested=False)
    gold = sorted(gold, key=lambda p: _draw("order", project.pk, user.pk, p.item_id))
    return MixedQueue(ordinary=ordinary, gold_predictions=gold,
                      slots=GoldSlots(project_id=project.pk, user_id=user.pk, rate=project.gold_rate))
