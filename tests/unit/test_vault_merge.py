"""The merge of the vault's records: a join (any order, any grouping, any repetition of
the copies gives the same notes), and what it means for a reader: the latest change wins
per field, tags per tag, a note written apart keeps both texts, a deletion hides only what
it saw."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from reader.db.vault import merge as m
from reader.db.vault.clock import Clock, make
from reader.db.vault.records import (
    HIGHLIGHTS,
    DeleteHighlight,
    KeepNote,
    PutHighlight,
    RestoreHighlight,
    apply,
    highlight_from,
)
from tests.vault_kit import KEY, A, B, C, FakeWall, highlight

# --- records drawn at random ----------------------------------------------------------------

clocks = st.builds(make, st.integers(1, 6), st.integers(0, 2), st.sampled_from(["a", "b", "c"]))
values = st.one_of(st.none(), st.booleans(), st.sampled_from(["x", "y", "z"]), st.just({"k": 1}))
fields = st.dictionaries(
    st.sampled_from(["colour", "anchor", "label"]), st.tuples(values, clocks).map(list), max_size=3
)
deletions = st.tuples(
    st.one_of(
        st.just(False),
        st.dictionaries(st.sampled_from(["a", "b", "c"]), clocks, max_size=3).map(
            lambda saw: {"saw": saw}
        ),
    ),
    clocks,
).map(list)
sets = st.dictionaries(
    st.just("tags"),
    st.dictionaries(
        st.sampled_from(["t1", "t2", "t3"]), st.tuples(st.booleans(), clocks).map(list)
    ),
    max_size=1,
)
registers = st.dictionaries(
    st.just("note"),
    st.fixed_dictionaries(
        {
            "v": st.lists(st.tuples(st.sampled_from(["n1", "n2", "n3"]), clocks).map(list)),
            "gone": st.lists(clocks, max_size=3),
        }
    ),
    max_size=1,
)


@st.composite
def records(draw: st.DrawFn, rid: str = "r") -> m.Record:
    doc: dict[str, Any] = {"id": rid, "f": draw(fields), "s": draw(sets), "m": draw(registers)}
    if draw(st.booleans()):
        doc["f"]["deleted"] = draw(deletions)
    record = m.clean_record(doc)
    assert record is not None
    return record


def same(a: object, b: object) -> bool:
    """Equal as JSON, key order aside (what a device writes, and shows)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@given(records(), records())
def test_merge_is_commutative(a: m.Record, b: m.Record) -> None:
    assert same(m.merge_record(a, b), m.merge_record(b, a))


@given(records(), records(), records())
def test_merge_is_associative(a: m.Record, b: m.Record, c: m.Record) -> None:
    left = m.merge_record(m.merge_record(a, b), c)
    right = m.merge_record(a, m.merge_record(b, c))
    assert same(left, right)


@given(records(), records())
def test_merge_is_idempotent(a: m.Record, b: m.Record) -> None:
    assert same(m.merge_record(a, a), a)
    ab = m.merge_record(a, b)
    assert same(m.merge_record(ab, b), ab) and same(m.merge_record(a, ab), ab)


@given(st.lists(st.tuples(st.sampled_from(["r1", "r2"]), records()), min_size=1, max_size=5))
def test_any_order_and_any_repetition_of_copies_gives_the_same_tables(
    drawn: list[tuple[str, m.Record]],
) -> None:
    """Deterministic: every order of arrival, with copies arriving twice, gives the same
    tables, byte for byte."""
    copies = [{HIGHLIGHTS: {rid: {**record, "id": rid}}} for rid, record in drawn]
    expected = json.dumps(m.merge_tables(copies), sort_keys=True)
    for order in itertools.islice(itertools.permutations(copies), 24):
        twice = [*order, *order[:2]]
        assert json.dumps(m.merge_tables(twice), sort_keys=True) == expected


