"""What expressions can read: the event, its entities' components, world state."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import esper

if TYPE_CHECKING:
    from engine.scripting.registry import Registry
    from engine.world import World

#: Fields naming the entity an event comes from (for ``source`` in expressions).
SOURCE_FIELDS = ("source", "shooter", "attacker")


def snake_case(name: str) -> str:
    """``WantedLevel`` → ``wanted_level``: how components are named in expressions."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class EntityView:
    """Read-only view of an entity's components for expressions:
    ``target.health.current`` reads the ``Health`` component's ``current``."""

    __slots__ = ("_components", "id")

    def __init__(self, entity: int) -> None:
        self.id = entity
        self._components: dict[str, Any] | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._components is None:
            try:
                found = esper.components_for_entity(self.id)
            except KeyError:
                found = ()
            self._components = {snake_case(type(c).__name__): c for c in found}
        try:
            return self._components[name]
        except KeyError:
            raise AttributeError(f"entity {self.id} has no component {name!r}") from None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EntityView):
            return self.id == other.id
        return self.id == other

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"entity {self.id}"


class Namespace(Mapping[str, Any]):
    """The names an expression may read, computed only when read."""

    __slots__ = ("_cache", "event", "registry", "world")

    def __init__(self, world: World, registry: Registry, event: Any = None) -> None:
        self.world = world
        self.registry = registry
        self.event = event
        self._cache: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        cache = self._cache
        if name in cache:
            return cache[name]
        value = self._compute(name)
        cache[name] = value
        return value

    def _compute(self, name: str) -> Any:
        if name == "event" and self.event is not None:
            return self.event
        if name == "tick":
            return self.world.tick
        if name == "time":
            return self.world.time
        if name == "target" and self.event is not None:
            entity = _first_field(self.event, ("target", "entity"))
            if entity is not None:
                return EntityView(entity)
        if name == "source" and self.event is not None:
            entity = _first_field(self.event, SOURCE_FIELDS)
            if entity is not None:
                return EntityView(entity)
        state = self.registry.states.get(name)
        if state is not None:
            try:
                return state.read(self.world)
            except KeyError as error:
                # The reader's own lookup failed (a missing component, say): a KeyError here
                # would read as "name is not available" to the expression that asked.
                raise RuntimeError(f"state {name!r} could not be read: KeyError: {error}") from error
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        names = ["tick", "time", *self.registry.states]
        if self.event is not None:
            names[:0] = ["event", "target", "source"]
        return iter(names)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _first_field(event: Any, names: tuple[str, ...]) -> int | None:
    for name in names:
        value = getattr(event, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None
