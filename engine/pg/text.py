"""Text a font can draw: pygame's default font lacks arrows and box-drawing
characters, which it would render as empty boxes."""

from __future__ import annotations

import pygame

#: ASCII stand-ins for characters the default font cannot draw.
FALLBACKS = {"→": "->", "←": "<-", "⏎": " / ", "└": "`-", "↑": "^", "↓": "v", "★": "*"}


def displayable(font: pygame.font.Font, text: str) -> str:
    """``text`` with the characters ``font`` has no glyph for replaced by ASCII."""
    if text.isascii():
        return text
    missing = font.metrics("\uffff")[0]  # a non-character: what the "no glyph" box measures
    out = []
    for char in text:
        if char.isascii() or font.metrics(char)[0] != missing:
            out.append(char)
        else:
            out.append(FALLBACKS.get(char, "?"))
    return "".join(out)
