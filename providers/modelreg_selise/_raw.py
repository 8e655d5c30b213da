"""``Model.raw`` of a SELISE model: the answer's values against its key layout, shared by every model like it.

A SELISE model document has two dozen keys. Kept as a dict, its hash table weighs more than all
its values together (orjson's dicts are presized, larger still); kept as a tuple of values
beside one shared ``Layout`` of keys, it weighs a quarter of that. The values are the decoded
objects themselves, so ``RawDocument`` equals the JSON as received, keys in the order received.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class Layout:
    """The keys of one kind of document, in order, and each key's position (one object per layout)."""

    __slots__ = ("keys", "positions")

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys
        self.positions = {key: index for index, key in enumerate(keys)}


class RawDocument(Mapping[str, Any]):
    """A JSON object as received, held as its values against a shared ``Layout`` of its keys."""

    __slots__ = ("_layout", "_values")

    def __init__(self, layout: Layout, values: tuple[Any, ...]) -> None:
        # ``values`` may run past the keys (the codec passes its own tuple, a None at the end).
        self._layout = layout
        self._values = values

    def __getitem__(self, key: str) -> Any:
        position = self._layout.positions.get(key)
        if position is None:
            raise KeyError(key)
        return self._values[position]

    def __iter__(self) -> Iterator[str]:
        return iter(self._layout.keys)

    def __len__(self) -> int:
        return len(self._layout.keys)

    def __contains__(self, key: object) -> bool:
        return key in self._layout.positions

    def __repr__(self) -> str:
        return repr(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        """A new dict equal to the JSON as received, keys in the order received."""
        return dict(zip(self._layout.keys, self._values, strict=False))  # the values may run past the keys
