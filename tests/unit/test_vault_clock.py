"""The vault's hybrid logical clock: never back, never behind what it has seen, the same
order as text and as numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.db.vault import clock
from reader.db.vault.clock import Clock
from tests.vault_kit import A, B, FakeWall


def test_times_increase_while_the_wall_clock_stands_still_or_goes_back() -> None:
    wall = FakeWall()
    ticking = Clock(A, wall)
    times = [ticking.tick()]
    for step in (0, 0, -5_000, 0, 1, -1):
        wall.now += step
        times.append(ticking.tick())
    assert times == sorted(times)
    assert len(set(times)) == len(times)


def test_a_slow_clock_writes_after_what_it_has_read() -> None:
    """A device whose clock is an hour slow still makes its edit after one it has seen:
    the slow machine's edit is not lost to an older-looking time."""
    fast = Clock(A, FakeWall(skew=3_600_000))
    slow = Clock(B, FakeWall(skew=0))
    seen = fast.tick()
    slow.observe(seen)
    assert slow.tick() > seen
    assert clock.wall_of(slow.tick()) == clock.wall_of(seen)  # pulled forward, not past it


def test_observing_something_that_is_not_a_time_changes_nothing() -> None:
    ticking = Clock(A, FakeWall())
    before = ticking.tick()
    for junk in ("", "9999999999999", "x" * 60, "9999999999999-0000-NOT HEX"):
        ticking.observe(junk)
    after = ticking.tick()
    assert clock.wall_of(after) == clock.wall_of(before)


def test_ten_thousand_changes_in_one_millisecond_step_the_clock_ahead() -> None:
    wall = FakeWall()
    ticking = Clock(A, wall)
    times = [ticking.tick() for _ in range(clock.COUNTER_MAX + 3)]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert clock.wall_of(times[-1]) == wall.now + 1


def test_ties_are_broken_by_the_device() -> None:
    a, b = Clock(A, FakeWall()).tick(), Clock(B, FakeWall()).tick()
    assert a != b and a < b
    assert clock.device_of(a) == A and clock.device_of(b) == B


@given(
    st.tuples(st.integers(0, 10**13 - 1), st.integers(0, 9999), st.sampled_from([A, B, "c"])),
    st.tuples(st.integers(0, 10**13 - 1), st.integers(0, 9999), st.sampled_from([A, B, "c"])),
)
def test_text_order_is_time_order(x: tuple[int, int, str], y: tuple[int, int, str]) -> None:
    assert (clock.make(*x) < clock.make(*y)) == (x < y)
    assert clock.parse(clock.make(*x)) == x


def test_iso_times_round_trip_to_the_second() -> None:
    stamp = clock.from_iso("2026-03-04T05:06:07Z", A)
    assert stamp is not None and clock.iso(stamp) == "2026-03-04T05:06:07Z"
    assert clock.from_iso("yesterday", A) is None


def test_a_device_id_must_be_one() -> None:
    with pytest.raises(ValueError):
        Clock("not a device!")
