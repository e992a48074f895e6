"""Benchmark ``reader import`` of many annotations onto one article, and who waits meanwhile.

Run on demand (never in CI) from the project root, with the project's virtualenv::

    .venv/bin/python benchmarks/import_scale.py                  # 15,000 annotations, 3 runs
    .venv/bin/python benchmarks/import_scale.py --count 3000 --runs 5
    .venv/bin/python benchmarks/import_scale.py --quick          # 3,000, 1 run

Target (issue 21.9): 15,000 annotations onto one article in under 10 s, the cost linear in
the number of annotations; meanwhile another process's save waits at most a fraction of a
second, and ``reader list`` is not held up.

It builds, in a temporary folder, one article of ``--paragraphs`` paragraphs (about 60
words each, deterministic) and a file of ``--count`` annotations on it, written by reader's
own ``export --format json`` code (quote, prefix and suffix, position, two in five with a
note, some tags, times), then measures, each in a fresh data folder:

* **import**: ``reader import FILE --library LIB`` as a process, median of ``--runs``;
* **again**: the same file imported a second time into that database (nothing is added);
* **quote only**: the same annotations without their positions, as Hypothesis writes them
  (the quote and its context place each one), once;
* **waits during an import** (once, unless ``--no-contention``): while an import runs, a
  second process saves a reading position every 0.2 s through its own ``Store`` (as the app
  does when you move or quit) and a third runs ``reader list``; the longest and the median
  wait of the saves, and the list's time, are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
    "river",
    "bridge",
    "harbour",
    "archive",
    "garden",
]

PROBE = r"""
import json, sys, time
from pathlib import Path
from reader.model import ReadingPosition
from reader.db.store import Store, StoreError

db, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
waits, failures = [], 0
store = Store(db)
number = 0
while not stop.exists():
    number += 1
    started = time.perf_counter()
    try:
        store.save_position(f"probe{number % 7}", Path("/probe.md"), "f",
                            ReadingPosition(number, 0, 0.5))
    except StoreError:
        failures += 1
    waits.append(time.perf_counter() - started)
    time.sleep(0.2)
