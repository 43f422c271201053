"""The game's systems, in the order they run each tick."""
