"""Benchmark reader on a library of thousands: listing, the library screen, import, export.

Run on demand (never in CI) from the project root, with the project's virtualenv::

    .venv/bin/python benchmarks/library.py              # 5,000 articles, 50,000 highlights
    .venv/bin/python benchmarks/library.py --quick      # 500 articles, 5,000 highlights
    .venv/bin/python benchmarks/library.py --articles 2000 --highlights 20000 --runs 5

It builds (once, cached in ``benchmarks/.cache/``) a library of Markdown articles of about
12 KB each, in subfolders of 100, and a W3C annotation file of highlights spread over the
first 2,000 of them (``--highlights`` in all), then measures, each in a fresh data folder
unless said otherwise:

* ``reader import`` of the annotations (its time is what importing a year of notes costs);
* the first-ever ``reader list > file`` (every article read and its facts cached), and the
  warm one (medians of ``--runs``);
* the library screen's first row, warm, in a pseudo-terminal (as ``bench.py`` times a first
  paint), against a two-article library;
* opening one article (one with no highlights) with the big database, against an empty one;
* ``reader export --all`` of every annotated article.

The targets are the issue's: warm list under 1 s; the library screen's first row under 1 s
and within 1.5x of two articles; a first-ever scan under 10 s; opening an article within
1.2x of an empty database; import under 30 s; export --all under 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import bench  # noqa: E402  (the pseudo-terminal harness beside this script)

WORDS = [
    "the",
    "council",
    "voted",
    "budget",
    "library",
    "reading",
    "hours",
    "winter",
    "parks",
    "fund",
    "letters",
    "readers",
    "city",
    "evening",
    "minister",
    "report",
    "trade",
    "tax",
    "agreement",
    "talks",
    "policy",
    "workers",
    "public",
    "local",
    "national",
    "history",
    "market",
    "school",
    "water",
    "energy",
    "housing",
    "transport",
    "health",
    "court",
]
PER_FOLDER = 100


def _paragraph(chance: random.Random, words: int) -> str:
    text = " ".join(chance.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def build_library(count: int) -> Path:
    """``count`` articles of ~12 KB in folders of 100 (built once, then reused)."""
    folder = CACHE / f"library-{count}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    chance = random.Random(20261130)
    for number in range(count):
        sub = folder / f"shelf-{number // PER_FOLDER:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        title = f"Article {number:05d}: " + " ".join(chance.choice(WORDS) for _ in range(5))
        body = [f"# {title}", ""]
        while sum(len(line) for line in body) < 12_000:
            body += [_paragraph(chance, 60), ""]
        front = f'---\ntitle: "{title}"\nsource: https://example.org/{number}\n---\n\n'
        (sub / f"article-{number:05d}.md").write_text(front + "\n".join(body), encoding="utf-8")
    marker.touch()
    return folder


def build_annotations(library: Path, highlights: int, articles: int = 2000) -> Path:
    """A W3C collection of ``highlights`` annotations over the first ``articles`` articles."""
    path = CACHE / f"annotations-{library.name}-{highlights}.json"
    if path.exists():
        return path
    from reader.text.anchoring import describe
    from reader.text.documents import load_article

    files = sorted(library.rglob("article-*.md"))[:articles]
    chance = random.Random(7)
    items = []
    loaded = {}
    for number in range(highlights):
        file = files[number % len(files)]
        article = loaded.get(file) or loaded.setdefault(file, load_article(file))
        block = article.blocks[1 + chance.randrange(len(article.blocks) - 1)]
        anchor = describe(article.text, block.start, block.start + min(80, len(block.text)))
        item = {
            "id": f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
            "type": "Annotation",
            "motivation": "commenting",
            "created": "2026-01-01T00:00:00Z",
            "body": [
                {"type": "TextualBody", "value": f"note {number}", "purpose": "commenting"},
                {"type": "TextualBody", "value": chance.choice(WORDS), "purpose": "tagging"},
            ],
            "target": {
                "source": f"https://example.org/{int(file.stem.split('-')[1])}",
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": anchor.exact,
                        "prefix": anchor.prefix,
                        "suffix": anchor.suffix,
                    },
                ],
            },
        }
        items.append(item)
    document = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "id": "urn:bench",
        "total": len(items),
        "first": {"type": "AnnotationPage", "items": items},
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def reader(args: Sequence[str], data: Path, stdout=subprocess.DEVNULL) -> float:
    """Seconds ``reader ARGS`` takes in data folder ``data``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    env["READER_DATA_DIR"] = str(data)
    env["READER_CONFIG"] = str(data / "config.toml")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    result = subprocess.run(
        [str(Path(sys.executable).with_name("reader")), *args],
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        cwd=data,
        check=False,
    )
    took = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"reader {' '.join(args)} failed: {result.stderr.decode()[-500:]}")
    return took