@given(records(), records())
def test_the_merge_changes_neither_copy(a: m.Record, b: m.Record) -> None:
    before = json.dumps([a, b], sort_keys=True)
    m.merge_record(a, b)
    m.merge_tables([{HIGHLIGHTS: {"r": a}}, {HIGHLIGHTS: {"r": b}}])
    assert json.dumps([a, b], sort_keys=True) == before


def test_a_record_that_is_not_one_is_left_out_and_bad_times_are_dropped() -> None:
    assert m.clean_record({"f": {}}) is None
    assert m.clean_record(["not", "a", "record"]) is None
    cleaned = m.clean_record(
        {"id": "r", "f": {"colour": ["green", "yesterday"], "label": ["x", make(1, 0, "a")]}}
    )
    assert cleaned == {"id": "r", "f": {"label": ["x", make(1, 0, "a")]}}


# --- what it means for the reader's notes ------------------------------------------------------


class Device:
    """One device's copy of an article's tables, changed as reader changes them."""

    def __init__(self, ident: str, wall: FakeWall | None = None) -> None:
        self.clock = Clock(ident, wall or FakeWall())
        self.ident = ident
        self.tables: m.Tables = {}

    def do(self, *changes: Any) -> None:
        for change in changes:
            self.tables = apply(
                self.tables, change, key=KEY, device=self.ident, clock=self.clock.tick()
            )

    def receive(self, *others: Device) -> None:
        self.tables = m.merge_tables([self.tables, *(o.tables for o in others)])
        for other in others:
            for table in other.tables.values():
                for record in table.values():
                    self.clock.observe(m.latest(record))

    def record(self, number: int = 0) -> m.Record:
        return self.tables[HIGHLIGHTS][highlight(number).id]

    def shown(self, number: int = 0) -> Any:
        return highlight_from(self.record(number), KEY)


def test_the_latest_change_of_a_field_wins_in_any_order() -> None:
    a, b = Device(A), Device(B)
    a.do(PutHighlight(highlight(0)))
    b.receive(a)
    a.do(PutHighlight(highlight(0, colour=m_colour("green")), base=highlight(0)))
    b.clock.observe(a.clock.last)
    b.do(PutHighlight(highlight(0, colour=m_colour("blue")), base=highlight(0)))
    a.receive(b), b.receive(a)
    assert a.shown().colour.value == b.shown().colour.value == "blue"


def m_colour(name: str) -> Any:
    from reader.model import Colour

    return Colour(name)


def test_tags_added_on_two_devices_both_stay_and_a_later_removal_wins() -> None:
    a, b = Device(A), Device(B)
    a.do(PutHighlight(highlight(0)))
    b.receive(a)
    a.do(PutHighlight(highlight(0, tags=("idea",)), base=highlight(0)))
    b.do(PutHighlight(highlight(0, tags=("todo",)), base=highlight(0)))
    a.receive(b), b.receive(a)
    assert set(a.shown().tags) == set(b.shown().tags) == {"idea", "todo"}
    a.do(PutHighlight(a.shown().__class__(**{**_fields(a.shown()), "tags": ("todo",)})))
    b.receive(a)
    assert b.shown().tags == ("todo",)


def _fields(h: Any) -> dict[str, Any]:
    return {name: getattr(h, name) for name in h.__slots__}


