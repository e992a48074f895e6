"""Benchmark the notes vault at scale: a save, an article's notes, the library's summaries,
every highlight.

Run on demand (never in CI) from the project root::

    .venv/bin/python benchmarks/vault.py            # 2,000 articles, 50,000 highlights
    .venv/bin/python benchmarks/vault.py --quick    # 200 articles, 5,000 highlights

Targets (issue 24): with 50,000 highlights over 2,000 articles and two devices' files, a
highlight saved on disk (written atomically, with fsync) in <= 10 ms median, and the bytes a
save writes in proportion to the article, not the library.

What is built, in a fresh temporary folder, through the vault's own API: the desktop saves
each article's highlights (about a third with a note, a fifth with tags, quotes of 60 to
240 characters), then the laptop opens each article and adds a tag, so both devices have a
file of every article, each the article's whole merged state. The build does not fsync (it
is not measured); the measurements do.

What is measured (medians; the laptop is this device):

* **save**: an article is opened (its notes read, as the app does on opening it), then one
  new highlight saved, from the call to the file on disk; and the bytes that save wrote.
  "Cold": the same, in an article this process never read.
* **read one article**: its notes merged from both devices' files, in a fresh process
  (nothing parsed yet), and again (files unchanged: nothing parsed again).
* **summaries**: every article's counts for the library: cold (no cache in the data folder:
  every file read), and warm (a fresh process, the cache there, no file changed).
* **every highlight**: all 50,000, merged, in a fresh process (the notes screen, ``reader
  notes``, ``export --all``; target: no slower than the single file's 2.0 s): cold (no
  cache in the data folder: every file read and merged, and the cache of merged notes
  written), warm (a fresh process, the cache there, no file changed), and after one
  article changed on the other device (that article read and merged again).
* **migration** (``--migration``): a schema-2 ``reader.json`` of the same size (its articles
  files in a library) moved into an empty vault, as the first start after the upgrade does,
  with fsync (target: < 30 s).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.db.migrate_vault import migrate  # noqa: E402
from reader.db.store import Store  # noqa: E402
from reader.db.vault.device import Device  # noqa: E402
from reader.db.vault.records import Facts, PutHighlight, SetFacts  # noqa: E402
from reader.db.vault.vault import Vault  # noqa: E402
from reader.model import Anchor, Colour, Highlight, ReadingPosition  # noqa: E402

LAPTOP = Device("a1" * 16, "LAPTOP")
DESKTOP = Device("b2" * 16, "DESKTOP")
WORDS = [
    "the",
    "reader",
    "marks",
    "passages",
    "and",
    "writes",
    "notes",
    "about",
    "policy",
    "trade",
    "budgets",
    "tariffs",
    "history",
    "of",
    "long",
    "form",
    "articles",
    "kept",
    "in",
    "plain",
    "files",
    "on",
    "every",
    "machine",
    "she",
    "uses",
]


def sentence(rng: random.Random, low: int, high: int) -> str:
    words: list[str] = []
    while len(" ".join(words)) < rng.randint(low, high):
        words.append(rng.choice(WORDS))
    return " ".join(words)


def key_of(number: int) -> str:
    return f"{number:016x}"


def make_highlight(rng: random.Random, key: str, number: int) -> Highlight:
    start = number * 400
    exact = sentence(rng, 60, 240)
    return Highlight(
        id=f"{int(key, 16):08x}-{number:04x}-4000-8000-{rng.getrandbits(48):012x}",
        article_id=key,
        anchor=Anchor(
            start,
            start + len(exact),
            exact,
            prefix=sentence(rng, 30, 32)[:32],
            suffix=sentence(rng, 30, 32)[:32],
            block=number * 3,
            fingerprint=f"{rng.getrandbits(64):016x}",
        ),
        colour=rng.choice(list(Colour)),
        tags=tuple(rng.sample(["idea", "quote", "todo", "policy"], rng.randint(1, 2)))
        if rng.random() < 0.2
        else (),
        note=sentence(rng, 40, 200) if rng.random() < 0.33 else "",
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
    )


@contextmanager
def no_fsync() -> Iterator[None]:
    with mock.patch.object(os, "fsync"):
        yield


def build(base: Path, articles: int, per_article: int) -> Path:
    """A vault of ``articles`` articles with ``per_article`` highlights each, with both
    devices' files of every article; its root."""
    rng = random.Random(24)
    root = base / "library" / ".reader"
    desktop = Vault(root, DESKTOP, base / "data-desktop")
    laptop = Vault(root, LAPTOP, base / "data-laptop")
    with no_fsync():
        for article in range(articles):
            key = key_of(article)
            desktop.save(
                key,
                [SetFacts(Facts(f"news/article-{article}.md", f"Article {article}"))]
                + [PutHighlight(make_highlight(rng, key, n)) for n in range(per_article)],
            )
        for article in range(articles):
            key = key_of(article)
            first = laptop.article(key).highlights[0]
            tagged = first.__class__(**{**_fields(first), "tags": (*first.tags, "seen")})
            laptop.save(key, [PutHighlight(tagged, base=first)])
    return root


def _fields(highlight: Highlight) -> dict[str, object]:
    return {name: getattr(highlight, name) for name in highlight.__slots__}