out.write_text(json.dumps({"waits": waits, "failures": failures}))
"""


def build(folder: Path, paragraphs: int, count: int) -> tuple[Path, Path, Path]:
    """The library (one article), reader's export of ``count`` highlights on it, and the
    same annotations with quotes only."""
    from reader.model import Colour, Highlight
    from reader.notes import export
    from reader.text.anchoring import describe
    from reader.text.documents import load_article

    chance = random.Random(2111)
    library = folder / "lib"
    library.mkdir()
    body = ["# One long article", ""]
    for number in range(paragraphs):
        words = " ".join(chance.choice(WORDS) for _ in range(60))
        body += [f"Paragraph {number}: {words}.", ""]
    article_path = library / "long.md"
    article_path.write_text("\n".join(body), encoding="utf-8")
    article = load_article(article_path)
    blocks = article.blocks[1:]
    highlights = []
    for number in range(count):
        block = blocks[number % len(blocks)]
        turn = number // len(blocks)  # distinct spans of one paragraph, turn after turn
        start = block.start + (turn * 37) % max(1, len(block.text) - 60)
        anchor = describe(
            article.text,
            start,
            start + 40 + chance.randrange(20),
            block=article.block_at(start),
            fingerprint=article.fingerprint,
        )
        highlights.append(
            Highlight(
                id=f"00000000-0000-4000-8000-{number:012d}",
                article_id=article.id,
                anchor=anchor,
                colour=list(Colour)[number % 5],
                tags=(chance.choice(WORDS),) if number % 3 == 0 else (),
                note=f"note {number}" if number % 5 < 2 else "",
                created=f"2026-01-{1 + number % 28:02d}T10:{number % 60:02d}:00Z",
                modified=f"2026-02-{1 + number % 28:02d}T10:{number % 60:02d}:00Z",
            )
        )
    notes = export.gather(article, highlights)
    document = export.to_collection([notes], exported="2026-12-01", label="bench")
    exported = folder / "export.json"
    exported.write_text(export.dumps(document), encoding="utf-8")
    for item in document["first"]["items"]:
        item["target"]["selector"] = [
            s for s in item["target"]["selector"] if s["type"] == "TextQuoteSelector"
        ]
    quotes = folder / "quotes.json"
    quotes.write_text(json.dumps(document), encoding="utf-8")
    return library, exported, quotes


def environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    env["READER_DATA_DIR"] = str(data)
    env["READER_CONFIG"] = str(data / "config.toml")
    return env


def reader_command() -> str:
    return str(Path(sys.executable).with_name("reader"))


def run_import(file: Path, library: Path, data: Path) -> tuple[float, str]:
    """Seconds ``reader import`` takes, and what it printed."""
    started = time.perf_counter()
    result = subprocess.run(
        [reader_command(), "import", str(file), "--library", str(library)],
        env=environment(data),
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"reader import failed: {result.stderr[-500:]}")
    return took, result.stdout.strip()


def contention(file: Path, library: Path, data: Path) -> dict[str, float]:
    """Waits of another process's saves, and one ``reader list``, during an import."""
    env = environment(data)
    db = data / "reader.json"
    # A database that exists (with a position saved) before the import begins.
    subprocess.run([sys.executable, "-c", PROBE, str(db), str(db), "/dev/null"], env=env)
    stop, out = data / "stop", data / "probe.json"
    started = time.perf_counter()
    importing = subprocess.Popen(
        [reader_command(), "import", str(file), "--library", str(library)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    probe = subprocess.Popen([sys.executable, "-c", PROBE, str(db), str(stop), str(out)], env=env)
    time.sleep(1.5)  # well into the import
    listed = time.perf_counter()
    subprocess.run(
        [reader_command(), "list", str(library)], env=env, stdout=subprocess.DEVNULL, check=False
    )
    list_took = time.perf_counter() - listed
    importing.wait()
    import_took = time.perf_counter() - started
    stop.touch()
    probe.wait()
    found = json.loads(out.read_text())
    waits = found["waits"]
    return {
        "import": import_took,
        "saves": len(waits),
        "failed": found["failures"],
        "longest": max(waits),
        "median": statistics.median(waits),
        "list": list_took,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=15_000)
    parser.add_argument("--paragraphs", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="3,000 annotations, one run")
    parser.add_argument("--no-contention", action="store_true")
    options = parser.parse_args(argv)
    if options.quick:
        options.count, options.runs = 3_000, 1
    with tempfile.TemporaryDirectory(prefix="reader-import-bench-") as temp:
        folder = Path(temp)
        library, exported, quotes = build(folder, options.paragraphs, options.count)
        size = exported.stat().st_size / 1e6
        print(
            f"{options.count:,} annotations ({size:.1f} MB) onto one article of "
            f"{options.paragraphs:,} paragraphs"
        )
        times, said = [], ""
        for run in range(options.runs):
            data = folder / f"data-{run}"
            data.mkdir()
            took, said = run_import(exported, library, data)
            times.append(took)
        print(
            f"import: median {statistics.median(times):.2f} s of {options.runs} "
            f"({', '.join(f'{t:.2f}' for t in times)})  [{said}]"
        )
        took, said = run_import(exported, library, folder / "data-0")
        print(f"again:  {took:.2f} s  [{said}]")
        data = folder / "data-quotes"
        data.mkdir()
        took, said = run_import(quotes, library, data)
        print(f"quote only: {took:.2f} s  [{said}]")
        if not options.no_contention:
            data = folder / "data-contention"
            data.mkdir()
            found = contention(exported, library, data)
            print(
                f"during an import of {found['import']:.1f} s: {found['saves']:.0f} saves by "
                f"another process, longest wait {found['longest'] * 1000:.0f} ms, median "
                f"{found['median'] * 1000:.0f} ms, {found['failed']:.0f} failed; "
                f"reader list {found['list']:.2f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
