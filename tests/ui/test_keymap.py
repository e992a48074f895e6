"""The settings' [keys] checked before Textual takes them: each bad line named, no action lost."""

from __future__ import annotations

import pytest

from reader.ui.bindings import binding_ids
from reader.ui.keymap import check_keys, default_keys, scopes
from reader.ui.keynames import key_problem, normalize


def test_every_binding_id_is_in_a_scope_the_check_knows() -> None:
    # A screen or widget added without a scope would have its keys go unchecked.
    assert binding_ids() <= set(default_keys(scopes()))


@pytest.mark.parametrize(
    "key, wrong",
    [
        ("ctrl+shift+meta+banana", "'banana' is not the name of a key"),
        ("control+s", "'control' is not a modifier"),
        ("F5", "key names are in lower case: 'f5'"),
        ("shift+a", "as 'A'"),
    ],
)
def test_a_key_textual_never_sends_is_named(key: str, wrong: str) -> None:
    problem = key_problem(key)
    assert problem is not None and wrong in problem


@pytest.mark.parametrize("key", ["h", "G", "5", "/", "slash", "ctrl+s", "alt+left", "f12", "space"])
def test_keys_a_terminal_sends_are_taken(key: str) -> None:
    assert key_problem(key) is None


def test_keys_are_written_as_textual_writes_them() -> None:
    assert normalize("/") == "slash"
    assert normalize("shift+ctrl+up") == "ctrl+shift+up"


def test_swapped_keys_stand_and_a_line_given_up_is_checked_again() -> None:
    ids = binding_ids()
    swapped = check_keys({"next-paragraph": "k,down", "previous-paragraph": "j,up"}, ids)
    assert swapped.problems == []
    assert swapped.keymap == {"next-paragraph": "k,down", "previous-paragraph": "j,up"}
    # highlight cannot have j; given up, it keeps h, which tags then cannot have.
    chained = check_keys({"highlight": "j", "tags": "h"}, ids)
    assert chained.keymap == {}
    assert [line.split(":")[0] for line in chained.problems] == [
        'keys.highlight = "j"',
        'keys.tags = "h"',
    ]
    assert "h is already highlight's (Highlight) key in the article" in chained.problems[1]


def test_a_key_is_checked_where_its_binding_acts() -> None:
    ids = binding_ids()
    # l links a selection: no selection key may take it, nor it a selection key.
    assert "while selecting" in check_keys({"make-link": "w"}, ids).problems[0]
    assert "while selecting" in check_keys({"select-word": "l"}, ids).problems[0]
    # The note editor's field takes s as text: ctrl+s would be gone.
    assert (
        "s is typed as text in the note editor" in check_keys({"note-save": "s"}, ids).problems[0]
    )
    # A key of the library that its filter uses for text editing still acts from the list.
    assert check_keys({"quit": "ctrl+x"}, ids).problems == []
    # Textual's own keys count: left scrolls the article.
    assert "Textual's scroll_left" in check_keys({"highlight": "left"}, ids).problems[0]
