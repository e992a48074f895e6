"""Another reader holding the database's lock (an import's batch, a window stopped with
SIGSTOP) keeps no one waiting for what can wait: ``reader list`` leaves its cache for later,
and a reading position is saved with the next change (see tests/ui/test_busy_database.py).
"""

from __future__ import annotations

import threading
from pathlib import Path

from filelock import FileLock

from reader.db.storage import lock_for


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
