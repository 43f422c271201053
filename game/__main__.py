"""Entry point for ``python -m game``."""

import os
import sys

# pygame prints a greeting on import; the game's own output should come first.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from game.cli import main

try:
    sys.exit(main())
except BrokenPipeError:  # `python -m game --headless | head`: the reader left, nothing is wrong
    sys.stderr.close()
    sys.exit(0)
except KeyboardInterrupt:
    sys.exit(130)
