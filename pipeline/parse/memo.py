"""The recognizer's caches: answers that depend only on their question, kept within bounds.

Reports print the same labels, words, cells and rows over and over, so the recognizer keeps
what it computed from them (a word's split, a cell's value, the rows a label line names).
Every such cache is bounded the same way: when it is full it is emptied and refilled from
what is asked next, which costs nothing per lookup (unlike an LRU's bookkeeping) and keeps a
long run's memory flat.

Some questions are about an object that cannot serve as a key (a table's ``Spec`` holds
dicts; a label set is a tuple of many labels, dear to hash): ``ByOwner`` keys them by the
object's identity and keeps the object in the entry, so that identity cannot pass to another
object while the entry lives.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any


class Bounded(dict):
    """A dict of answers emptied when it reaches ``limit`` entries. Lookups are the dict's
    own (``get``, ``in``, ``[]``); answers go in through ``keep``."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: Hashable, value: Any) -> Any:
        """Store an answer and return it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


class ByOwner:
    """Answers about an object (``owner``) and a hashable question, keyed by the owner's
    identity. ``get`` returns None for a question not answered yet, so None is not stored."""

    def __init__(self, limit: int) -> None:
        self._answers = Bounded(limit)

    def get(self, owner: object, question: Hashable) -> Any:
        hit = self._answers.get((id(owner), question))
        return hit[1] if hit is not None and hit[0] is owner else None

    def keep(self, owner: object, question: Hashable, answer: Any) -> Any:
        """Store an answer (not None) and return it."""
        self._answers.keep((id(owner), question), (owner, answer))
        return answer
