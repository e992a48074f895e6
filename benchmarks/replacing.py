"""Benchmark re-placing highlights in a book cut short (issue 21): how long it takes, what it
decides, and how keys fare meanwhile.

Run on demand (never in CI) from the project root::

    .venv/bin/python benchmarks/replacing.py            # 3 runs
    .venv/bin/python benchmarks/replacing.py --runs 1

The book is the benchmark book (``benchmarks/build_book.py``: the King James Bible and ten
plays) cut to its first 20,000 paragraphs. A highlight is made on every 40th paragraph (500:
half whole paragraphs, half phrases of 8 to 40 characters), then the file is cut to 16,000
paragraphs, as the issue did. Measured, each run in a fresh temporary data folder:

* **place**: ``Annotations.find_places`` over all 500 in one thread, as the app's worker
  calls it (median of the runs), and what was decided: re-placed, marked "moved: check",
  orphans; of the 100 whose passage was cut away, how many were placed elsewhere without a
  mark (another copy of the same words with the same context: the Bible repeats itself), and
  how many re-placed highlights kept no ``original`` selectors;
* **keys**: the app opened on the cut book (headless, in-process) while the highlights are
  being placed in its worker thread: how late its event loop wakes from a 10 ms sleep (what a
  key pressed then waits before it is handled: median, 95th percentile, maximum), and how
  long until placing was done.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def make(folder: Path, book: Path) -> tuple[Path, dict]:
    """The 20,000-paragraph book with its 500 highlights saved, then cut to 16,000."""
    from reader.db.store import Store
    from reader.paths import resolve
    from reader.services.annotations import Annotations
    from reader.text.documents import load_article

    paragraphs = book.read_text(encoding="utf-8").split("\n\n")
    path = folder / "book.md"
    path.write_text("\n\n".join(paragraphs[:20_000]), encoding="utf-8")
    store = Store(resolve().db)
    article = load_article(path)
    notes = Annotations(store, article)
    notes.load()
    rng = random.Random(1)
    for index in range(0, len(article.blocks), 40):
        block = article.blocks[index]
        if rng.random() < 0.5 or len(block.text) < 30:
            notes.create(block.start, block.end)
        else:
            start = rng.randrange(0, len(block.text) - 20)
            end = min(len(block.text), start + rng.randrange(8, 40))
            notes.create(block.start + start, block.start + end)
    made = {h.id: h for h in store.highlights(article.id)}
    store.close()
    path.write_text("\n\n".join(paragraphs[:16_000]), encoding="utf-8")
    return path, made


def place(path: Path, made: dict) -> dict:
    from reader.db.store import Store
    from reader.paths import resolve
    from reader.services.annotations import Annotations
    from reader.text.documents import load_article

    store = Store(resolve().db)
    cut = load_article(path)
    notes = Annotations(store, cut)
    notes.load()
    started = time.perf_counter()
    found = notes.find_places(cut.text, notes.unplaced)
    seconds = time.perf_counter() - started
    report = notes.apply_places(found)
    saved = {h.id: h for h in store.highlights(cut.id)}
    gone = [i for i, h in made.items() if h.anchor.start >= len(cut.text) - 5]
    elsewhere = sum(1 for i in gone if found[i] is not None and not saved[i].check)
    no_original = sum(
        1
        for i, h in saved.items()
        if found[i] is not None
        and h.original is None
        and (h.anchor.exact, h.anchor.prefix, h.anchor.suffix)
        != (made[i].anchor.exact, made[i].anchor.prefix, made[i].anchor.suffix)
    )
    store.close()
    return {
        "seconds": seconds,
        "moved": report.moved,
        "checked": report.checked,
        "orphans": report.orphans,
        "gone": len(gone),
        "elsewhere": elsewhere,
        "no_original": no_original,
    }


async def keys(path: Path) -> dict:
    from reader.db.store import Store
    from reader.paths import resolve
    from reader.ui.app import ReaderApp

    app = ReaderApp(Store(resolve().db), article=path)
    lags: list[float] = []
    async with app.run_test(size=(160, 45)):
        opened = time.perf_counter()
        # How late the interface's event loop wakes from a 10 ms sleep: what a key pressed
        # then would wait before it is handled.
        while app.screen.annotations.unplaced or app.workers:
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - started - 0.01)
        done = time.perf_counter() - opened
    lags.sort()
    return {
        "median": statistics.median(lags),
        "p95": lags[int(len(lags) * 0.95)],
        "max": lags[-1],
        "placed_after": done,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    from build_book import build

    book = build()
    results, presses = [], []
    for _ in range(options.runs):
        with tempfile.TemporaryDirectory() as folder:
            os.environ["READER_DATA_DIR"] = str(Path(folder) / "data")
            path, made = make(Path(folder), book)
            results.append(place(path, made))
            path, made = make(Path(folder), book)  # afresh: the run above saved its places
            presses.append(asyncio.run(keys(path)))
    first = results[0]
    print(f"place: {statistics.median(r['seconds'] for r in results):.2f} s (median)")
    print(
        f"  re-placed {first['moved']} (moved: check {first['checked']}), "
        f"orphans {first['orphans']}; of {first['gone']} cut away, placed elsewhere without "
        f"a mark {first['elsewhere']}; re-placed without original selectors "
        f"{first['no_original']}"
    )
    median = statistics.median(p["median"] for p in presses) * 1000
    p95 = statistics.median(p["p95"] for p in presses) * 1000
    print(
        f"event loop lag while placing in the app: median {median:.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(p['max'] for p in presses) * 1000:.1f} ms; placing done after "
        f"{statistics.median(p['placed_after'] for p in presses):.1f} s (median)"
    )


if __name__ == "__main__":
    main()
