"""Union-find structures for grouping mentions: a plain one, and one that never joins two
groups linked to different entities."""

from __future__ import annotations

from typing import Any


class UnionFind:
    """Plain union-find over hashable items."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


class LinkedUnionFind:
    """Union-find over node numbers that never joins two different kb_ids; tracks sizes."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self._kb: dict[int, str] = {}
        self.size: list[int] = []
        self.members: dict[int, list[int]] = {}

    def add(self, n: int, kb_id: str | None, size: int) -> None:
        assert n == len(self.parent)
        self.parent.append(n)
        self.size.append(size)
        self.members[n] = [n]
        if kb_id:
            self._kb[n] = kb_id

    def find(self, n: int) -> int:
        parent = self.parent
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    def kb(self, n: int) -> str | None:
        return self._kb.get(self.find(n))

    def set_kb(self, n: int, kb_id: str) -> None:
        self._kb.setdefault(self.find(n), kb_id)

    def union(self, a: int, b: int) -> bool:
        """Join the groups of a and b; False (nothing done) when they hold different kb_ids."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ka, kb = self._kb.get(ra), self._kb.get(rb)
        if ka and kb and ka != kb:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        self.members[ra] += self.members.pop(rb)
        if kb and not ka:
            self._kb[ra] = kb
        self._kb.pop(rb, None)
        return True
