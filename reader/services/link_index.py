"""What the link picker searches: every article, highlight, note and paragraph of a library.

No Textual here. :func:`build_index` reads the library (in a worker thread: it parses every
article); :func:`rank` orders the candidates for a query by fuzzy match (rapidfuzz, imported
only here, so it never slows start-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reader.db.store import Store
from reader.model import Anchor
from reader.services.library import article_files
from reader.text.documents import DocumentError, load_article

KIND_BONUS = {"article": 8.0, "highlight": 5.0, "note": 5.0, "paragraph": 0.0}
"""Titles, then the reader's own highlights and notes, rank above plain paragraphs."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A passage the picker can link to."""

    kind: str  # article, highlight, note or paragraph
    path: Path
    article_id: str
    title: str
    block: int
    text: str
    anchor: Anchor | None = None  # a highlight's anchor (paragraphs are described on use)


def build_index(folder: Path, store: Store, per_article: int = 5_000) -> list[Candidate]:
    """Every candidate in the library folder; files that cannot be read are skipped.

    At most ``per_article`` paragraphs of each article, so one big book cannot crowd
    the others out.
    """
    candidates: list[Candidate] = []
    for path in article_files(folder):
        try:
            article = load_article(path)
        except DocumentError:
            continue
        title = article.title
        candidates.append(Candidate("article", path, article.id, title, 0, title))
        for highlight in store.highlights(article.id):
            anchor = highlight.anchor
            kind = "note" if highlight.note.strip() else "highlight"
            text = f"{highlight.note} {anchor.exact}" if highlight.note.strip() else anchor.exact
            candidates.append(Candidate(kind, path, article.id, title, anchor.block, text, anchor))
        paragraphs = 0
        for index, block in enumerate(article.blocks):
            if paragraphs >= per_article:
                break
            if block.text.strip():
                candidates.append(
                    Candidate("paragraph", path, article.id, title, index, block.text)
                )
                paragraphs += 1
    return candidates


def rank(query: str, candidates: list[Candidate], limit: int = 40) -> list[Candidate]:
    """The candidates that best match ``query``, best first (all titles when it is empty)."""
    query = query.strip()
    if not query:
        return [c for c in candidates if c.kind == "article"][:limit]
    from rapidfuzz import fuzz, process, utils

    found = process.extract(
        query,
        [c.text[:400] for c in candidates],
        scorer=fuzz.partial_ratio,
        processor=utils.default_process,
        limit=limit * 3,
        score_cutoff=60,
    )
    scored = sorted(
        ((score + KIND_BONUS[candidates[index].kind], index) for _, score, index in found),
        key=lambda pair: (-pair[0], pair[1]),
    )
    return [candidates[index] for _, index in scored[:limit]]
