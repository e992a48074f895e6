"""What reader remembers between runs that is neither a setting nor a note: the library's
order, for one.

Kept in ``state.json`` in the data folder (``reader locate`` shows it), not in
``config.toml``, which is the user's to write and which reader never writes. The file is
reader's own: it says so (``"written_by": "reader"``), is written whole or not at all, and a
file of that name that is not reader's is left as it is (reader remembers nothing then, and
says why).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeGuard

from reader.atomic import atomic_write

STATE_NAME = "state.json"
MARK = {"written_by": "reader"}


class StateError(Exception):
    """The state file could not be written (the message says why, in one line)."""


def state_path(data_dir: Path) -> Path:
    """Where reader keeps what it remembers."""
    return data_dir / STATE_NAME


def load(data_dir: Path) -> dict[str, object]:
    """What was remembered (nothing, when there is no file, or one that is not reader's):
    JSON values as the file holds them, to be checked by who reads them."""
    try:
        data = json.loads(state_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if _ours(data) else {}


def remember(data_dir: Path, **values: object) -> None:
    """Remember ``values`` besides what is remembered already.

    Raises StateError when the file cannot be written, or is not reader's.
    """
    path = state_path(data_dir)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        data: dict[str, object] = dict(MARK)
    except (OSError, UnicodeDecodeError) as error:
        raise StateError(f"{path} cannot be read ({_why(error)}); it was left as it is") from None
    else:
        try:
            found = json.loads(raw)
        except ValueError:
            found = None
        if not _ours(found):
            raise StateError(f"{path} is not reader's; it was left as it is")
        data = found
    data.update(values)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    except OSError as error:
        raise StateError(f"{path} cannot be written ({_why(error)})") from None


def _ours(data: object) -> TypeGuard[dict[str, object]]:
    return isinstance(data, dict) and data.get("written_by") == MARK["written_by"]


def _why(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)
