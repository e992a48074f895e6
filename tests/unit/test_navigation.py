"""Search matches and stepping through them."""

from __future__ import annotations

from reader.text.search import find_all, next_match, previous_match


def test_lower_case_query_ignores_case() -> None:
    assert find_all("Cat cat CAT", "cat") == [0, 4, 8]


def test_query_with_capitals_matches_case() -> None:
    assert find_all("Cat cat CAT", "Cat") == [0]


def test_query_is_literal_text() -> None:
    assert find_all("a.b axb (x)", "a.b") == [0]
    assert find_all("(x) [x]", "[x]") == [4]
    assert find_all("anything", "") == []


def test_next_and_previous_wrap_around() -> None:
    matches = [10, 20, 30]
    assert next_match(matches, 0) == 0
    assert next_match(matches, 25) == 2
    assert next_match(matches, 31) == 0
    assert next_match(matches, 0, current=2) == 0
    assert previous_match(matches, 25) == 1
    assert previous_match(matches, 5) == 2
    assert previous_match(matches, 0, current=0) == 2
    assert next_match([], 0) == -1
