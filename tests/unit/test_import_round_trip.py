"""Import is an exact round trip: ``export --all --format json``, then ``import`` into an empty
database, brings back every highlight, note, tag, colour, link, time and article note; and an
annotation is placed in an article only when the file names that article and no other.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.db.store import Store
from reader.model import Anchor, Article, Colour, CrossLink, Highlight, LinkEnd
from reader.services.importer import import_annotations
from reader.text.anchoring import describe
from reader.text.display import note_text
from reader.text.documents import load_article
from reader.text.keys import LIBRARIES
from tests.conftest import DATA
from tests.stores import empty_notes_store, forget_notes, notes_store

SOURCE = "https://example.org/the-same-story"
PARAGRAPHS = [
    "Tide tables were kept by the harbour master in a ledger bound in green cloth.",
    "Each spring the river rose past the second step of the customs house.",
    "The ferry ran twice a day when the water allowed, and not at all in fog.",
    "Fishermen read the sky before they read the almanac, and trusted it more.",
    "A new bridge was proposed in every decade and built in none of them.",
    "The archive holds letters from three centuries about the same flooded road.",
]

notes_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=80,
).map(note_text)
tag_text = st.text(alphabet="abcdefghij-_é", min_size=1, max_size=10)
seconds = st.integers(min_value=0, max_value=10**8)


def when(second: int) -> str:
    """An ISO 8601 UTC time to the second, as reader records them."""
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + second))


def make_library(folder: Path) -> list[Path]:
    """Three articles: one of its own, and two copies of one web page (the same address in
    their front matter) in two subfolders under the same file name."""
    folder.mkdir(parents=True, exist_ok=True)
    LIBRARIES.register(folder)  # as `--library` registers it, before its notes
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


highlight_specs = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=len(PARAGRAPHS)),  # block (0 is the heading)
        st.integers(min_value=0, max_value=30),  # offset in it
        st.integers(min_value=1, max_value=40),  # length
        notes_text,
        st.lists(tag_text, max_size=3, unique=True).map(tuple),
        st.sampled_from(list(Colour)),
        seconds,
        seconds,
        st.booleans(),  # imported from another tool: its id kept as canonical
    ),
    max_size=4,
)
article_note_specs = st.one_of(
    st.none(),
    st.tuples(
        notes_text.filter(str.strip),
        st.lists(tag_text, max_size=3, unique=True).map(tuple),
        seconds,
        seconds,
    ),
)
link_specs = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),
        st.integers(min_value=1, max_value=len(PARAGRAPHS)),
        st.integers(min_value=0, max_value=2),
        st.integers(min_value=1, max_value=len(PARAGRAPHS)),
        st.text(alphabet="abc xyz", max_size=12).map(lambda s: " ".join(s.split())),
        seconds,
    ),
    max_size=3,
)


def fill(store: Store, articles: list[Article], data) -> None:
    """A rich database: drawn highlights, article notes and links on every article, plus
    what once collapsed on import: two highlights on one span with the same note, tags and
    time, and the same passage highlighted in both copies of one page."""
    number = 0

    def highlight(article: Article, anchor: Anchor, **fields) -> Highlight:
        nonlocal number
        number += 1
        return Highlight(
            id=f"00000000-0000-4000-8000-{number:012d}",
            article_id=article.id,
            anchor=anchor,
            **fields,
        )

    first, copy1, copy2 = articles
    same = {"note": "", "tags": ("twice",), "created": when(5), "modified": when(5)}
    store.save_highlights(
        [
            highlight(first, anchor_on(first, 2, 0, 20), **same),
            highlight(first, anchor_on(first, 2, 0, 20), colour=Colour.GREEN, **same),
            highlight(copy1, anchor_on(copy1, 3, 4, 30), **same),
            highlight(copy2, anchor_on(copy2, 3, 4, 30), **same),
        ]
    )
    # Placed on words other than those first highlighted (the text changed under it).
    was = Anchor(-1, -1, "The old bridge", "", " was proposed")
    store.save_highlight(
        highlight(
            first, anchor_on(first, 5, 0, 12), original=was, created=when(1), modified=when(2)
        )
    )
    for article in articles:
        for block, offset, length, note, tags, colour, made, changed, other in data.draw(
            highlight_specs
        ):
            made, changed = min(made, changed), max(made, changed)
            store.save_highlight(
                highlight(
                    article,
                    anchor_on(article, block, offset, length),
                    colour=colour,
                    tags=tags,
                    note=note,
                    created=when(made),
                    modified=when(changed),
                    canonical=f"https://tool.example/a/{number}" if other else "",
                )
            )
        spec = data.draw(article_note_specs)
        if spec is not None:
            text, tags, made, changed = spec
            store.set_article_note(
                article.id,
                article.meta.path,
                text,
                tags=tags,
                created=when(min(made, changed)),
                modified=when(max(made, changed)),
            )
    for n, (a, block_a, b, block_b, label, made) in enumerate(data.draw(link_specs)):
        ends = [
            LinkEnd(
                articles[i].id,
                str(articles[i].meta.path),
                articles[i].title,
                anchor_on(articles[i], block, 0, 25),
            )
            for i, block in ((a, block_a), (b, block_b))
        ]
        store.save_link(
            CrossLink(f"11111111-1111-4111-8111-{n:012d}", ends[0], ends[1], label, when(made))
        )


def everything(store: Store, articles: list[Article]) -> dict:
    """All the notes the database holds on these articles, field by field."""

    def fields(h: Highlight) -> tuple:
        # The words first highlighted travel as their quote: where they stood in a text
        # that is no longer there is not exported.
        original = h.original
        if original is not None:
            original = dataclasses.replace(original, start=-1, end=-1, block=0, fingerprint="")
        return dataclasses.astuple(dataclasses.replace(h, original=original))

    return {
        "highlights": sorted(
            (fields(h) for a in articles for h in store.highlights(a.id)), key=repr
        ),
        "article notes": {
            a.id: dataclasses.astuple(store.article_note_record(a.id)) for a in articles
        },
        "links": sorted((dataclasses.astuple(link) for link in store.all_links()), key=repr),
    }


def export_json(library: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["export", "--all", "--library", str(library), "--format", "json"]) == 0
    return capsys.readouterr().out


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_export_then_import_into_an_empty_database_brings_back_everything(
    data, tmp_path_factory, monkeypatch, capsys
) -> None:
    LIBRARIES.clear()  # each example a process of its own: no library of the last one
    root = tmp_path_factory.mktemp("round")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    monkeypatch.setenv("READER_DATA_DIR", str(root / "before"))
    library = root / "lib"
    articles = [load_article(path) for path in make_library(library)]
    store = notes_store()
    fill(store, articles, data)
    expected = everything(store, articles)
    store.close()
    exported = export_json(library, capsys)

    monkeypatch.setenv("READER_DATA_DIR", str(root / "after"))
    forget_notes(library)  # the library, on a machine without its notes
    file = root / "export.json"
    file.write_text(exported, encoding="utf-8")
    assert main(["import", str(file), "--library", str(library)]) == 0
    said = capsys.readouterr().out
    assert "already there" not in said and "kept unplaced 0" in said, said
    fresh = notes_store(read_only=True)
    assert everything(fresh, articles) == expected
    # And out again, byte for byte the same file.
    assert export_json(library, capsys) == exported
    # A second import adds nothing.
    assert main(["import", str(file), "--library", str(library)]) == 0
    assert "added 0 (placed 0, kept unplaced 0), already there" in capsys.readouterr().out
    assert everything(notes_store(read_only=True), articles) == expected


def exported_document(library: Path, capsys, fill_store) -> dict:
    """``fill_store(store, articles)``'s notes, exported with ``export --all`` as JSON."""
    articles = [load_article(path) for path in make_library(library)]
    store = notes_store()
    fill_store(store, articles)
    store.close()
    return json.loads(export_json(library, capsys))


