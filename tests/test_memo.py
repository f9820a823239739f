"""The recognizer's caches stay within their bounds and answer only for the object asked about."""

from __future__ import annotations

from pipeline.parse.memo import Bounded, ByOwner


def test_bounded_empties_itself_when_full():
    cache = Bounded(3)
    for key in "abc":
        assert cache.keep(key, key.upper()) == key.upper()
    assert dict(cache) == {"a": "A", "b": "B", "c": "C"}
    cache.keep("d", "D")  # full: emptied, then the new answer kept
    assert dict(cache) == {"d": "D"}


def test_by_owner_answers_for_that_object_only():
    cache = ByOwner(10)
    first, twin = {"spec": 1}, {"spec": 1}  # equal, but other objects (and unhashable)
    assert cache.get(first, "row") is None
    assert cache.keep(first, "row", ("found",)) == ("found",)
    assert cache.get(first, "row") == ("found",)
    assert cache.get(twin, "row") is None
    assert cache.get(first, "other row") is None


def test_by_owner_keeps_its_owners_alive():
    """An entry holds its owner, so the owner's id cannot pass to a new object while it lives."""
    cache = ByOwner(10)
    cache.keep([1, 2], "q", "a")
    later = [[1, 2] for _ in range(100)]  # new objects: none may be taken for the first
    assert all(cache.get(obj, "q") is None for obj in later)
