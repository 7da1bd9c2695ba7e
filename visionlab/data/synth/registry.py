"""One way to register the game world's pieces by name: sprite kinds, weapons, effects."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def registrar(table: dict[str, T], what: str) -> Callable[[str], Callable[[T], T]]:
    """A decorator factory that adds builders to ``table`` under a name; a name used twice raises ValueError.

    Example:
        >>> register_sprite = registrar(SPRITES, "sprite kind")  # doctest: +SKIP
        >>> register_sprite("dragon")(dragon_builder)  # doctest: +SKIP
    """
    def register(name: str) -> Callable[[T], T]:
        def add(builder: T) -> T:
            if name in table:
                raise ValueError(f"{what} {name!r} is registered twice")
            table[name] = builder
            return builder
        return add
    return register