def first_row(library: Path, data: Path, runs: int, marker: bytes) -> float:
    """Median seconds to the library screen's first painted row (warm: after one start)."""
    case = bench.Case(
        "library",
        [str(Path(sys.executable).with_name("reader")), str(library)],
        marker,
        b"q",
        False,
    )
    bench.measure_start(case, None, 0.3, data)  # warm: the library's facts cached
    result = bench.CaseResult(case)
    for _ in range(runs):
        bench.measure_start(case, result, 0.3, data)
    return statistics.median(result.first_paints)


def open_article(article: Path, data: Path, runs: int) -> float:
    """Median seconds to an article's first paint with the data folder ``data``."""
    case = bench.Case(
        "article",
        [str(Path(sys.executable).with_name("reader")), str(article)],
        bench._first_words(article),
        b"q",
        False,
    )
    bench.measure_start(case, None, 0.3, data)
    result = bench.CaseResult(case)
    for _ in range(runs):
        bench.measure_start(case, result, 0.3, data)
    return statistics.median(result.first_paints)


def moved_library(library: Path, data: Path) -> tuple[str, str, str]:
    """The first ``reader list`` after the whole library moved to another folder (``mv``):
    every annotated article found again, its notes moved to it. The folder is moved back,
    and the data folder (changed by the moves) is a copy."""
    copy = data.with_name(data.name + "-moved")
    shutil.copytree(data, copy)
    moved = library.with_name(library.name + "-moved")
    os.rename(library, moved)
    try:
        took = reader(["list", str(moved)], copy)
    finally:
        os.rename(moved, library)
    return ("the library moved to another folder: first `reader list`", f"{took:.1f} s", "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--highlights", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="500 articles, 5,000 highlights")
    options = parser.parse_args(argv)
    if options.quick:
        options.articles, options.highlights = 500, 5_000
    CACHE.mkdir(exist_ok=True)
    print(f"Building {options.articles:,} articles and {options.highlights:,} highlights…")
    library = build_library(options.articles)
    annotations = build_annotations(library, options.highlights)
    two = CACHE / "library-two"
    if not two.exists():
        two.mkdir()
        for path in sorted(library.rglob("article-*.md"))[:2]:
            shutil.copy(path, two / path.name)
    rows: list[tuple[str, str, str]] = []
    work = Path(tempfile.mkdtemp(prefix="reader-library-bench-"))
    vault = library / ".reader"  # the notes vault lives in the library: made anew each run
    shutil.rmtree(vault, ignore_errors=True)
    try:
        big = work / "big"
        big.mkdir()
        took = reader(["import", str(annotations), "--library", str(library)], big)
        rows.append((f"import {options.highlights:,} annotations", f"{took:.1f} s", "< 30 s"))
        fresh = work / "fresh"
        fresh.mkdir()
        took = reader(["list", str(library)], fresh)
        rows.append(
            (f"first-ever `reader list`, {options.articles:,} articles", f"{took:.1f} s", "< 10 s")
        )
        warm = statistics.median(reader(["list", str(library)], fresh) for _ in range(options.runs))
        rows.append(("warm `reader list > file`", f"{warm:.2f} s", "< 0.3 s"))
        marker = b"Article 0"
        screen = first_row(library, fresh, options.runs, marker)
        small_data = work / "small"
        small_data.mkdir()
        small = first_row(two, small_data, options.runs, marker)
        rows.append(("library screen, first row (warm)", f"{screen:.2f} s", "< 1 s"))
        rows.append(
            ("… against two articles", f"{screen / small:.2f}× ({small:.2f} s)", "within 1.5×")
        )
        articles = sorted(library.rglob("article-*.md"))
        for label, article in (
            ("open an article with no notes", articles[-1]),
            ("open an annotated article", articles[0]),
        ):
            loaded = open_article(article, big, options.runs)
            # Against the same with no notes at all: the vault set aside, a data folder
            # never used.
            empty = work / f"empty-{len(rows)}"
            empty.mkdir()
            os.rename(vault, work / "vault-aside")
            try:
                bare = open_article(article, empty, options.runs)
            finally:
                os.rename(work / "vault-aside", vault)
            rows.append(
                (
                    f"{label}, 50,000 highlights in the vault, against none",
                    f"{loaded / bare:.2f}× ({loaded:.2f} s against {bare:.2f} s)",
                    "within 1.1×",
                )
            )
        out = work / "export"
        exports = []
        for _ in range(options.runs):
            shutil.rmtree(out, ignore_errors=True)
            exports.append(
                reader(["export", "--all", "--library", str(library), "-o", str(out)], big)
            )
        took = statistics.median(exports)
        rows.append(
            (
                f"`reader export --all` ({options.highlights:,} highlights)",
                f"{took:.1f} s ({min(exports):.1f}-{max(exports):.1f})",
                "< 3 s",
            )
        )
        rows.append(moved_library(library, big))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nLoad average: {bench._loadavg()}\n")
    print("| Measure | Result | Target |\n|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
