"""Import is an exact round trip: ``export --all --format json``, then ``import`` into an empty
database, brings back every highlight, note, tag, colour, link, time and article note; and an
annotation is placed in an article only when the file names that article and no other.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reader.anchoring import describe
from reader.cli import main
from reader.documents import load_article
from reader.importer import import_annotations
from reader.model import Anchor, Article, Highlight
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


def test_one_passage_in_two_copies_of_a_page_goes_back_to_each(tmp_path: Path, capsys) -> None:
    # Both copies carry the same web address: the file each annotation names decides.
    library = tmp_path / "lib"

    def both_copies(store: Store, articles: list[Article]) -> None:
        for number, copy in enumerate(articles[1:]):
            store.save_highlight(
                Highlight(
                    f"00000000-0000-4000-8000-00000000000{number}",
                    copy.id,
                    anchor_on(copy, 2, 0, 30),
                    note=f"in copy {number + 1}",
                    created="2026-03-01T10:00:00Z",
                    modified="2026-03-01T10:00:00Z",
                )
            )

    document = exported_document(library, capsys, both_copies)
    fresh = Store(tmp_path / "fresh.json")
    assert import_annotations(document, fresh, library).imported == 2
    for number, sub in enumerate(("sub1", "sub2")):
        (highlight,) = fresh.highlights(load_article(library / sub / "copy.md").id)
        assert highlight.note == f"in copy {number + 1}"

    # In a library moved elsewhere the two files are told apart by their folders.
    moved = tmp_path / "moved"
    shutil.copytree(library, moved)
    shutil.rmtree(library)
    again = Store(tmp_path / "again.json")
    assert import_annotations(document, again, moved).imported == 2
    for number, sub in enumerate(("sub1", "sub2")):
        (highlight,) = again.highlights(load_article(moved / sub / "copy.md").id)
        assert highlight.note == f"in copy {number + 1}"

    # Named by the address alone (as Hypothesis names a page): in neither, by guess.
    quote = {"type": "TextQuoteSelector", "exact": PARAGRAPHS[2][:30]}
    bare = {
        "id": "AnnotationXyz",
        "uri": SOURCE,
        "text": "which copy?",
        "target": [{"source": SOURCE, "selector": [quote]}],
    }
    report = import_annotations([bare], again, moved)
    assert report.imported == 0
    (problem,) = report.problems
    assert f"2 articles in the library have the address {SOURCE}" in problem
    assert "sub1/copy.md, sub2/copy.md" in problem and "not placed in either by guess" in problem


def wrong_library_file(tmp_path: Path) -> Path:
    """A library with ``sub1/a.md`` and ``sub2/a.md``, told apart only by their folders."""
    library = tmp_path / "lib"
    for sub in ("sub1", "sub2"):
        (library / sub).mkdir(parents=True)
        (library / sub / "a.md").write_text(f"# A in {sub}\n\nShared words here.\n", "utf-8")
    return library


@pytest.mark.parametrize("named", ["a.md", "file:///elsewhere/a.md", "/gone/lib/a.md"])
def test_a_file_name_that_two_articles_share_places_the_annotation_in_neither(
    tmp_path: Path, named: str
) -> None:
    library = wrong_library_file(tmp_path)
    annotation = {
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": "Annotation",
        "target": {
            "source": named,
            "selector": [{"type": "TextQuoteSelector", "exact": "Shared words"}],
        },
    }
    store = Store(tmp_path / "reader.json")
    report = import_annotations([annotation], store, library)
    assert report.imported == 0
    (problem,) = report.problems
    assert "sub1/a.md" in problem and "sub2/a.md" in problem and "by guess" in problem
    for sub in ("sub1", "sub2"):
        assert store.highlights(load_article(library / sub / "a.md").id) == []
    # Its folder tells them apart.
    told = dict(annotation, target=dict(annotation["target"], source="/gone/lib/sub2/a.md"))
    assert import_annotations([told], store, library).imported == 1
    (highlight,) = store.highlights(load_article(library / "sub2" / "a.md").id)
    assert highlight.anchor.exact == "Shared words"
