"""The byte-level view of a log: lines, and when two lines hold the same record in other bytes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.logbytes import encoding_problem, excerpt, first_differing_byte, split_lines

DATA = b'"data": {"amount": 21, "ok": true, "note": "\xc3\xa9"}}\n'
CANONICAL = b'{"offset": 1, "tick": 0, "type": "Paid", "cause": null, ' + DATA


@given(st.lists(st.binary(max_size=20).filter(lambda b: b"\n" not in b), max_size=8), st.booleans())
@settings(max_examples=50, deadline=None)
def test_split_lines_gives_back_the_bytes_with_their_offsets(parts: list[bytes], final_newline: bool) -> None:
    data = b"\n".join(parts) + (b"\n" if final_newline and parts else b"")
    lines = split_lines(data)
    assert b"".join(line.raw for line in lines) == data
    assert all(data[line.start:line.start + len(line.raw)] == line.raw for line in lines)
    assert [line.number for line in lines] == list(range(1, len(lines) + 1))


@pytest.mark.parametrize(("raw", "words"), [
    (CANONICAL[:-1] + b"\r\n", "CR LF"),
    (CANONICAL[:-1], "newline"),
    (CANONICAL.replace("é".encode(), b"\\u00e9"), "escapes"),
    (CANONICAL.replace(b": ", b":"), "written differently from byte 10"),
    (CANONICAL.replace(b'"amount": 21', b'"amount": 21.0e0'), "written differently"),
    (b'{"tick": 0, "offset": 1, "type": "Paid", "cause": null, ' + DATA, "order"),
])
def test_the_same_record_in_other_bytes_is_named(raw: bytes, words: str) -> None:
    problem = encoding_problem(raw, CANONICAL)
    assert problem is not None and words in problem


@pytest.mark.parametrize("raw", [
    CANONICAL.replace(b'"ok": true', b'"ok": 1'),                  # true is no number
    CANONICAL.replace(b'"amount": 21', b'"amount": 22'),
    CANONICAL.replace(b'{"offset": 1', b'{"offset": 1, "offset": 1'),  # a duplicated key, even with one value
    CANONICAL.replace(b'}}\n', b'}, "extra": 1}\n'),
    CANONICAL.replace("é".encode(), b"\xff"),                      # not UTF-8
    b"[" * 100_000 + b"\n",                                           # nested too deeply for the parser
])
def test_another_record_or_no_record_is_not_an_encoding_problem(raw: bytes) -> None:
    assert encoding_problem(raw, CANONICAL) is None


def test_excerpt_cuts_around_the_difference_and_shows_control_characters() -> None:
    text = "a" * 300 + "B" + "c" * 300 + "\r"
    shown = excerpt(text, 300)
    assert shown.startswith("...") and shown.endswith("...") and "B" in shown and len(shown) <= 166
    assert excerpt("x\r") == "x\\r"
    assert first_differing_byte(b"abc", b"abd") == 2 and first_differing_byte(b"ab", b"abc") == 2
