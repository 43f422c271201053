"""Hot reload: edit a trigger file while the world runs; a broken edit keeps the last good set."""

import tempfile
from pathlib import Path

from engine import World
from engine.scripting import HotReloader, Registry, TriggerRuntime

registry = Registry()


@registry.behaviour
def say(world: World, text: str) -> None:
    """Print a line."""
    print(f"tick {world.tick}: {text}")


RULE = '[[alarm]]\nname = "clock"\nwhen = "tick % 2 == 0"\nenter = [{{ behaviour = "say", text = "{}" }}]\n'
with tempfile.TemporaryDirectory() as folder:
    rules = Path(folder) / "rules.toml"
    rules.write_text(RULE.format("tick"))
    world = World()
    runtime = TriggerRuntime(world, registry)
    runtime.load_files([folder], relative_to=folder)
    now = [0.0]                                   # a fake clock: the reloader polls by real time
    reloader = HotReloader(runtime, [folder], clock=lambda: now[0], relative_to=folder)
    world.run(3)

    def edit(text: str) -> None:
        rules.write_text(text)
        for _ in range(2):                         # one poll sees the change, the next applies it
            now[0] += 1
            reloader.poll()

    edit(RULE.format("TOCK"))                      # a good edit
    world.run(3)
    edit(RULE.format("oops").replace("say", "shout"))   # a broken edit
    print("refused:", *reloader.errors)
    world.run(3)                                   # the last good set keeps running
