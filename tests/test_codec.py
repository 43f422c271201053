"""JSON Lines codec: key order, round trips, errors naming the line, the first record."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine import Event, EventBus, Record, World, event
from engine.codec import KEYS, LogFormatError, decode, encode, load, read, save, write
from engine.events import from_data, to_data


@event
class Sample(Event):
    number: int
    ratio: float
    name: str
    flag: bool
    maybe: int | None
    pair: tuple
    nested: tuple


@event
class Shot(Event):
    shooter: int
    target: int
    damage: float


def shot_log() -> list[Record]:
    bus = EventBus()
    bus.subscribe(Shot, lambda e: bus.emit(Shot(e.target, e.shooter, e.damage / 2)) if e.damage > 1 else None)
    for tick in range(3):
        bus.tick = tick
        bus.emit(Shot(1, 2, 4.0))
        bus.pump()
    return list(bus.log)


# -- the format -------------------------------------------------------------------

def test_one_line_per_record_keys_in_order():
    records = shot_log()
    out = io.StringIO()
    assert write(records, out) == len(records) == 9
    text = out.getvalue()
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) == len(records) + 1
    for line, record in zip(lines, records, strict=False):
        obj = json.loads(line)
        assert list(obj) == list(KEYS) == ["offset", "tick", "type", "cause", "data"]
        assert obj == {"offset": record.offset, "tick": record.tick, "type": "Shot",
                       "cause": record.cause, "data": record.data}
    assert lines[1] == '{"offset": 1, "tick": 0, "type": "Shot", "cause": 0, ' \
                       '"data": {"shooter": 2, "target": 1, "damage": 2.0}}'


def test_encode_keeps_unicode_and_refuses_nan():
    record = Record(0, 0, None, Sample(1, 0.1, "Señor ☂ 警察", True, None, (1, "x"), ((1, 2), ())))
    line = encode(record)
    assert "Señor ☂ 警察" in line
    assert '"pair": [1, "x"]' in line and '"nested": [[1, 2], []]' in line
    assert '"ratio": 0.1' in line
    with pytest.raises(ValueError):
        encode(Record(1, 0, None, Sample(1, float("nan"), "", False, None, (), ())))


# -- round trips ---------------------------------------------------------------------

scalars = (st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=12) | st.booleans() | st.none())
samples = st.builds(
    Sample,
    number=st.integers(-(2**63), 2**63),
    ratio=st.floats(allow_nan=False, allow_infinity=False),
    name=st.text(),
    flag=st.booleans(),
    maybe=st.none() | st.integers(),
    pair=st.tuples(scalars, scalars),
    nested=st.lists(st.lists(scalars, max_size=3).map(tuple), max_size=3).map(tuple),
)
record_specs = st.lists(st.tuples(samples, st.integers(0, 3), st.booleans()), max_size=8)

AWKWARD = Sample(-0, -0.0, "line\nbreak\r\u2028\u2029\x85\x1c\x00\"\\ é 🚓", False, None,
                 (1e308, 5e-324), ((True, None, ""),))


def records_from(specs) -> list[Record]:
    records, tick = [], 0
    for offset, (sample, tick_step, has_cause) in enumerate(specs):
        tick += tick_step
        cause = offset - 1 if has_cause and offset else None
        records.append(Record(offset, tick, cause, sample))
    return records


@settings(max_examples=60, deadline=None)
@given(record_specs)
@example([(AWKWARD, 0, False), (AWKWARD, 2, True)])
def test_write_then_read_gives_equal_records(specs):
    records = records_from(specs)
    out = io.StringIO()
    write(records, out)
    back = list(read(io.StringIO(out.getvalue())))
    assert back == records
    assert len(back) == len(records)
    for original, copy in zip(records, back, strict=True):
        assert copy.as_dict() == original.as_dict()
        assert copy.event is None and copy.type == "Sample"
        assert copy.data == to_data(original.event)
        assert isinstance(copy.data["pair"], list)   # tuples come back as lists
        # ...and the event can be rebuilt exactly.
        assert from_data(Sample, copy.data) == original.event
        assert repr(from_data(Sample, copy.data)) == repr(original.event)
    # Encoding is stable: the same records give the same bytes.
    again = io.StringIO()
    write(back, again)
    assert again.getvalue() == out.getvalue()


@settings(max_examples=20, deadline=None)
@given(record_specs)
@example([(AWKWARD, 0, False), (AWKWARD, 2, True)])
def test_save_then_load_gives_equal_records(tmp_path_factory, specs):
    path = tmp_path_factory.mktemp("logs") / "run.jsonl"
    records = records_from(specs)
    assert save(records, path) == len(records)
    assert load(path) == records
    assert path.read_bytes().count(b"\n") == len(records)


def test_blank_lines_are_skipped():
    records = shot_log()[:3]
    text = "\n" + "\n\n".join(encode(r) for r in records) + "\n  \n"
    assert list(read(io.StringIO(text))) == records


# -- errors name the line ------------------------------------------------------------------

def lines_of(records) -> list[str]:
    return [encode(r) + "\n" for r in records]


def error_of(lines, source="run.jsonl") -> LogFormatError:
    with pytest.raises(LogFormatError) as info:
        list(read(lines, source))
    return info.value


def test_truncated_last_line():
    lines = lines_of(shot_log()[:4])
    lines[3] = lines[3][: len(lines[3]) // 2]
    error = error_of(lines)
    assert error.line == 4
    assert str(error).startswith("run.jsonl:4: ")
    assert "truncated" in str(error)
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(("bad", "words"), [
    ("garbage", "not valid JSON"),
    ('{"offset": 1', "not valid JSON"),
    ("[1, 2, 3]", "expected a JSON object, found list"),
    ('"text"', "found str"),
    ('{"offset": 1, "tick": 0, "type": "X", "data": {}}', "'cause'"),
    ('{"tick": 0, "type": "X", "cause": null}', "'offset', 'data'"),
    ('{"offset": "1", "tick": 0, "type": "X", "cause": null, "data": {}}', "'offset' must be int"),
    ('{"offset": 1.0, "tick": 0, "type": "X", "cause": null, "data": {}}', "'offset' must be int"),
    ('{"offset": true, "tick": 0, "type": "X", "cause": null, "data": {}}', "'offset' must be int"),
    ('{"offset": 1, "tick": null, "type": "X", "cause": null, "data": {}}', "'tick' must be int"),
    ('{"offset": 1, "tick": 0, "type": 5, "cause": null, "data": {}}', "'type' must be str"),
    ('{"offset": 1, "tick": 0, "type": "X", "cause": "0", "data": {}}', "'cause' must be an offset"),
    ('{"offset": 1, "tick": 0, "type": "X", "cause": false, "data": {}}', "'cause' must be an offset"),
    ('{"offset": 1, "tick": 0, "type": "X", "cause": null, "data": []}', "'data' must be dict"),
    ('{"offset": 0, "tick": 0, "type": "X", "cause": null, "data": {}}', "offset 0 does not follow offset 0"),
])
def test_corrupt_line_names_its_number(bad, words):
    lines = [*lines_of(shot_log()[:1]), "\n", bad + "\n", *lines_of(shot_log()[5:6])]
    error = error_of(lines)
    assert error.line == 3          # the blank line counts
    assert error.source == "run.jsonl"
    assert str(error).startswith("run.jsonl:3: ")
    assert words in str(error)


def test_decode_names_the_line_it_is_told():
    with pytest.raises(LogFormatError, match=r"^x\.jsonl:17: "):
        decode("{", "x.jsonl", 17)


def test_load_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.jsonl"
    lines = lines_of(shot_log())
    lines[6] = lines[6].replace('"tick"', '"tock"')
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(LogFormatError) as info:
        load(path)
    assert info.value.line == 7
    assert str(info.value).startswith(f"{path}:7: ")
    assert "'tick'" in str(info.value)


def test_load_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nope.jsonl")


# -- the first record of a run ----------------------------------------------------------------

def test_first_record_of_every_world_is_simulation_started():
    world = World(seed=42, tick_rate=30, options={"map": "downtown", "cops": 3})
    try:
        world.add_system(lambda w: w.emit(Shot(1, 2, 0.5)))
        world.run(2)
        out = io.StringIO()
        write(world.log, out)
    finally:
        world.close()
    first = json.loads(out.getvalue().split("\n")[0])
    assert first == {"offset": 0, "tick": 0, "type": "SimulationStarted", "cause": None,
                     "data": {"seed": 42, "tick_rate": 30, "options": {"map": "downtown", "cops": 3}}}
    back = list(read(io.StringIO(out.getvalue())))
    assert [r.type for r in back] == ["SimulationStarted", "Shot", "Shot"]


def test_default_world_start_record():
    world = World()
    try:
        assert world.log[0].as_dict() == {"offset": 0, "tick": 0, "type": "SimulationStarted", "cause": None,
                                          "data": {"seed": 0, "tick_rate": 60, "options": {}}}
    finally:
        world.close()


# -- reading is as strict as writing -----------------------------------------------------------

def with_data(offset: int, data: str) -> str:
    return f'{{"offset": {offset}, "tick": 0, "type": "X", "cause": null, "data": {data}}}\n'


@pytest.mark.parametrize(("data", "token"), [
    ('{"v": NaN}', "NaN"),
    ('{"v": Infinity}', "Infinity"),
    ('{"v": [1, -Infinity]}', "-Infinity"),
    ('{"v": {"w": 1e999}}', "1e999"),        # parses to inf without being a JSON constant
    ('{"v": -2E400}', "-2E400"),
    ('{"v": ' + "9" * 400 + '.5}', "9" * 27 + "..."),
])
def test_a_non_finite_number_is_refused_with_its_line(data, token):
    error = error_of([*lines_of(shot_log()[:1]), with_data(1, data)])
    assert error.line == 2
    assert str(error) == f"run.jsonl:2: {token} is not a finite number; a log holds only finite numbers (strict JSON)"


def test_every_finite_float_still_reads_back():
    line = with_data(0, '{"v": [1.5e308, -5e-324, 0.1, -0.0, 1e22]}')
    assert next(read([line])).data == {"v": [1.5e308, -5e-324, 0.1, -0.0, 1e22]}


@pytest.mark.parametrize(("data", "words"), [
    ('{"v": ' + "7" * 5000 + "}", "a whole number has more than"),
    ('{"v": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
])
def test_numbers_and_nesting_json_cannot_read_are_format_errors(data, words):
    error = error_of([with_data(0, data)])
    assert error.line == 1 and words in str(error)


def test_a_log_may_start_at_any_offset():
    # Retention drops the oldest records: a saved log can start anywhere.
    tail = shot_log()[4:]
    assert list(read(lines_of(tail))) == tail


def test_a_gap_in_offsets_names_the_line_and_the_offset_expected():
    lines = lines_of(shot_log())
    del lines[4]                                        # the record at offset 4
    error = error_of(lines)
    assert error.line == 5
    assert error.problem == "offset 5 does not follow offset 3: expected offset 4; 1 record missing before it"


def test_a_gap_of_several_records_says_how_many():
    lines = lines_of(shot_log())
    del lines[2:5]
    assert error_of(lines).problem.endswith("expected offset 2; 3 records missing before it")


def record_line(offset: int, tick: int, cause: int | None = None) -> str:
    return encode(Record(offset, tick, cause, None, type="X", data={})) + "\n"


@pytest.mark.parametrize(("lines", "line", "problem"), [
    ([record_line(0, 0), record_line(1, 3), record_line(2, 2)], 3,
     "tick 2 goes back from tick 3 of offset 1; ticks never decrease in a log"),
    ([record_line(0, 0), record_line(1, -1)], 2, "'tick' must not be negative, found -1"),
    ([record_line(-1, 0)], 1, "'offset' must not be negative, found -1"),
    ([record_line(0, 0), record_line(1, 0, -1)], 2, "'cause' must be an offset or null, found -1"),
], ids=["tick-goes-back", "negative-tick", "negative-offset", "negative-cause"])
def test_ticks_never_decrease_and_nothing_is_negative(lines, line, problem):
    error = error_of(lines)
    assert (error.line, error.problem) == (line, problem)


def test_equal_ticks_and_tick_jumps_are_fine():
    lines = [record_line(0, 0), record_line(1, 0, 0), record_line(2, 9), record_line(3, 9, 1)]
    assert [(r.offset, r.tick) for r in read(lines)] == [(0, 0), (1, 0), (2, 9), (3, 9)]
