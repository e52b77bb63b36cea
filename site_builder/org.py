"""The organisation network as a tree: who is a descendant of whom (scoping, unit filters)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .models import Unit


class OrgTree:
    def __init__(self, units: Iterable[Unit]):
        self.units: dict[str, Unit] = {u.code: u for u in units}
        self._children: dict[str, list[str]] = {code: [] for code in self.units}
        for unit in self.units.values():
            if unit.parent in self._children:
                self._children[unit.parent].append(unit.code)
        self._by_name = {u.name: u.code for u in self.units.values()}
        self._by_name.update({u.organ: u.code for u in self.units.values()})

    def __contains__(self, code: str) -> bool:
        return code in self.units

    def __getitem__(self, code: str) -> Unit:
        return self.units[code]

    def resolve(self, ref: str) -> str | None:
        """A unit code, name or organ name → its code (None if unknown)."""
        ref = str(ref).strip()
        if ref in self.units:
            return ref
        return self._by_name.get(ref)

    @property
    def roots(self) -> list[str]:
        return [c for c, u in self.units.items() if u.parent is None]

    def children(self, code: str) -> list[str]:
        return list(self._children.get(code, ()))

    def ancestors(self, code: str) -> Iterator[str]:
        """Parent first, up to the root (stops at a cycle, which `portal check` reports)."""
        seen = {code}
        parent = self.units[code].parent
        while parent is not None and parent in self.units and parent not in seen:
            seen.add(parent)
            yield parent
            parent = self.units[parent].parent

    def subtree(self, code: str) -> list[str]:
        """The unit and all its descendants, parents before children."""
        out, stack, seen = [], [code], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue  # a cycle (reported by `portal check`)
            seen.add(current)
            out.append(current)
            stack.extend(reversed(self._children.get(current, ())))
        return out

    def regions(self) -> list[str]:
        """The codes of places (province … town), parents before children: party bodies left out."""
        return [code for root in self.roots for code in self.subtree(root) if self.units[code].is_region]

    def contains(self, ancestor: str, code: str) -> bool:
        """True when `code` is `ancestor` or lies below it."""
        return code == ancestor or ancestor in self.ancestors(code)

    def path(self, code: str) -> list[str]:
        """Root first, ending with `code`."""
        return list(reversed([code, *self.ancestors(code)]))
