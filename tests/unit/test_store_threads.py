"""The store read from worker threads (the notes index, the link index, looking for a moved
article) while the app writes on its own thread: every write survives."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from reader.db.single_file import ReadingPosition
from reader.db.single_file import SingleFileStore as Store
from tests.unit.test_store import make_highlight


def test_a_worker_reading_while_the_app_writes_loses_no_write(tmp_path: Path) -> None:
    """A table parsed by a worker as the app wrote it once took the write's place in
    memory (``Tables.__getitem__`` stored its stale parse), and the app's next save wrote
    the stale table back: the highlight saved in between was gone from the file."""
    path = tmp_path / "reader.json"
    # Big tables, so that parsing one takes a while; several, so that there are many.
    Store(path).save_highlights(
        make_highlight(f"art{a}", n, note="a note " * 10) for a in range(4) for n in range(800)
    )
    store = Store(path)  # the app's: its tables parsed on first use
    other = Store(path)  # another window: each of its saves makes the app read the file anew
    stop = threading.Event()
    failures: list[BaseException] = []

    def read() -> None:  # as the notes index and the link index do, in their threads
        while not stop.is_set():
            try:
                for a in range(4):
                    store.highlights(f"art{a}")
                store.known_articles()
                store.highlight_counts()
            except BaseException as error:  # pragma: no cover - what the test looks for
                failures.append(error)
                return

    saved: list[str] = []
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    worker = threading.Thread(target=read)
    worker.start()
    try:
        for n in range(30):
            for a in range(4):
                highlight = make_highlight(f"art{a}", 10_000 + n)
                store.save_highlight(highlight)
                saved.append(highlight.id)
            position = ReadingPosition(n, n, 0.5)
            other.save_position("elsewhere", Path("/x/elsewhere.md"), "f" * 20, position)
    finally:
        stop.set()
        worker.join()
        sys.setswitchinterval(switching)
    assert failures == []
    on_disk = Store(path)
    kept = {h.id for a in range(4) for h in on_disk.highlights(f"art{a}")}
    assert set(saved) - kept == set()


def test_a_worker_reading_during_a_batch_does_not_undo_its_first_change(tmp_path: Path) -> None:
    """A batch (an import, a move) makes several changes under one hold of the lock and
    writes once. A worker's read in the middle of it, finding the file changed by another
    window, once replaced the store's copy by the file as it was, without the batch's first
    changes: the batch then wrote its last change over them."""
    path = tmp_path / "reader.json"
    Store(path).save_highlights(make_highlight(f"art{a}", n) for a in range(4) for n in range(300))
    store = Store(path)
    other = Store(path)
    stop = threading.Event()
    failures: list[BaseException] = []

    def read() -> None:
        while not stop.is_set():
            try:
                store.known_articles()
                store.highlights("art0")
            except BaseException as error:  # pragma: no cover - what the test looks for
                failures.append(error)
                return

    saved: list[str] = []
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    worker = threading.Thread(target=read)
    worker.start()
    try:
        for n in range(60):
            with store.batch():
                for a in range(4):
                    highlight = make_highlight(f"art{a}", 10_000 + n)
                    store.save_highlight(highlight)
                    saved.append(highlight.id)
            position = ReadingPosition(n, n, 0.5)
            other.save_position("elsewhere", Path("/x/elsewhere.md"), "f" * 20, position)
    finally:
        stop.set()
        worker.join()
        sys.setswitchinterval(switching)
    assert failures == []
    on_disk = Store(path)
    kept = {h.id for a in range(4) for h in on_disk.highlights(f"art{a}")}
    assert set(saved) - kept == set()