def fresh(root: Path, base: Path) -> Vault:
    """The laptop's vault as a new process sees it (nothing parsed)."""
    return Vault(root, LAPTOP, base / "data-laptop")


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--per-article", type=int, default=25)
    parser.add_argument("--saves", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="200 articles, fewer runs")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--migration", action="store_true", help="time moving reader.json too")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.saves, args.runs = 200, 20, 3
    base = Path(tempfile.mkdtemp(prefix="reader-vault-bench-")) if args.keep is None else args.keep
    base.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        root = build(base, args.articles, args.per_article)
        built = time.perf_counter() - started
        total = args.articles * args.per_article
        size = sum(p.stat().st_size for p in root.rglob("*.json"))
        print(
            f"{args.articles:,} articles, {total:,} highlights, two devices' files "
            f"({size / 1e6:.1f} MB in all), built in {built:.1f} s on {os.cpu_count()} cores"
        )
        time.sleep(2.5)  # let the files settle, as a vault not changed this very moment
        report(root, base, args)
        if args.migration:
            migration(base / "migration", args)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


def report(root: Path, base: Path, args: argparse.Namespace) -> None:
    rng = random.Random(7)
    keys = [key_of(n) for n in rng.sample(range(args.articles), args.saves * 2)]
    warm_keys, cold_keys = keys[: args.saves], keys[args.saves :]
    vault = fresh(root, base)
    saves, written = [], []
    for number, key in enumerate(warm_keys):
        vault.article(key)  # the article is open
        new = make_highlight(rng, key, 1000 + number)
        saves.append(timed(lambda key=key, new=new: vault.save(key, [PutHighlight(new)])))
        written.append((vault.own_notes / f"{key}.json").stat().st_size)
    cold = []
    for number, key in enumerate(cold_keys):
        new = make_highlight(rng, key, 2000 + number)
        cold.append(timed(lambda key=key, new=new: vault.save(key, [PutHighlight(new)])))
    time.sleep(2.5)
    reads_cold, reads_warm = [], []
    for key in keys[:20]:
        reader = fresh(root, base)
        reads_cold.append(timed(lambda key=key, reader=reader: reader.article(key)))
        reads_warm.append(timed(lambda key=key, reader=reader: reader.article(key)))
    cache = base / "data-laptop" / "cache"
    lists_cold, lists_warm, every_cold, every_warm, every_changed = [], [], [], [], []
    desktop = Vault(root, DESKTOP, base / "data-desktop")

    def every_highlight() -> float:
        reader = fresh(root, base)
        return timed(lambda: sum(len(n.highlights) for n in reader.all_articles()))

    for run in range(args.runs):
        shutil.rmtree(cache, ignore_errors=True)
        lists_cold.append(timed(lambda: fresh(root, base).summaries()))
        lists_warm.append(timed(lambda: fresh(root, base).summaries()))
        every_cold.append(every_highlight())
        every_warm.append(every_highlight())
        key = keys[run % len(keys)]
        new = make_highlight(rng, key, 3000 + run)
        with no_fsync():
            desktop.save(key, [PutHighlight(new)])
        time.sleep(2.5)  # settled, as a change synced a moment ago
        every_changed.append(every_highlight())
    print()
    print("| What (medians) | Time |")
    print("| --- | --- |")
    print(f"| save one highlight, article open (saved on disk, fsync) | {ms(saves)} |")
    print(f"| save one highlight, article not read before | {ms(cold)} |")
    print(f"| bytes written per save | {statistics.median(written):,.0f} B |")
    print(f"| read one article, fresh process | {ms(reads_cold)} |")
    print(f"| read one article again | {ms(reads_warm)} |")
    print(f"| summaries of all {args.articles:,} articles, cold (no cache) | {ms(lists_cold)} |")
    print(f"| summaries, warm (cache there, a fresh process) | {ms(lists_warm)} |")
    print(f"| every highlight, merged, fresh process, cold (no cache) | {ms(every_cold)} |")
    print(f"| every highlight, warm (cache there, a fresh process) | {ms(every_warm)} |")
    print(f"| every highlight, one article changed on the other device | {ms(every_changed)} |")
    print()
    print(f"save p95: {sorted(saves)[int(len(saves) * 0.95) - 1] * 1000:.1f} ms")


def migration(base: Path, args: argparse.Namespace) -> None:
    """Time moving a schema-2 database of the benchmark's size into an empty vault."""
    rng = random.Random(25)
    library = base / "library"
    library.mkdir(parents=True)
    database = base / "data" / "reader.json"
    store = Store(database)
    with no_fsync(), store.batch():
        for article in range(args.articles):
            path = library / f"news/article-{article}.md"
            old_id = f"{article:012x}"
            store.save_position(old_id, path, "", ReadingPosition(article % 7, 0, 0.5))
            store.save_highlights(
                replace(make_highlight(rng, key_of(article), n), article_id=old_id)
                for n in range(args.per_article)
            )
    store.close()
    size = database.stat().st_size
    times = []
    for run in range(max(1, args.runs // 2)):
        data = base / f"data-{run}"
        shutil.rmtree(library / ".reader", ignore_errors=True)
        start = time.perf_counter()
        done = migrate(database, LAPTOP, data, [library])
        times.append(time.perf_counter() - start)
    print()
    print(
        f"migration of {size / 1e6:.1f} MB (median of {len(times)}): "
        f"{statistics.median(times):.1f} s"
    )
    print(done.summary())


if __name__ == "__main__":
    main()
