"""Test setup: every test runs headless, whatever the developer's shell says."""

import os

# Set before anything imports pygame, so no window or sound device is opened.
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
