"""Score reader's add pipeline on pages of the Article Extraction Benchmark.

Run on demand (never in CI) from the project root, with the project's virtualenv::

    .venv/bin/python benchmarks/extraction.py FOLDER                  # F1 on both halves and all
    .venv/bin/python benchmarks/extraction.py FOLDER --worst 10       # and the 10 worst pages
    .venv/bin/python benchmarks/extraction.py FOLDER --rules          # what each rule buys
    .venv/bin/python benchmarks/extraction.py FOLDER --cross-validate # rules tuned on one half

``FOLDER`` has the benchmark's layout: ``ground-truth.json`` (``{key: {"articleBody",
"url"}}``) and ``html/<key>.html.gz`` (gzip, UTF-8). ``tests/data/extraction`` holds a few
such pages; the whole public set (181 pages) is the Scrapinghub Article Extraction
Benchmark.

Each page goes through what ``reader add`` does to a saved page (``reader.intake.html
.extract`` with the page's address, as after a fetch), and is scored on the text a reader
sees: the Markdown is loaded by reader's own loader (front matter, Markdown syntax and link
addresses gone) and its blocks joined. The metric is the benchmark's own
(``tests/extraction_metric.py``): 4-token shingles, per-page precision and recall averaged
over pages, F1 of the two means. A page with no article found scores as empty text.

**Halves.** The pages are split in two by a hash of their key (the first byte of its
SHA-256, even or odd), fixed once and for all. ``--cross-validate`` chooses every rule
(on or off) and every threshold of ``reader.intake.rules.Rules`` on one half, by coordinate
ascent from the shipped values over the grids in ``GRIDS``, then scores the other half with
that choice, and the reverse: the two held-out scores say how the rules do on pages they
were not chosen on. The shipped values are those both halves choose (or, where the halves
disagree, the ones that do better on the whole, which the output names).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# The values --cross-validate tries for each field of Rules (on/off for the rest).
GRIDS: dict[str, tuple[Any, ...]] = {
    "body_words": (6, 8, 10, 12, 15, 20),
    "body_links": (0.3, 0.4, 0.5, 0.6),
    "related_share": (0.5, 0.6, 0.7, 0.8, 0.9),
    "related_words": (15, 25, 40),
    "call_words": (20, 30, 40, 60),
    "thumbnail_words": (0, 6, 12, 20),
    "label_words": (1, 2, 3, 5),
    "dateline_words": (6, 10, 15),
    "fallback_ratio": (1.5, 2.0, 2.5, 3.0),
    "layout_words": (25, 40, 60),
}


def half_of(key: str) -> str:
    """The half a page belongs to, "A" or "B": fixed by its key's hash."""
    return "AB"[hashlib.sha256(key.encode("utf-8")).digest()[0] % 2]


def seen_text(markdown: str) -> str:
    """The words a reader sees in an article's Markdown: its blocks' texts."""
    from reader.model import BLOCK_SEPARATOR
    from reader.text.documents import load_text

    article = load_text(markdown)
    return BLOCK_SEPARATOR.join(block.text for block in article.blocks)


def extracted_text(html: str, url: str) -> str:
    """What reader's add pipeline makes of one page, as a reader sees it."""
    from reader.intake.html import ExtractionError, extract
    from reader.intake.shelf import article_text

    try:
        found = extract(html, url)
    except ExtractionError:
        return ""
    return seen_text(article_text({"title": found.title, "source": url}, found.markdown))


def load_pages(folder: Path) -> dict[str, tuple[str, str, str]]:
    """``{key: (html, url, true text)}`` for every page of the folder."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {}
    for key, entry in sorted(truth.items()):
        path = folder / "html" / f"{key}.html.gz"
        html = gzip.decompress(path.read_bytes()).decode("utf-8")
        pages[key] = (html, entry.get("url", ""), entry["articleBody"])
    return pages


class Scorer:
    """Scores pages under given rules; what the extractors found is kept per page (and
    per value of the fields read while extracting), since the rules run after them."""

    def __init__(self, pages: dict[str, tuple[str, str, str]]) -> None:
        self.pages = pages
        self.found: dict[tuple[str, float, int], Any] = {}
        self.elapsed: list[float] = []

    def page(self, key: str, rules: Any) -> Any:
        from reader.intake.html import ExtractionError, find, finish
        from reader.intake.shelf import article_text
        from tests.extraction_metric import score_page

        html, url, true = self.pages[key]
        cache = (key, rules.fallback_ratio, rules.layout_words)
        if cache not in self.found:
            started = time.perf_counter()
            try:
                self.found[cache] = find(html, url, rules)
            except ExtractionError:
                self.found[cache] = None
            self.elapsed.append(time.perf_counter() - started)
        found = self.found[cache]
        try:
            if found is None:
                raise ExtractionError("none")
            article = finish(found, rules)
            seen = seen_text(
                article_text({"title": article.title, "source": url}, article.markdown)
            )
        except ExtractionError:
            seen = ""
        return score_page(seen, true)

    def score(self, rules: Any, keys: Iterable[str]) -> Any:
        from tests.extraction_metric import score

        return score(self.page(key, rules) for key in keys)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="ground-truth.json and html/*.html.gz")
    parser.add_argument("--worst", type=int, default=0, metavar="N", help="list the N worst")
    parser.add_argument("--rules", action="store_true", help="F1 with each rule turned off")
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="choose the rules on one half, score the other",
    )
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from reader.intake.rules import RULES

    pages = load_pages(options.folder)
    scorer = Scorer(pages)
    halves = {
        "A": [key for key in pages if half_of(key) == "A"],
        "B": [key for key in pages if half_of(key) == "B"],
    }
    every = list(pages)
    total = scorer.score(RULES, every)
    per_page = sum(scorer.elapsed) / max(1, len(scorer.elapsed)) * 1000
    for name, keys in (("half A", halves["A"]), ("half B", halves["B"]), ("all", every)):
        print(_line(name, scorer.score(RULES, keys)))
    print(f"({per_page:.0f} ms a page to extract)")
    if options.worst:
        scores = {key: scorer.page(key, RULES) for key in every}
        worst = sorted(scores.items(), key=lambda kv: min(kv[1].precision, kv[1].recall))
        for key, page in worst[: options.worst]:
            scores_text = f"{page.precision:.3f} {page.recall:.3f}"
            print(f"  {scores_text}  {half_of(key)} {key[:12]}  {pages[key][1]}")
    if options.rules:
        _rules_table(scorer, RULES, halves, every, total)
    if options.cross_validate:
        _cross_validate(scorer, RULES, halves, every)
    return 0


def _line(name: str, score: Any) -> str:
    return (
        f"{name:>7}: {score.pages:2d} pages  F1 {score.f1:.4f}  "
        f"precision {score.precision:.4f}  recall {score.recall:.4f}"
    )


def _rules_table(scorer: Scorer, rules: Any, halves: dict, every: list[str], total: Any) -> None:
    """F1 with each on/off rule turned off, on each half and all pages."""
    print("\nrule turned off        half A   half B   all      (F1 change on all)")
    switches = [
        f.name for f in dataclasses.fields(rules) if isinstance(getattr(rules, f.name), bool)
    ]
    none = dataclasses.replace(rules, **{name: False for name in switches})
    for name in [*switches, "(all of them)"]:
        changed = none if name == "(all of them)" else dataclasses.replace(rules, **{name: False})
        a, b, whole = (scorer.score(changed, keys) for keys in (halves["A"], halves["B"], every))
        print(f"  {name:20s} {a.f1:.4f}   {b.f1:.4f}   {whole.f1:.4f}   {whole.f1 - total.f1:+.4f}")


def _cross_validate(scorer: Scorer, rules: Any, halves: dict, every: list[str]) -> None:
    """Tune on one half, score the other; and the reverse."""
    chosen = {}
    for tune, held in (("A", "B"), ("B", "A")):
        best = _tune(scorer, rules, halves[tune])
        chosen[tune] = best
        held_score = scorer.score(best, halves[held])
        print(f"\ntuned on half {tune}, scored on half {held}:")
        print(_line(f"half {held}", held_score))
        changes = {
            f.name: getattr(best, f.name)
            for f in dataclasses.fields(rules)
            if getattr(best, f.name) != getattr(rules, f.name)
        }
        print(f"  chose the shipped values except: {changes or 'none'}")
    print("\nwhere the choices differ from what is shipped, F1 on all pages:")
    for field in dataclasses.fields(rules):
        values = {getattr(rules, field.name), getattr(chosen["A"], field.name)}
        values.add(getattr(chosen["B"], field.name))
        if len(values) == 1:
            continue
        shipped = getattr(rules, field.name)
        scores = {
            value: scorer.score(dataclasses.replace(rules, **{field.name: value}), every).f1
            for value in sorted(values, key=str)
        }
        told = "  ".join(
            f"{value}{' (shipped)' if value == shipped else ''}: {f1:.4f}"
            for value, f1 in scores.items()
        )
        print(
            f"  {field.name}: half A chose {getattr(chosen['A'], field.name)}, "
            f"half B {getattr(chosen['B'], field.name)}; {told}"
        )


def _tune(scorer: Scorer, rules: Any, keys: list[str]) -> Any:
    """Coordinate ascent from ``rules``: each field in turn set to its best value on
    ``keys`` (the current value kept on a tie), twice over."""
    best = rules
    best_f1 = scorer.score(best, keys).f1
    for _ in range(2):
        for field in dataclasses.fields(rules):
            current = getattr(best, field.name)
            values = GRIDS.get(field.name, (True, False) if isinstance(current, bool) else ())
            for value in values:
                if value == current:
                    continue
                candidate = dataclasses.replace(best, **{field.name: value})
                f1 = scorer.score(candidate, keys).f1
                if f1 > best_f1 + 1e-9:
                    best, best_f1, current = candidate, f1, value
    return best


if __name__ == "__main__":
    raise SystemExit(main())