def test_a_note_written_apart_on_two_devices_keeps_both_texts_until_one_is_kept() -> None:
    a, b = Device(A), Device(B, FakeWall(skew=-60_000))  # B's clock a minute slow
    a.do(PutHighlight(highlight(0, note="first")))
    b.receive(a)
    base = highlight(0, note="first")
    a.do(PutHighlight(highlight(0, note="from the laptop"), base=base))
    b.do(PutHighlight(highlight(0, note="from the desktop"), base=base))
    a.receive(b), b.receive(a)
    for device in (a, b):
        texts = [text for text, _ in m.versions(device.record(), "note")]
        assert sorted(texts) == ["from the desktop", "from the laptop"]
    assert a.shown().note == b.shown().note
    # Editing the note shown does not settle the conflict silently: the other text stays.
    shown = a.shown()
    a.do(PutHighlight(highlight(0, note=shown.note + " (edited)"), base=shown))
    texts = {text for text, _ in m.versions(a.record(), "note")}
    assert len(texts) == 2 and shown.note + " (edited)" in texts
    # Keeping one settles it, on every device.
    a.do(KeepNote(highlight(0).id, "both, merged by hand"))
    b.receive(a)
    assert [text for text, _ in m.versions(b.record(), "note")] == ["both, merged by hand"]


def test_a_stale_copy_never_brings_back_a_replaced_text() -> None:
    a, b, c = Device(A), Device(B), Device(C)
    a.do(PutHighlight(highlight(0, note="v1")))
    stale = Device(A)
    stale.tables = a.tables  # a copy of A's file as it was
    b.receive(a)
    b.do(PutHighlight(highlight(0, note="v2"), base=highlight(0, note="v1")))
    c.receive(b)
    c.do(PutHighlight(highlight(0, note="v3"), base=highlight(0, note="v2")))
    b.receive(c)  # B drops v2 from what it shows, and keeps that v1 and v2 are gone
    for order in ([b, stale], [stale, b]):
        reader = Device(A)
        reader.receive(*order)
        assert [text for text, _ in m.versions(reader.record(), "note")] == ["v3"]


def test_a_deletion_hides_what_it_saw_and_a_tie_goes_to_the_deletion() -> None:
    a, b = Device(A), Device(B)
    a.do(PutHighlight(highlight(0, note="kept in the tombstone")))
    b.receive(a)
    b.do(DeleteHighlight(highlight(0).id))
    a.receive(b)
    assert m.is_deleted(a.record())
    saw = m.field(a.record(), "deleted")["saw"]
    assert saw[A] == max(m.change_clocks(a.record()))  # the tie: seen, so deleted
    assert "kept in the tombstone" in json.dumps(a.record())


def test_an_edit_the_deletion_did_not_see_brings_the_highlight_back() -> None:
    """The laptop's clock is an hour fast: its deletion has the later time, but it never
    saw the note the desktop wrote meanwhile, so the highlight comes back with it."""
    fast = FakeWall(skew=3_600_000)
    a, b = Device(A, fast), Device(B)
    a.do(PutHighlight(highlight(0)))
    b.receive(a)
    b.do(PutHighlight(highlight(0, note="written on the desktop"), base=highlight(0)))
    fast.now += 1_000  # a second later, on the laptop
    a.do(DeleteHighlight(highlight(0).id))
    assert m.latest(a.record()) > m.latest(b.record())
    a.receive(b), b.receive(a)
    assert not m.is_deleted(a.record()) and not m.is_deleted(b.record())
    assert a.shown().note == "written on the desktop"


def test_undo_brings_back_with_a_later_time_and_a_second_delete_hides_again() -> None:
    a, b = Device(A), Device(B)
    a.do(PutHighlight(highlight(0)), DeleteHighlight(highlight(0).id))
    assert m.is_deleted(a.record())
    a.do(RestoreHighlight(highlight(0).id))
    b.receive(a)
    assert not m.is_deleted(b.record())
    b.do(DeleteHighlight(highlight(0).id))
    a.receive(b)
    assert m.is_deleted(a.record())
    a.do(PutHighlight(highlight(0)))  # saving it again (an undo) brings it back too
    assert not m.is_deleted(a.record())


def test_a_new_record_shows_nothing_more_than_what_was_set() -> None:
    a = Device(A)
    a.do(PutHighlight(highlight(0)))
    record = a.record()
    assert set(record["f"]) == {"anchor", "colour", "created", "modified"}
    assert "m" not in record and "s" not in record
