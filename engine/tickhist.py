"""Records per tick range, in a bounded number of rows whatever the ticks.

``stats`` shows how many records fell in each range of ``width`` ticks.  A
log whose ticks jump (a record at tick 10^18, say) would need billions of
rows at the width asked for, so a :class:`TickHistogram` widens its ranges
as it goes (x2, x5, x2, x5...: 600, 1200, 6000, 12000...) to keep at most
``max_rows`` rows from the first record's range to the last one's.  Every
width divides the next, so two histograms of the same base width always
merge exactly.
"""

from __future__ import annotations

#: The most rows a histogram shows.
MAX_ROWS = 100


class TickHistogram:
    """Counts per range of ticks ``[k * width, (k + 1) * width)``, at most ``max_rows`` ranges from first to last."""

    def __init__(self, width: int, max_rows: int = MAX_ROWS) -> None:
        if width < 1 or max_rows < 1:
            raise ValueError("a histogram needs a width and a number of rows of at least 1")
        #: The width asked for, and the width used now (a multiple of it).
        self.base = width
        self.width = width
        self.max_rows = max_rows
        self._widenings = 0
        self._counts: dict[int, int] = {}
        self._lo: int | None = None
        self._hi = 0

    def add(self, tick: int, count: int = 1) -> None:
        """Count ``count`` records at ``tick``."""
        index = tick // self.width
        counts = self._counts
        counts[index] = counts.get(index, 0) + count
        if self._lo is None or index < self._lo:
            self._lo = index
        if index > self._hi:
            self._hi = index
        if self._hi - self._lo >= self.max_rows:
            self._fit()

    def _fit(self) -> None:
        while self._lo is not None and self._hi - self._lo >= self.max_rows:
            self._widen()

    def _widen(self) -> None:
        factor = 2 if self._widenings % 2 == 0 else 5
        self._widenings += 1
        self.width *= factor
        merged: dict[int, int] = {}
        for index, count in self._counts.items():
            merged[index // factor] = merged.get(index // factor, 0) + count
        self._counts = merged
        if self._lo is not None:
            self._lo //= factor
            self._hi //= factor

    def merge(self, other: TickHistogram) -> None:
        """Add ``other``'s counts (same base width) to this one's."""
        if other.base != self.base:
            raise ValueError(f"cannot merge histograms of base widths {self.base} and {other.base}")
        while self.width < other.width:
            self._widen()
        for index, count in other._counts.items():
            # other's ranges are no wider than ours, and ours are a whole number of theirs.
            self.add(index * other.width, count)

    def rows(self) -> list[tuple[int, int, int]]:
        """``(first_tick, last_tick, count)`` for every range from the first record's to the last one's."""
        if self._lo is None:
            return []
        width = self.width
        return [(index * width, (index + 1) * width - 1, self._counts.get(index, 0))
                for index in range(self._lo, self._hi + 1)]
