"""Benchmark ``reader import`` of a Kindle clippings file, as a new user would run it.

Run on demand (never in CI) from the project root, with the project's virtualenv::

    .venv/bin/python benchmarks/import_clippings.py             # 1,000 highlights, 30 books, 5 runs
    .venv/bin/python benchmarks/import_clippings.py --runs 3 --highlights 3000
    .venv/bin/python benchmarks/import_clippings.py --pile 50   # and read a 50 MB file

Target (issue 27): a clippings file of 1,000 highlights over 30 books imports in under
5 s, placing the highlights of the books that are in the library and keeping the rest.

It builds, in a temporary folder, 30 books as ``reader add`` writes an EPUB (front matter
title, author, source; ``--paragraphs`` paragraphs of about 60 words each, deterministic),
of which ``--missing`` are left out of the library, and a ``My Clippings.txt`` of
``--highlights`` highlights over them in the Kindle's own shape (its byte-order mark and
Windows line ends; the second line in English, German, French, Spanish, Japanese and
Chinese in turn; one highlight in ten edited, one in eight with a note, a bookmark every
twenty), each quoting a passage of its book. Then it measures, each in a fresh data
folder:

* **import**: ``reader import FILE --library LIB`` as a process, median of ``--runs``;
* **again**: the same file imported a second time into that database (nothing is added);
* **pile** (with ``--pile N``): reading a clippings file of N MB (the same clippings again
  and again) with reader's Kindle reader alone, median of ``--runs``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    *("the", "salt", "road", "orchard", "village", "winter", "river", "letter", "morning"),
    *("carts", "harbour", "lamp", "window", "grandmother", "quarrel", "families", "flats"),
    *("kettle", "evening", "bread", "knife", "sea", "mountain", "light", "paper", "garden"),
    *("stone", "island", "bridge", "promise", "silence", "journey", "market", "bell"),
]
META = [
    "- Your Highlight on page {page} | Location {a}-{b} | Added on Monday, March {day}, 2024 "
    "{hour}:{minute:02d}:00 PM",
    "- Ihre Markierung bei Position {a}-{b} | Hinzugefügt am Montag, {day}. März 2024 "
    "{hour}:{minute:02d}:00",
    "- Votre surlignement sur la page {page} | emplacement {a}-{b} | Ajouté le lundi {day} "
    "mars 2024 {hour}:{minute:02d}:00",
    "- Tu subrayado en la página {page} | posición {a}-{b} | Añadido el lunes, {day} de "
    "marzo de 2024 {hour}:{minute:02d}:00",
    "- {page}ページ|位置No. {a}-{b}のハイライト |作成日: "
    "2024年3月{day}日月曜日 {hour}:{minute:02d}:00",
    "- 您在第 {page} 页（位置 #{a}-{b}）的标注 | 添加于 "
    "2024年3月{day}日星期一 下午{hour}:{minute:02d}:00",
]


def paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(60)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def build(folder: Path, books: int, missing: int, paragraphs: int, count: int) -> Path:
    """The library and the clippings file; returns the file."""
    rng = random.Random(27)
    library = folder / "library"
    library.mkdir()
    texts: list[tuple[str, str, list[str]]] = []
    for number in range(books):
        title, author = f"Book {number} of the Shelf", f"Writer{number} Author{number}"
        body = [paragraph(rng) for _ in range(paragraphs)]
        texts.append((title, author, body))
        if number >= books - missing:
            continue  # a book the library does not hold
        front = (
            f'---\ntitle: "{title}"\nauthor: "{author}"\nsource: '
            f'"file:///books/book-{number}.epub"\n---\n\n# {title}\n\n'
        )
        (library / f"book-{number}.md").write_text(front + "\n\n".join(body) + "\n")
    entries: list[str] = []
    for index in range(count):
        title, author, body = texts[index % books]
        at = rng.randrange(paragraphs)
        words = body[at].split()
        start = rng.randrange(0, 30)
        quote = " ".join(words[start : start + rng.randrange(8, 25)])
        last, first = author.split()
        head = f"{title} ({first}, {last})"
        fields = {
            "page": at // 3 + 1,
            "a": at * 9,
            "b": at * 9 + 2,
            "day": 1 + index % 28,
            "hour": 1 + index % 11,
            "minute": index % 60,
        }
        meta = META[index % len(META)].format(**fields)
        if index % 10 == 0:  # edited later: a shorter first version, then this one
            shorter = " ".join(quote.split()[:-3])
            entries.append(f"{head}\r\n{meta.replace('2024', '2023')}\r\n\r\n{shorter}")
        entries.append(f"{head}\r\n{meta}\r\n\r\n{quote}")
        if index % 8 == 0:
            entries.append(
                f"{head}\r\n- Your Note on Location {fields['b']} | Added on Monday, March 4, "
                f"2024 9:00:00 AM\r\n\r\nA thought about passage {index}."
            )
        if index % 20 == 0:
            entries.append(
                f"{head}\r\n- Your Bookmark on Location {fields['a']} | Added on Monday, "
                "March 4, 2024 9:00:00 AM\r\n\r\n"
            )
    clippings = folder / "My Clippings.txt"
    clippings.write_text("\ufeff" + "".join(e + "\r\n==========\r\n" for e in entries))
    return clippings


def environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    env["READER_DATA_DIR"] = str(data)
    env["READER_CONFIG"] = str(data / "config.toml")
    return env


def run_import(file: Path, library: Path, data: Path) -> tuple[float, str]:
    """Seconds ``reader import`` takes, and what it printed."""
    started = time.perf_counter()
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("reader")),
            "import",
            str(file),
            "--library",
            str(library),
        ],
        env=environment(data),
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"reader import failed: {result.stderr[-500:]}")
    return took, result.stdout.strip()


def pile(folder: Path, clippings: Path, megabytes: int, runs: int) -> tuple[float, int]:
    """Median seconds to read a clippings file of ``megabytes`` MB, and its size."""
    from reader.notes.formats import kindle

    big = folder / "pile.txt"
    piece = clippings.read_bytes()
    with big.open("wb") as handle:
        written = 0
        while written < megabytes * 1024 * 1024:
            handle.write(piece)
            written += len(piece)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        kindle.read(big)
        times.append(time.perf_counter() - started)
    return statistics.median(times), big.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--books", type=int, default=30)
    parser.add_argument("--missing", type=int, default=6, help="books not in the library")
    parser.add_argument("--highlights", type=int, default=1000)
    parser.add_argument("--paragraphs", type=int, default=300, help="paragraphs a book")
    parser.add_argument("--pile", type=int, default=0, help="also read a file of N MB")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        clippings = build(
            folder, options.books, options.missing, options.paragraphs, options.highlights
        )
        library = folder / "library"
        size = clippings.stat().st_size
        print(
            f"{options.highlights:,} highlights over {options.books} books "
            f"({options.missing} not in the library), {size / 1024:.0f} kB; "
            f"books of {options.paragraphs} paragraphs"
        )
        firsts, agains, said = [], [], ""
        for run in range(options.runs):
            data = folder / f"data{run}"
            took, said = run_import(clippings, library, data)
            firsts.append(took)
            again, said_again = run_import(clippings, library, data)
            agains.append(again)
        print(said)
        print(said_again.splitlines()[0])
        print(
            f"import: median {statistics.median(firsts):.2f} s "
            f"(runs: {', '.join(f'{t:.2f}' for t in firsts)})"
        )
        print(f"again:  median {statistics.median(agains):.2f} s")
        if options.pile:
            seconds, bytes_ = pile(folder, clippings, options.pile, options.runs)
            print(f"pile:   {bytes_ / 1024 / 1024:.0f} MB read in {seconds:.2f} s (median)")


if __name__ == "__main__":
    main()
