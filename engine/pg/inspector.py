"""The inspector: an F1 overlay that shows the event log while the game runs.

It answers the teaching question "why did that happen?" in the game itself.
A translucent panel over the right part of the frame shows

* the **stream**: the most recent records, pulled from the log with a
  :class:`~engine.log.Reader` at the inspector's own pace (a consumer of the
  log like any other tool, never a subscriber that slows the bus down);
* **why**: the selected record's causal chain back to its root, root first;
* **problems**: dead letters (:class:`~engine.events.HandlerFailed`), cut
  cascades (:class:`~engine.events.CascadeCut`) and refused trigger reloads
  (:class:`~engine.scripting.events.TriggersReloadFailed`), in red;
* the tick, whether the app is paused, and how far time travel reaches.

What it shows (the records read, the selection, the chain, the problems,
and how they resync after time travel) is :class:`~engine.inspection.Inspection`,
which needs no pygame; this module draws it and maps the keys.

It knows nothing of any game.  Hidden, it costs nothing: :meth:`Inspector.draw`
returns at once and the reader is not polled; it catches up when shown.
Shown, the panel is rebuilt only when what it shows changes, and rendered
text is cached (rendering text is the expensive part).

Keys (:meth:`Inspector.handle_key`): **F1** shows and hides it.  While it is
shown: **Up/Down**, **PageUp/PageDown**, **Home/End** move the selection
(End, or Down past the newest record, follows the stream again);
While the game is paused, **Enter** or **W** shows why the selected record happened; **F** hides
noisy inputs; **Tab** switches between the *stream* and *why* panes.
Pausing and stepping (P, N, B) are the app's own keys.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import pygame

from engine.events import CascadeCut, HandlerFailed, Input
from engine.inspection import FAILURES, HISTORY, Inspection, is_noisy_input
from engine.pg.text import displayable
from engine.record import Record
from engine.scripting.events import TriggersReloadFailed
from engine.scripting.values import brief
from engine.world import World

if TYPE_CHECKING:
    from engine.pg.app import PygameApp

Colour = tuple[int, int, int]

#: Lines of the problems section at most, and how many of them a refused reload's errors may take.
PROBLEM_ROWS = 10
RELOAD_ROWS = 5
#: The help line (ASCII arrows: pygame's default font has no arrow glyphs).
HELP = "F1 hide · P pause · N step · B back · Up/Dn select · Enter why · F filter · Tab pane"

PANEL = (8, 10, 16, 210)
SELECTION = (45, 75, 130, 255)
TITLE: Colour = (255, 215, 110)
TEXT: Colour = (225, 225, 225)
DIM: Colour = (150, 155, 165)
INPUT: Colour = (130, 195, 255)
IN_CHAIN: Colour = (255, 205, 90)
WARN: Colour = (255, 170, 70)
RED: Colour = (255, 85, 75)
RED_TEXT: Colour = (255, 140, 130)
FIXED: Colour = (170, 120, 115)
RULE = (90, 95, 110)
#: Characters pygame's default font cannot draw, and what to draw instead.
#: Pixels of indent per level of the causal chain, and the deepest level indented further.
INDENT = 14
MAX_INDENT_LEVELS = 10
PAD = 10


class Row(NamedTuple):
    """One line of the panel: its text, colour and indent (pixels); ``marked`` rows get the selection bar."""

    text: str
    colour: Colour
    indent: int = 0
    marked: bool = False
    bold: bool = False


class Inspector(Inspection):
    """An overlay over a :class:`~engine.World`'s frames that shows its log.

    Pass :meth:`draw` as a :class:`~engine.pg.PygameApp`'s ``overlay`` and
    :meth:`handle_key` as its ``handle_key``, and set :attr:`app` once the app
    is built (for its paused state and time machine).  ``history`` is how
    many records the stream keeps, ``failures`` how many dead letters;
    ``width`` is the panel's share of the frame width; ``top`` leaves room
    above it (for a HUD); ``noisy`` says which records the F filter hides.
    """

    def __init__(self, world: World, app: PygameApp | None = None, *, history: int = HISTORY, failures: int = FAILURES,
                 width: float = 0.45, top: int = 0, font_size: int = 20,
                 noisy: Callable[[Record], bool] = is_noisy_input) -> None:
        super().__init__(world, history=history, failures=failures, noisy=noisy)
        #: The app (a PygameApp, or anything with ``paused`` and ``time_machine``); may be set later.
        self.app = app
        self.visible = False
        self.width = width
        self.top = top
        self._page = 20
        if not pygame.font.get_init():
            pygame.font.init()
        # Made once: making a font reads the font file.  None is pygame's bundled font (works headless).
        self.font = pygame.font.Font(None, font_size)
        self.bold = pygame.font.Font(None, font_size)
        self.bold.set_bold(True)
        self._line_h = self.font.get_linesize()
        self._text: dict[tuple[str, Colour, bool, int, bool], pygame.Surface] = {}
        self._panel: pygame.Surface | None = None
        self._panel_key: tuple[Any, ...] | None = None
        self._body: list[Row] = []
        self._text_width = 400
        #: What the panel showed at the last rebuild (for tests and tools).
        self.rows: list[Row] = []

    # -- keys ----------------------------------------------------------
    def handle_key(self, key: int) -> bool:
        """React to a key press; True if the inspector used it (F1 always, more while shown)."""
        if key == pygame.K_F1:
            self.toggle()
            return True
        if not self.visible:
            return False
        if self.app is not None and not self.app.paused:
            # While the game runs, the arrow keys and W belong to the player.
            return False
        if key == pygame.K_UP:
            self.move(-1)
        elif key == pygame.K_DOWN:
            self.move(1)
        elif key == pygame.K_PAGEUP:
            self.move(-self._page)
        elif key == pygame.K_PAGEDOWN:
            self.move(self._page)
        elif key == pygame.K_HOME:
            self.move(-len(self.records))
        elif key == pygame.K_END:
            self.select(None)
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_w):
            self.explain()
        elif key == pygame.K_f:
            self.toggle_filter()
        elif key == pygame.K_TAB:
            self.pane = "why" if self.pane == "stream" else "stream"
            self._dirty = True
        else:
            return False
        return True

    def toggle(self) -> None:
        """Show or hide the inspector (F1)."""
        self.visible = not self.visible
        self._dirty = True

    # -- drawing -------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        """Draw the panel over ``surface`` (the app's overlay hook); nothing at all while hidden."""
        if not self.visible:
            return
        self.update()
        rect = self.panel_rect(surface.get_size())
        header = self._header_rows()
        # The header (the tick) changes every tick; the rest only when records arrive or a key is
        # pressed, so the rest is a cached panel and the header is drawn over it each frame.
        key = (rect.size, len(header))
        if self._dirty or key != self._panel_key or self._panel is None:
            self._body = self._rebuild(rect.size, len(header))
            self._panel_key = key
            self._dirty = False
        surface.blit(self._panel, rect)
        text_w = rect.width - 2 * PAD
        for i, row in enumerate(header):
            label = self._render(row.text, row.colour, row.bold, text_w, premultiplied=False)
            surface.blit(label, (rect.x + PAD, rect.y + PAD + i * self._line_h))
        self.rows = header + self._body

    def panel_rect(self, size: tuple[int, int]) -> pygame.Rect:
        """Where the panel goes on a frame of ``size``: the right part, below ``top``."""
        width, height = size
        panel_w = max(200, round(width * self.width))
        return pygame.Rect(width - panel_w, self.top, panel_w, max(1, height - self.top))

    def _rebuild(self, size: tuple[int, int], header: int) -> list[Row]:
        """Redraw the panel below the ``header`` lines; returns the rows drawn."""
        if self._panel is None or self._panel.get_size() != size:
            self._panel = pygame.Surface(size, pygame.SRCALPHA)
        panel = self._panel
        panel.fill(PANEL)
        width, height = size
        pygame.draw.line(panel, RULE, (0, 0), (0, height - 1), 2)
        line_h = self._line_h
        self._text_width = width - 2 * PAD
        rows = self._layout(max(1, (height - 2 * PAD) // line_h - header))
        text_w = width - 2 * PAD
        labels = []
        for i, row in enumerate(rows, start=header):
            y = PAD + i * line_h
            if row.marked:
                panel.fill(SELECTION, (4, y - 1, width - 8, line_h))
            if row.text == "-":
                pygame.draw.line(panel, RULE, (PAD, y + line_h // 2), (width - PAD, y + line_h // 2))
                continue
            label = self._render(row.text, row.colour, row.bold, text_w - row.indent)
            labels.append((label, (PAD + row.indent, y), None, pygame.BLEND_PREMULTIPLIED))
        # Premultiplied text blends onto the translucent panel about 3x faster than plain alpha blits.
        panel.blits(labels, doreturn=False)
        return rows

    def _layout(self, total: int) -> list[Row]:
        """The rows under the header, top to bottom, fitted into ``total`` lines."""
        problems = self._problem_rows()
        space = max(0, total - len(problems))
        why = self._why_rows()
        # The stream gets what the chain leaves, but never less than its share of the pane.
        least = space // 3 if self.pane == "why" else space // 2
        stream = self._stream_rows(max(3, least, space - len(why)))
        return stream + _clip(why, space - len(stream)) + problems

    def _header_rows(self) -> list[Row]:
        """The title (tick, paused), the reach of time travel (with an app that has it), the keys."""
        world = self.world
        tick = world.tick
        app = self.app
        paused = getattr(app, "paused", None)
        state = "" if paused is None else ("  PAUSED" if paused else "  running")
        rows = [Row(f"INSPECTOR   tick {tick}  ({tick * world.dt:.1f} s){state}", TITLE, bold=True)]
        machine = getattr(app, "time_machine", None)
        if machine is not None:
            future = machine.future
            ahead = (f"recorded future: {len(future)} inputs, to tick {future[-1].tick}" if future
                     else "no recorded future")
            # The epoch counts how often travel cut the log back (and every reader was told).
            reach = f"time travel: can step back to tick {machine.earliest}"
            rows.append(Row(f"{reach} · {ahead} · epoch {world.log.epoch}", DIM))
            refused = getattr(machine, "refused", None)
            if refused:  # a component that cannot be copied: no newer snapshots, and this says why
                rows.append(Row(f"no snapshot since: {brief(refused, 100)}", DIM))
        rows.append(Row(HELP, DIM))
        return rows

    def _stream_rows(self, count: int) -> list[Row]:
        visible = self.visible_records
        title = f"STREAM  {len(visible)} of {len(self.records)} kept"
        title += "  (inputs hidden: F)" if self.filtered else ""
        title += "  following" if self.selected is None else f"  held at #{self.selected} (End: follow)"
        rows = [Row("-", RULE), Row(title, TITLE, bold=True)]
        if self.dropped:
            rows.append(Row(f"{self.dropped} records dropped by retention", WARN))
        lines = max(1, count - len(rows))
        self._page = max(1, lines - 1)
        if not visible:
            return [*rows, Row("(no records yet)", DIM)]
        last = len(visible) - 1
        if self.selected is None:
            index = last
            start = max(0, len(visible) - lines)
        else:
            index = self._index_at_or_before(self.selected)
            # Anchor the window by offset, so new records arriving below do not scroll it away.
            start = index - lines // 2 if self._top_offset is None else bisect_left(self._visible_offsets,
                                                                                 self._top_offset)
            # Fill the window (no blank rows under the newest record), and keep the selection in it.
            start = min(start, len(visible) - lines)
            start = max(0, min(max(start, index - lines + 1), index))
        self._top_offset = None if self.selected is None else visible[start].offset
        in_chain = {r.offset for r in self.chain}
        for i in range(start, min(start + lines, last + 1)):
            record = visible[i]
            if record.offset in in_chain:
                colour = IN_CHAIN
            elif type(record.event) in (HandlerFailed, CascadeCut, TriggersReloadFailed):
                colour = RED_TEXT
            elif isinstance(record.event, Input):
                colour = INPUT
            else:
                colour = TEXT
            rows.append(Row(self._describe(record), colour, marked=i == index))
        return rows

    def _why_rows(self) -> list[Row]:
        """The why section as it would like to be: a title, a note, then the chain."""
        rows = [Row("-", RULE)]
        if not self.chain:
            rows.append(Row("WHY  select a record and press Enter", TITLE, bold=True))
            if self._chain_note:
                rows.append(Row(self._chain_note, WARN))
            return rows
        target = self.chain[-1]
        rows.append(Row(f"WHY #{target.offset} {target.type}: {len(self.chain)} records, root first", TITLE,
                        bold=True))
        rows.append(Row(self._chain_note, DIM))
        for depth, record in enumerate(self.chain):
            indent = min(depth, MAX_INDENT_LEVELS) * INDENT
            prefix = "" if depth == 0 else "`- "
            colour = INPUT if isinstance(record.event, Input) else IN_CHAIN if record is target else TEXT
            if self.pane == "why":
                # Full detail: the type on one line, then one field per line.
                rows.append(Row(f"{prefix}#{record.offset} t={record.tick} {record.type}", colour, indent,
                                bold=record is target))
                rows.extend(Row(f"{name} = {_value(value)}", DIM, indent + 3 * INDENT)
                            for name, value in record.data.items())
            else:
                rows.append(Row(prefix + self._describe(record), colour, indent, bold=record is target))
        rows.extend(self._consequence_rows(target))
        return rows

    def _consequence_rows(self, target: Record) -> list[Row]:
        """Below the chain, the other direction: what the selected record caused, as a tree."""
        count = self.consequence_count
        if not count:
            return [Row(f"#{target.offset} caused nothing (yet)", DIM)]
        more = count - len(self.consequences)
        title = f"CAUSED {count} record{'s' * (count != 1)}"
        if more:
            title += f", first {len(self.consequences)} shown"
        rows = [Row(title, TITLE, bold=True)]
        for depth, record in self.consequences:
            indent = min(depth - 1, MAX_INDENT_LEVELS) * INDENT
            rows.append(Row("`- " + self._describe(record), TEXT, indent))
        return rows

    def _problem_rows(self) -> list[Row]:
        if not self.problems:
            return []
        title = f"PROBLEMS  dead letters: {self.dead_letters} · refused reloads: {self.reload_failures}"
        rows = [Row("-", RULE), Row(title, RED, bold=True)]
        refused = self.refused_reload
        if refused is not None:
            # Fixed by a later good reload, it is history: dimmed, not alarming.
            fixed = self._reloaded_at is not None and self._reloaded_at > refused.record.offset
            colour = FIXED if fixed else RED_TEXT
            head, *errors = refused.lines
            rows.append(Row(head + ("  (fixed by a later reload)" if fixed else ""), colour))
            # Wrapped, not cut: the end of a trigger error says what was expected.
            width = self._text_width - 3 * INDENT
            wrapped = [Row(part, colour, (2 if i == 0 else 3) * INDENT)
                       for error in errors for i, part in enumerate(_wrap(self.font, error, width))]
            if len(wrapped) > RELOAD_ROWS:
                wrapped = [*wrapped[:RELOAD_ROWS - 1], Row("... more in the log", colour, 2 * INDENT)]
            rows.extend(wrapped)
        # Each failing handler once, with its count (a trigger that fails fails at every event),
        # then the newest cut cascades, as many as fit.
        room = PROBLEM_ROWS - (len(rows) - 2)
        failures = [Row(line, RED_TEXT) for line in self.failing]
        failures += [Row(line, RED_TEXT) for problem in self.failures if problem.record.type == "CascadeCut"
                     for line in problem.lines]
        return rows + (failures[-room:] if room > 0 else [])

    def _describe(self, record: Record) -> str:
        """The record as one line (cached; never raises, whatever the record's event does)."""
        return self.view.describe(record)

    def _render(self, text: str, colour: Colour, bold: bool, max_width: int,
                premultiplied: bool = True) -> pygame.Surface:
        """``text`` as a surface no wider than ``max_width``, cached: most lines stay the same for many frames.

        Premultiplied for the panel (see :meth:`_rebuild`); plain alpha to draw straight onto a frame.
        """
        key = (text, colour, bold, max_width, premultiplied)
        label = self._text.get(key)
        if label is None:
            if len(self._text) > 2000:
                self._text.clear()  # tick and stream lines keep changing; don't grow for ever
            font = self.bold if bold else self.font
            label = font.render(_fit(font, displayable(font, text), max_width), True, colour)
            if premultiplied:
                # copy() first: font surfaces have padded rows, which premul_alpha() (pygame 2.6) misreads.
                label = label.copy().premul_alpha()
            self._text[key] = label
        return label


def _clip(rows: list[Row], room: int, head: int = 3) -> list[Row]:
    """``rows`` cut to ``room`` lines: the ``head`` title rows, the first body row (the chain's root),
    a line saying how many were left out, and the last rows (nearest the selected record)."""
    if len(rows) <= room:
        return rows
    if room <= head + 2:
        return rows[:max(0, room)]
    tail = room - head - 2
    skipped = len(rows) - head - 1 - tail
    return [*rows[:head + 1], Row(f"... {skipped} more lines ...", DIM, INDENT), *rows[len(rows) - tail:]]


def _value(value: Any) -> str:
    """A field value for the why pane: as stored in the log, one line."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text.replace("\n", "⏎")


def _wrap(font: pygame.font.Font, text: str, max_width: int) -> list[str]:
    """``text`` split at spaces into lines that fit ``max_width`` pixels (a long word is cut later)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and font.size(candidate)[0] > max_width:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    return lines


def _fit(font: pygame.font.Font, text: str, max_width: int) -> str:
    """``text`` cut (with an ellipsis) to fit ``max_width`` pixels."""
    if font.size(text)[0] <= max_width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if font.size(text[:mid] + "…")[0] <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + "…"
