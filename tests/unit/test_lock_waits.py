"""Another reader holding the database's lock (an import's batch, a window stopped with
SIGSTOP) keeps no one waiting for what can wait: ``reader list`` leaves its cache for later,
and a reading position is saved with the next change (see tests/ui/test_busy_database.py).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from filelock import FileLock

from reader.cli import main
from reader.db import storage
from reader.db.single_file import SingleFileStore as Store
from reader.db.storage import lock_for
from reader.paths import resolve


class LockHeldElsewhere:
    """Another process holds the database's lock (an import's batch, a window stopped with
    SIGSTOP) until :meth:`let_go`, or for ``limit`` seconds at the most."""

    def __init__(self, db: Path, limit: float = 20.0) -> None:
        self.lock = FileLock(str(lock_for(db)))
        self.limit = limit
        self._go, self._held = threading.Event(), threading.Event()
        self.early = False  # let go when asked, before the limit
        self._holder = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        with self.lock:
            self._held.set()
            self.early = self._go.wait(self.limit)

    def __enter__(self) -> LockHeldElsewhere:
        self._holder.start()
        self._held.wait()
        return self

    def let_go(self) -> None:
        self._go.set()

    def __exit__(self, *exc: object) -> None:
        self._go.set()
        self._holder.join()


def test_reader_list_does_not_wait_for_another_process_holding_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    (library / "long.md").write_text("# Long\n\nA paragraph.\n", encoding="utf-8")
    db = resolve().db
    Store(db).close()
    monkeypatch.setattr(storage, "LOCK_TIMEOUT", 60.0)
    with LockHeldElsewhere(db) as other:
        assert main(["list", str(library)]) == 0
        other.let_go()
    assert other.early, "reader list waited until the other process let the lock go"
    assert "Long" in capsys.readouterr().out
    # What it found (the title) is saved by a later list, once the lock is free.
    assert main(["list", str(library)]) == 0
    assert Store(db, read_only=True).known_articles()
