"""The game finds its event routes when its triggers are installed, not in the tick a chase starts."""

from __future__ import annotations

from engine.bus import EventBus
from game.autopilot import Autopilot
from game.build import build_game


def test_no_event_type_is_first_routed_during_play(monkeypatch):
    game = build_game(seed=0, npcs=40)
    world, pilot = game.world, Autopilot(game)
    world.step()  # the first tick's pump installs the trigger files (and finds the routes)
    assert game.runtime.registry.known_event_types() <= set(world.bus._routes)
    routed = []
    original = EventBus._route
    monkeypatch.setattr(EventBus, "_route", lambda self, cls: routed.append(cls.__name__) or original(self, cls))
    for _ in range(60 * 30):  # seed 0's chase starts and ends in these 30 seconds
        for event in pilot.inputs():
            world.emit(event)
        world.step()
    chase = [r.type for r in world.log if r.type in ("AlarmEntered", "AlarmExited")
             and r.data["alarm"] == "police-chase"]
    assert chase[:2] == ["AlarmEntered", "AlarmExited"]
    assert routed == []
