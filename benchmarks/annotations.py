"""Benchmark annotation at scale: saving a highlight, and opening a heavily annotated article.

Run on demand (never in CI) from the project root::

    .venv/bin/python benchmarks/annotations.py            # 60 adds, 9 opens per case
    .venv/bin/python benchmarks/annotations.py --quick

Targets (issue 3): with 10,000 highlights in the database across 200 articles, adding a
highlight, from key to saved on disk, in under 50 ms median; opening an article with 500
highlights as fast as one with none (within 20%).

What is measured, in-process with Textual's headless driver (``App.run_test``), against a
database in a fresh temporary folder:

* **Add**: 10,000 highlights (50 on each of 200 articles) are written first. Then one of the
  articles is opened and ``h`` is pressed on successive paragraphs; each press is timed from
  the moment the key is sent until the store's ``save_highlight`` has returned, that is, the
  highlight is on disk (written atomically, with ``fsync``); the script checks the file holds
  them all. The store's own write (``Annotations.create``) is timed separately.
* **Open**: the same 600-paragraph article, once with no highlights and once with 500 (made on
  an earlier version of the text, so that they are re-anchored in a background thread, and on
  this version, placed at once), from creating the app to the first screen of the article.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dogs",
    "while",
    "readers",
    "mark",
    "passages",
    "and",
    "write",
    "notes",
    "about",
    "policy",
    "trade",
    "budgets",
    "tariffs",
    "history",
    "science",
    "letters",
    "archives",
]


def paragraph(seed: int, words: int = 60) -> str:
    return " ".join(
        WORDS[(seed * 7 + n * 3) % len(WORDS)] + str((seed + n) % 13) for n in range(words)
    )


def write_article(path: Path, number: int, paragraphs: int) -> None:
    body = [f"# Article {number}", ""]
    for index in range(paragraphs):
        body += [f"Paragraph {index} of article {number}: {paragraph(number * 1000 + index)}.", ""]
    path.write_text("\n".join(body), encoding="utf-8")


def annotate(store, path: Path, count: int) -> None:
    """``count`` highlights, one per paragraph, written in one save."""
    import dataclasses

    from reader.services.annotations import Annotations
    from reader.text.documents import load_article

    article = load_article(path)
    annotations = Annotations(store, article)
    blocks = [b for b in article.blocks if b.kind.value == "paragraph"][:count]
    made = []
    for block in blocks:
        # Build without saving one by one: this is set-up, not the thing measured.
        anchor = annotations._describe(article.text, block.start, block.start + 40)
        made.append(
            dataclasses.replace(
                _template(article.id), id=f"{article.id}-{block.start}", anchor=anchor
            )
        )
    store.save_highlights(made)


def _template(article_id: str):
    from reader.model import Anchor, Colour, Highlight

    return Highlight(
        id="x",
        article_id=article_id,
        anchor=Anchor(0, 0, ""),
        colour=Colour.GREEN,
        tags=("bench",),
        note="A note of a few words, as people write them.",
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
    )


async def measure_adds(library: Path, presses: int) -> tuple[list[float], list[float]]:
    from reader.db.store import Store
    from reader.paths import resolve
    from reader.services.annotations import Annotations
    from reader.text.documents import load_article
    from reader.ui.app import ReaderApp

    target = library / "article-000.md"
    store = Store(resolve().db)
    app = ReaderApp(store, article=target)
    times: list[float] = []
    saved_at: list[float] = []
    save = store.save_highlight

    def timed_save(highlight) -> None:
        save(highlight)
        saved_at.append(time.perf_counter())

    store.save_highlight = timed_save  # type: ignore[method-assign]
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        for _ in range(presses):
            await pilot.press("j")
            saved_at.clear()
            started = time.perf_counter()
            await pilot.press("h")
            times.append(saved_at[0] - started)
    article = load_article(target)
    on_disk = len(Store(resolve().db).highlights(article.id))
    assert on_disk >= presses, f"only {on_disk} highlights on disk"

    # The store's part alone, on another article of the same database.
    other = load_article(library / "article-001.md")
    annotations = Annotations(Store(resolve().db), other)
    annotations.load()
    writes = []
    for block in other.blocks[1 : presses + 1]:
        started = time.perf_counter()
        annotations.create(block.start + 5, block.start + 30)
        writes.append(time.perf_counter() - started)
    return times, writes


async def measure_open(path: Path) -> float:
    from reader.db.store import Store
    from reader.paths import resolve
    from reader.ui.app import ReaderApp
    from reader.ui.reading.screen import ReadingScreen

    started = time.perf_counter()
    app = ReaderApp(Store(resolve().db), article=path)
    async with app.run_test(size=(160, 45)) as pilot:
        while not isinstance(app.screen, ReadingScreen):
            await pilot.pause()
        await pilot.pause()
        elapsed = time.perf_counter() - started
        await app.workers.wait_for_complete()
    return elapsed


def use_data_dir(folder: Path) -> None:
    os.environ["READER_DATA_DIR"] = str(folder)
    os.environ.pop("READER_DB", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=60)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args(argv)
    if options.quick:
        options.presses, options.runs = 15, 3

    from reader.db.store import Store
    from reader.paths import resolve

    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        library = base / "library"
        library.mkdir()
        use_data_dir(base / "big")
        store = Store(resolve().db)
        for number in range(200):
            path = library / f"article-{number:03d}.md"
            write_article(path, number, 80)
            annotate(store, path, 50)
        counts = store.highlight_counts()
        total = sum(h for h, _ in counts.values())
        size = resolve().db.stat().st_size / 1e6
        times, writes = asyncio.run(measure_adds(library, options.presses))

        # Opening: one 600-paragraph article, with and without 500 highlights.
        big = base / "open" / "long.md"
        big.parent.mkdir()
        write_article(big, 7, 600)
        use_data_dir(base / "none")
        Store(resolve().db)
        use_data_dir(base / "same")
        annotate(Store(resolve().db), big, 500)
        opens: dict[str, list[float]] = {"none": [], "same": []}
        for _ in range(options.runs):
            for case in opens:
                use_data_dir(base / case)
                opens[case].append(asyncio.run(measure_open(big)))

    median = statistics.median
    print(f"Database: {total:,} highlights across {len(counts)} articles, {size:.1f} MB")
    print()
    print("| Measure | Median | p95 | Target |")
    print("| --- | --- | --- | --- |")
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    print(
        f"| `h` key to saved on disk ({len(times)} presses) | {median(times) * 1000:.1f} ms "
        f"| {p95 * 1000:.1f} ms | < 50 ms |"
    )
    wp95 = sorted(writes)[int(0.95 * (len(writes) - 1))]
    print(
        f"| store write alone (atomic, fsync) | {median(writes) * 1000:.1f} ms "
        f"| {wp95 * 1000:.1f} ms | |"
    )
    none, same = median(opens["none"]), median(opens["same"])
    print(
        f"| open 600-paragraph article, no highlights ({options.runs} runs) "
        f"| {none * 1000:.0f} ms | | |"
    )
    print(
        f"| open it with 500 highlights | {same * 1000:.0f} ms | | "
        f"within 20% (ratio {same / none:.2f}) |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
