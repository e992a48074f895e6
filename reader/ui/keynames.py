"""Key names as Textual knows them: which a terminal can send, which a field takes as text.

Textual names a key by what the terminal sends: a letter or digit is itself (``j``, ``G``,
``5``), other characters go by their Unicode name (``slash``, ``number_sign``,
``question_mark``; ``plus``, ``minus``, ``at``, ``underscore`` and ``backslash`` shortened),
and the other keys by name (``enter``, ``escape``, ``tab``, ``space``, ``backspace``,
``up``, ``pageup``, ``home``, ``f1``-``f24``...), after their modifiers in alphabetical
order (``ctrl+shift+left``). A name it never sends (``banana``, ``control+s``) would bind
nothing: :func:`key_problem` says what is wrong with one, before it costs an action.
"""

from __future__ import annotations

import string
from functools import cache

from textual._keyboard_protocol import FUNCTIONAL_KEYS
from textual.keys import REPLACED_KEYS, Keys, _character_to_key, key_to_character

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")
"""The modifiers Textual reports, in the order it writes them (alphabetical)."""


@cache
def named_keys() -> frozenset[str]:
    """Every key name (without modifiers) a terminal's key can arrive as in Textual."""
    names = {key.value.rpartition("+")[2] for key in Keys if not key.value.startswith("<")}
    names.update(FUNCTIONAL_KEYS.values())
    # The printable characters of a keyboard, by the names Textual gives them.
    names.update(_character_to_key(character) for character in string.printable.strip())
    names.update(("space", "enter", "tab", "escape", "backspace"))
    names.discard("ctrl-at")  # an alias in Keys, never a key's name
    return frozenset(names)


def character_of(key: str) -> str | None:
    """The character a key types (``q`` for ``q``, ``/`` for ``slash``), or None for a
    key that types none (``enter``, ``ctrl+s``)."""
    if "+" in key.strip("+"):
        return None
    return key_to_character(REPLACED_KEYS.get(key, key))


def is_typed(key: str) -> bool:
    """Whether a text field takes ``key`` as text (``q``, ``number_sign``, ``space``)."""
    character = character_of(key)
    return character is not None and character.isprintable()


def normalize(key: str) -> str:
    """``key`` as Textual writes it: a character by its name (``/`` is ``slash``),
    modifiers in alphabetical order (``shift+ctrl+up`` is ``ctrl+shift+up``)."""
    *modifiers, name = key.split("+") if key != "+" else ["+"]
    if len(name) == 1:
        name = _character_to_key(name)
    return "+".join([*sorted(set(modifiers)), name])


def key_problem(key: str) -> str | None:
    """What is wrong with ``key`` as a key to bind (None: nothing)."""
    *modifiers, name = key.split("+") if key != "+" else ["+"]
    wrong = [modifier for modifier in modifiers if modifier not in MODIFIERS]
    if wrong:
        return (
            f"{wrong[0]!r} is not a modifier (they are: {', '.join(MODIFIERS)})"
            if wrong[0]
            else f"{key!r} has an empty part between two +"
        )
    if len(name) != 1 and name not in named_keys():
        if name.lower() in named_keys():
            return f"key names are in lower case: {name.lower()!r}"
        return (
            f"{name!r} is not the name of a key (a key is a character, or a name such as "
            "enter, space, up, pageup, f5, slash or question_mark)"
        )
    if modifiers == ["shift"] and len(name) == 1 and name.isalpha():
        return f"the terminal sends {key!r} as {name.upper()!r}: write that"
    return None
