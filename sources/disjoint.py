"""Disjoint sets (union-find with path halving): which codes, courses or spellings are one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class DisjointSets(Generic[T]):
    def __init__(self) -> None:
        self.parent: dict[T, T] = {}

    def find(self, item: T) -> T:
        """The root of ``item``'s set; an item seen for the first time is a set of its own."""
        parent = self.parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: T, b: T) -> None:
        """One set of ``a``'s and ``b``'s (its root is ``b``'s)."""
        self.parent[self.find(a)] = self.find(b)

    def groups(self, items: Iterable[T] | None = None) -> dict[T, set[T]]:
        """Root -> members, for ``items`` (default: every item seen)."""
        found: dict[T, set[T]] = defaultdict(set)
        for item in list(self.parent) if items is None else items:
            found[self.find(item)].add(item)
        return found
