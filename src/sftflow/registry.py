"""Named entries (metrics, merge methods, trackers) that users pick by name in their config.

Built-ins are registered in the module that owns the registry, so importing that module is
all it takes to see every entry; nothing is registered as a side effect of importing others.
"""

import difflib
from collections.abc import Callable
from typing import Generic, TypeVar

from sftflow.errors import UserError

T = TypeVar("T")


class Registry(Generic[T]):
    """A name -> entry mapping whose lookups fail with a user-facing, did-you-mean message."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator adding an entry under `name`; a second entry with the same name is a bug."""

        def add(entry: T) -> T:
            if name in self._entries:
                raise ValueError(f"{self.kind} '{name}' is already registered")
            self._entries[name] = entry
            return entry

        return add

    def get(self, name: str | None, where: str | None = None) -> T:
        """The entry named `name`; a UserError listing the known names (and a close one) otherwise."""
        if name in self._entries:
            return self._entries[name]
        known = ", ".join(self.names())
        if name is None:
            raise UserError(f"no {self.kind} given (known: {known})", where)
        message = f"unknown {self.kind} '{name}' (known: {known})"
        close = difflib.get_close_matches(str(name), self.names(), n=1)
        if close:
            message += f"; did you mean '{close[0]}'?"
        raise UserError(message, where)

    def names(self) -> list[str]:
        """Registered names, sorted so messages and listings are stable."""
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries
