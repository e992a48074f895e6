"""Score reader's add pipeline on pages of the Article Extraction Benchmark.

Run on demand (never in CI) from the project root, with the project's virtualenv::

    .venv/bin/python benchmarks/extraction.py FOLDER            # F1, precision, recall
    .venv/bin/python benchmarks/extraction.py FOLDER --worst 10 # and the 10 worst pages

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
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seen_text(markdown: str) -> str:
    """The words a reader sees in an article's Markdown: its blocks' texts."""
    from reader.documents import load_text
    from reader.model import BLOCK_SEPARATOR

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="ground-truth.json and html/*.html.gz")
    parser.add_argument("--worst", type=int, default=0, metavar="N", help="list the N worst")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tests.extraction_metric import score, score_page

    pages = load_pages(options.folder)
    started = time.perf_counter()
    scores = {
        key: score_page(extracted_text(html, url), true) for key, (html, url, true) in pages.items()
    }
    elapsed = time.perf_counter() - started
    total = score(scores.values())
    print(
        f"{total.pages} pages: F1 {total.f1:.4f}  precision {total.precision:.4f}  "
        f"recall {total.recall:.4f}  ({elapsed / max(1, total.pages) * 1000:.0f} ms a page)"
    )
    if options.worst:
        worst = sorted(scores.items(), key=lambda kv: min(kv[1].precision, kv[1].recall))
        for key, page in worst[: options.worst]:
            print(f"  {page.precision:.3f} {page.recall:.3f}  {key[:12]}  {pages[key][1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