def test_two_highlights_on_one_span_are_two_after_the_round_trip(tmp_path: Path, capsys) -> None:
    library = tmp_path / "lib"

    def two_on_one_span(store: Store, articles: list[Article]) -> None:
        first = articles[0]
        for number, colour in enumerate((Colour.YELLOW, Colour.BLUE)):
            store.save_highlight(
                Highlight(
                    f"00000000-0000-4000-8000-00000000000{number}",
                    first.id,
                    anchor_on(first, 1, 0, 24),
                    colour=colour,
                    created="2026-03-01T10:00:00Z",
                    modified="2026-03-01T10:00:00Z",
                )
            )

    document = exported_document(library, capsys, two_on_one_span)
    fresh = empty_notes_store()
    report = import_annotations(document, fresh, library)
    assert (report.imported, report.skipped) == (2, 0)
    colours = sorted(h.colour for h in fresh.highlights(load_article(library / "first.md").id))
    assert colours == [Colour.BLUE, Colour.YELLOW]


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
    fresh = empty_notes_store()
    assert import_annotations(document, fresh, library).imported == 2
    for number, sub in enumerate(("sub1", "sub2")):
        (highlight,) = fresh.highlights(load_article(library / sub / "copy.md").id)
        assert highlight.note == f"in copy {number + 1}"

    # In a library moved elsewhere the two files are told apart by their folders.
    moved = tmp_path / "moved"
    # (Copied without its notes vault, which would carry the notes along.)
    shutil.copytree(library, moved, ignore=shutil.ignore_patterns(".reader"))
    shutil.rmtree(library)
    again = empty_notes_store()
    LIBRARIES.register(moved)
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
    fresh = empty_notes_store()
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
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    shutil.copy(DATA / "hypothesis" / "article.md", library / "digital-tax.md")
    file = DATA / "hypothesis" / "api-list.json"
    assert main(["import", str(file), "--library", str(library)]) == 1  # two not imported
    article = load_article(library / "digital-tax.md")
    record = notes_store(read_only=True).article_note_record(article.id)
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
    assert main(["notes", "--tag", "follow-up", "--json", "--library", str(library)]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["kind"], listed["tags"], listed["created"]) == (
        "article-note",
        ["follow-up"],
        "2025-07-01T09:15:27Z",
    )


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
    store = notes_store()
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
