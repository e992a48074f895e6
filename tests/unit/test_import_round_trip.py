"""Import is an exact round trip: ``export --all --format json``, then ``import`` into an empty
database, brings back every highlight, note, tag, colour, link, time and article note; and an
annotation is placed in an article only when the file names that article and no other.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from reader.anchoring import describe
from reader.cli import main
from reader.documents import load_article
from reader.importer import import_annotations
from reader.model import Anchor, Article
from reader.paths import resolve
from reader.store import Store
from tests.conftest import DATA

SOURCE = "https://example.org/the-same-story"
PARAGRAPHS = [
    "Tide tables were kept by the harbour master in a ledger bound in green cloth.",
    "Each spring the river rose past the second step of the customs house.",
    "The ferry ran twice a day when the water allowed, and not at all in fog.",
    "Fishermen read the sky before they read the almanac, and trusted it more.",
    "A new bridge was proposed in every decade and built in none of them.",
    "The archive holds letters from three centuries about the same flooded road.",
]


def make_library(folder: Path) -> list[Path]:
    """Three articles: one of its own, and two copies of one web page (the same address in
    their front matter) in two subfolders under the same file name."""
    folder.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join(PARAGRAPHS) + "\n"
    first = folder / "first.md"
    first.write_text(f"# First\n\n{body}", encoding="utf-8")
    copies = []
    for sub in ("sub1", "sub2"):
        (folder / sub).mkdir(exist_ok=True)
        copy = folder / sub / "copy.md"
        copy.write_text(f'---\ntitle: "Copy"\nsource: {SOURCE}\n---\n\n# Copy\n\n{body}', "utf-8")
        copies.append(copy)
    return [first, *copies]


def anchor_on(article: Article, block: int, offset: int, length: int) -> Anchor:
    text = article.blocks[block]
    start = text.start + min(offset, len(text.text) - 1)
    end = min(text.end, start + length)
    return describe(
        article.text,
        start,
        end,
        block=article.block_at(start),
        fingerprint=article.fingerprint,
    )


def export_json(library: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["export", "--all", "--library", str(library), "--format", "json"]) == 0
    return capsys.readouterr().out


def exported_document(library: Path, capsys, fill_store) -> dict:
    """``fill_store(store, articles)``'s notes, exported with ``export --all`` as JSON."""
    articles = [load_article(path) for path in make_library(library)]
    store = Store(resolve().db)
    fill_store(store, articles)
    store.close()
    return json.loads(export_json(library, capsys))


def test_an_article_note_keeps_its_times_and_tags(tmp_path: Path, capsys) -> None:
    library = tmp_path / "lib"

    def noted(store: Store, articles: list[Article]) -> None:
        first = articles[0]
        store.set_article_note(
            first.id,
            first.meta.path,
            "Read with the tide tables.",
            tags=("harbour", "to-do"),
            created="2025-05-01T08:00:00Z",
            modified="2025-06-01T09:30:00Z",
        )

    document = exported_document(library, capsys, noted)
    fresh = Store(tmp_path / "fresh.json")
    assert import_annotations(document, fresh, library).article_notes == 1
    record = fresh.article_note_record(load_article(library / "first.md").id)
    assert (record.text, record.tags, record.created, record.modified) == (
        "Read with the tide tables.",
        ("harbour", "to-do"),
        "2025-05-01T08:00:00Z",
        "2025-06-01T09:30:00Z",
    )


def test_a_hypothesis_page_note_keeps_its_tag_and_times(tmp_path: Path, capsys) -> None:
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(DATA / "hypothesis" / "article.md", library / "digital-tax.md")
    file = DATA / "hypothesis" / "api-list.json"
    assert main(["import", str(file), "--library", str(library)]) == 1  # two not imported
    article = load_article(library / "digital-tax.md")
    record = Store(resolve().db, read_only=True).article_note_record(article.id)
    assert (record.text, record.tags, record.created, record.modified) == (
        "Read the follow-up piece next week.",
        ("follow-up",),
        "2025-07-01T09:15:27Z",
        "2025-07-01T09:20:00Z",
    )
    # And they travel on in reader's own export.
    capsys.readouterr()
    path = str(article.meta.path)
    assert main(["export", "--library", str(library), path, "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)["first"]["items"]
    (page,) = [i for i in items if i["id"].startswith("urn:reader:article-note:")]
    assert (page["created"], page["modified"]) == ("2025-07-01T09:15:27Z", "2025-07-01T09:20:00Z")
    assert {"type": "TextualBody", "value": "follow-up", "purpose": "tagging"} in page["body"]
    # In the Markdown export and in `reader notes --tag` too.
    assert main(["export", "--library", str(library), path]) == 0
    assert "Read the follow-up piece next week.\n\ntags: #follow-up\n" in capsys.readouterr().out
    assert main(["notes", "--tag", "follow-up", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["kind"], listed["tags"], listed["created"]) == (
        "article-note",
        ["follow-up"],
        "2025-07-01T09:15:27Z",
    )
