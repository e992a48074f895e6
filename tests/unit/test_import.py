"""Import: what was exported comes back whole; other tools' annotations find their article."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.model import Colour, CrossLink, Highlight, LinkEnd
from reader.notes import export
from reader.services.importer import import_annotations
from reader.text.anchoring import describe
from reader.text.display import note_text
from reader.text.documents import load_article
from reader.text.keys import LIBRARIES
from tests.conftest import DATA, SAMPLE
from tests.stores import empty_notes_store, forget_notes, notes_store

# Notes as reader keeps them: typed or pasted through the editor, which turns a control
# character into its placeholder (an imported note is kept the same way).
notes_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=200,
).map(note_text)
tag_text = st.text(alphabet="abcdefghij-_é", min_size=1, max_size=12)


def highlight_on(article, block: int, note: str, tags: tuple[str, ...], colour: Colour, n: int):
    b = article.blocks[block]
    return Highlight(
        id=f"00000000-0000-4000-8000-{n:012d}",
        article_id=article.id,
        anchor=describe(
            article.text,
            b.start,
            b.start + min(60, len(b.text)),
            block=block,
            fingerprint=article.fingerprint,
        ),
        colour=colour,
        tags=tags,
        note=note,
        created=f"2026-01-01T00:00:{n:02d}Z",
        modified="2026-01-02T00:00:00Z",
    )


def essentials(highlights):
    return sorted(
        (h.id, h.anchor.exact, h.anchor.start, h.note, h.tags, h.colour, h.created, h.modified)
        for h in highlights
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=20),
            notes_text,
            st.lists(tag_text, max_size=3, unique=True).map(tuple),
            st.sampled_from(list(Colour)),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_export_then_import_into_an_empty_store_gives_back_every_highlight(
    tmp_path_factory, specs
) -> None:
    folder = tmp_path_factory.mktemp("lib")
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    article = load_article(folder / SAMPLE.name)
    highlights = [highlight_on(article, b, n, t, c, i) for i, (b, n, t, c) in enumerate(specs)]
    notes = export.gather(article, highlights)
    document = json.loads(export.dumps(export.to_collection([notes], exported="x", label="x")))
    fresh = notes_store()
    report = import_annotations(document, fresh, folder)
    assert (report.imported, report.orphaned) == (len(highlights), 0)
    assert essentials(fresh.highlights(article.id)) == essentials(highlights)
    again = import_annotations(document, fresh, folder)
    assert (again.imported, again.skipped) == (0, len(highlights))


def test_links_survive_the_round_trip(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    shutil.copytree(DATA / "linked", folder)
    tides, marsh = load_article(folder / "tides.md"), load_article(folder / "salt-marsh.md")
    here = LinkEnd(
        marsh.id,
        str(marsh.meta.path),
        marsh.title,
        describe(marsh.text, 0, 14, fingerprint=marsh.fingerprint),
    )
    there = LinkEnd(
        tides.id,
        str(tides.meta.path),
        tides.title,
        describe(tides.text, 20, 40, fingerprint=tides.fingerprint),
    )
    link = CrossLink(
        "11111111-1111-4111-8111-111111111111", here, there, "see", "2026-01-01T00:00:00Z"
    )
    notes = export.gather(marsh, [], links=[link])
    document = json.loads(export.dumps(export.to_collection([notes], exported="x", label="x")))
    fresh = notes_store()
    assert import_annotations(document, fresh, folder).links == 1
    (back,) = fresh.all_links()
    assert (back.id, back.label, back.source.anchor.exact, back.target.anchor.exact) == (
        link.id,
        "see",
        here.anchor.exact,
        there.anchor.exact,
    )


def test_a_hypothesis_style_annotation_finds_its_article_by_front_matter_source(
    tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    LIBRARIES.register(folder)  # as `--library` registers it, before its notes
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    source = load_article(SAMPLE).meta.source
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://hypothes.is/a/abc123",
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "value": "From Hypothesis", "purpose": "commenting"},
            {"type": "TextualBody", "value": "imported", "purpose": "tagging"},
        ],
        "target": {
            "source": source,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "Canada quickly retreated",
                    "prefix": "Stung by Trump’s action, ",
                    "suffix": ". On Sunday",
                }
            ],
        },
    }
    missing = dict(
        annotation,
        id="other",
        target={
            "source": "https://nowhere.example/x",
            "selector": [{"type": "TextQuoteSelector", "exact": "x"}],
        },
    )
    file = tmp_path / "hypothesis.json"
    file.write_text(json.dumps([annotation, missing]), encoding="utf-8")
    assert main(["import", str(file), "--library", str(folder)]) == 1  # one not imported
    captured = capsys.readouterr()
    assert "added 1 (placed 1, kept unplaced 0), not imported 1" in captured.out
    assert "no article in the library for https://nowhere.example/x" in captured.err
    article = load_article(folder / SAMPLE.name)
    (highlight,) = notes_store().highlights(article.id)
    assert (highlight.note, highlight.tags) == ("From Hypothesis", ("imported",))
    assert article.text[highlight.anchor.start : highlight.anchor.end] == "Canada quickly retreated"
    # Named by its title in `reader notes` at once, before any library scan has run.
    capsys.readouterr()
    # (The notes are the library's: kept in its vault, listed with it.)
    assert main(["notes", "--json", "--library", str(folder)]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["title"] == article.title


def test_import_of_a_file_that_is_not_json_is_one_clear_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["import", str(bad)]) == 2
    assert "is not readable JSON" in capsys.readouterr().err
    binary = tmp_path / "photo.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xc3\x28")
    folder = tmp_path / "folder"
    folder.mkdir()
    LIBRARIES.register(folder)  # as `--library` registers it, before its notes
    values = tmp_path / "values.json"
    values.write_text('[1, 2, "x"]', encoding="utf-8")
    for offered, said in [
        (binary, "is not a JSON file of annotations (not UTF-8 text)"),
        (folder, "is a folder: give the file of annotations to import"),
        (values, "nothing to import: it is a list of 3 values, none an annotation"),
    ]:
        assert main(["import", str(offered)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("reader: ") and said in err and err.count("\n") == 1


def quote_annotation(source: str, exact: str, ident: str, note: str = "kept") -> dict:
    return {
        "id": ident,
        "type": "Annotation",
        "created": "2026-02-01T10:00:00Z",
        "body": [{"type": "TextualBody", "value": note, "purpose": "commenting"}],
        "target": {"source": source, "selector": [{"type": "TextQuoteSelector", "exact": exact}]},
    }


def test_an_annotation_that_cannot_be_placed_is_kept_as_an_orphan(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    LIBRARIES.register(folder)  # as `--library` registers it, before its notes
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    article = load_article(folder / SAMPLE.name)
    lost = "words that were in an earlier version of the article and are gone now"
    store = notes_store()
    report = import_annotations(
        [quote_annotation(article.meta.source, lost, "urn:uuid:lost-1", "my note")], store, folder
    )
    assert (report.imported, report.placed, report.orphaned) == (1, 0, 1)
    (highlight,) = store.highlights(article.id)
    assert (highlight.id, highlight.anchor.exact, highlight.note) == ("lost-1", lost, "my note")


def test_an_annotation_is_already_there_by_its_id_and_without_one_by_its_content(
    tmp_path: Path,
) -> None:
    # Issue 21.10 changed this: two annotations with the same quote, note, tags and time
    # but ids of their own are two (two highlights on one span were once imported as one,
    # "already there 1" on an empty database). Only an annotation without an id of its own
    # is known by its content: the same file imported again adds nothing, and one imported
    # by an older reader (under an id of its own making) is found by its quote, note, tags
    # and creation time.
    folder = tmp_path / "lib"
    folder.mkdir()
    LIBRARIES.register(folder)  # as `--library` registers it, before its notes
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    article = load_article(folder / SAMPLE.name)
    store = notes_store()
    first = quote_annotation(article.meta.source, "Canada quickly retreated", "https://tool/a/1")
    again = dict(first, id="https://tool/a/2")
    report = import_annotations([first, again], store, folder)
    assert (report.imported, report.skipped) == (2, 0)

    fresh = empty_notes_store()  # the same annotations, into no notes at all
    anonymous = {key: value for key, value in first.items() if key != "id"}
    report = import_annotations([anonymous, dict(anonymous)], fresh, folder)
    assert (report.imported, report.skipped) == (2, 0)  # two alike in one file stay two
    report = import_annotations([anonymous, dict(anonymous)], fresh, folder)
    assert (report.imported, report.skipped) == (0, 2)

    older = empty_notes_store()
    older.save_highlight(
        Highlight(
            "made-by-an-older-reader",
            article.id,
            describe(article.text, *_span(article, "Canada quickly retreated")),
            note="kept",
            created="2026-02-01T10:00:00Z",
        )
    )
    report = import_annotations([anonymous], older, folder)
    assert (report.imported, report.skipped) == (0, 1)
    changed = dict(anonymous, created="2026-02-02T10:00:00Z")
    assert import_annotations([changed], older, folder).imported == 1


def _span(article, words: str) -> tuple[int, int]:
    start = article.text.index(words)
    return start, start + len(words)


def test_markdown_and_json_round_trips_keep_every_note_tag_colour_link_and_article_note(
    tmp_path: Path, monkeypatch, capsys
) -> None:

    library = tmp_path / "lib"
    library.mkdir()
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    first, second = library / "first.md", library / "second.md"
    first.write_text("# First\n\nAlpha paragraph.\n\nBeta paragraph here.\n", encoding="utf-8")
    second.write_text("# Second\n\nGamma paragraph.\n\nDelta words.\n", encoding="utf-8")
    a, b = load_article(first), load_article(second)
    store = notes_store()
    store.save_highlight(highlight_on(a, 1, "alpha *note*", ("t1", "C++"), Colour.BLUE, 1))
    store.save_highlight(highlight_on(b, 2, "", ("t2",), Colour.PINK, 2))
    store.set_article_note(a.id, first, "The whole of *First*.")

    def end(article, block: int) -> LinkEnd:
        blk = article.blocks[block]
        anchor = describe(article.text, blk.start, blk.end, fingerprint=article.fingerprint)
        return LinkEnd(article.id, str(article.meta.path), article.title, anchor)

    # Made with l on plain paragraphs: neither end is highlighted.
    plain = CrossLink("link-plain", end(a, 2), end(b, 1), "answers", "2026-01-01T00:00:00Z")
    store.save_link(plain)
    store.close()

    # Markdown: the link in both articles' files, pointing at a file the export wrote;
    # the front matter's counts agree with `reader list`.
    out = tmp_path / "md"
    assert main(["export", "--all", "--library", str(library), "-o", str(out)]) == 0
    written = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert set(written) == {"First.md", "Second.md", "index.md"}
    assert "→ [Second](<Second.md>) (answers): “Gamma paragraph.”" in written["First.md"]
    assert "← [First](<First.md>) (answers): “Beta paragraph here.”" in written["Second.md"]
    assert "> Beta paragraph here." in written["First.md"]  # the linked passage, quoted
    capsys.readouterr()
    assert main(["list", str(library)]) == 0
    listing = capsys.readouterr().out
    for name, (highlights, notes) in (("First.md", (1, 2)), ("Second.md", (1, 0))):
        assert f"highlights: {highlights}\nnotes: {notes}\n" in written[name]
        row = next(line for line in listing.splitlines() if line.split("\t")[1] == name[:-3])
        assert row.split("\t")[4:6] == [str(highlights), str(notes)], row

    # JSON: exported, then imported into an empty database, everything comes back.
    document = tmp_path / "all.json"
    assert main(["export", "--all", "--library", str(library), "--format", "json"]) == 0
    document.write_text(capsys.readouterr().out, encoding="utf-8")
    before = notes_store(read_only=True)
    expected = (
        essentials(before.highlights(a.id) + before.highlights(b.id)),
        sorted(
            (lnk.id, lnk.label, lnk.source.anchor.exact, lnk.target.anchor.exact)
            for lnk in before.all_links()
        ),
        before.article_note(a.id),
    )
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "elsewhere"))
    forget_notes(library)  # the library, on a machine without its notes
    assert main(["import", str(document), "--library", str(library)]) == 0
    assert "article notes 1" in capsys.readouterr().out
    after = notes_store(read_only=True)
    got = (
        essentials(after.highlights(a.id) + after.highlights(b.id)),
        sorted(
            (lnk.id, lnk.label, lnk.source.anchor.exact, lnk.target.anchor.exact)
            for lnk in after.all_links()
        ),
        after.article_note(a.id),
    )
    assert got == expected
    colours = {h.id: h.colour for h in after.highlights(a.id) + after.highlights(b.id)}
    assert sorted(colours.values()) == sorted([Colour.BLUE, Colour.PINK])
    # Imported twice: nothing doubles, the article note included.
    assert main(["import", str(document), "--library", str(library)]) == 0
    assert notes_store(read_only=True).article_note(a.id) == "The whole of *First*."


def test_an_export_imports_whole_into_a_library_moved_elsewhere(
    tmp_path: Path, monkeypatch, capsys
) -> None:

    library = tmp_path / "old" / "lib"
    library.mkdir(parents=True)
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    for name in ("one.md", "two.md", "three.md"):
        (library / name).write_text(
            f"# Title {name}\n\nFirst words of {name}.\n\nSecond words of {name}.\n",
            encoding="utf-8",
        )
    store = notes_store()
    for number, name in enumerate(("one.md", "two.md", "three.md")):
        article = load_article(library / name)
        store.save_highlight(highlight_on(article, 1, f"note {name}", (), Colour.GREEN, number))
    store.close()
    assert main(["export", "--all", "--library", str(library), "--format", "json"]) == 0
    document = tmp_path / "export.json"
    document.write_text(capsys.readouterr().out, encoding="utf-8")

    moved = tmp_path / "new" / "reading"
    shutil.move(str(library), str(moved))
    (moved / "three.md").rename(moved / "renamed.md")  # found by its title then
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "other-machine"))
    forget_notes(moved)  # the library copied without its notes vault
    assert main(["import", str(document), "--library", str(moved)]) == 0
    assert "added 3 (placed 3, kept unplaced 0)" in capsys.readouterr().out
    fresh = notes_store(read_only=True)
    for name in ("one.md", "two.md", "renamed.md"):
        (highlight,) = fresh.highlights(load_article(moved / name).id)
        assert highlight.note.startswith("note ")


def test_import_takes_a_lone_page_a_byte_order_mark_and_refuses_a_remote_first_page(
    tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    LIBRARIES.register(folder)  # as `--library` registers it, before its notes
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    article = load_article(folder / SAMPLE.name)
    highlight = highlight_on(article, 2, "on a page", (), Colour.YELLOW, 1)
    collection = export.to_collection(
        [export.gather(article, [highlight])], exported="2026-11-25", label="x"
    )
    page = collection["first"]
    file = tmp_path / "page.json"
    file.write_bytes(b"\xef\xbb\xbf" + json.dumps(page).encode("utf-8"))  # BOM, as some tools
    assert main(["import", str(file), "--library", str(folder)]) == 0
    assert "added 1" in capsys.readouterr().out
    remote = dict(collection, first="https://annotations.example/collection?page=1")
    file.write_text(json.dumps(remote), encoding="utf-8")
    assert main(["import", str(file), "--library", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "first page is only an address (https://annotations.example/" in err


def test_imported_notes_tags_and_labels_are_kept_as_reader_keeps_typed_ones(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    LIBRARIES.register(folder)  # as `--library` registers it, before its notes
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    article = load_article(folder / SAMPLE.name)
    annotation = quote_annotation(
        article.meta.source, "Canada quickly retreated", "urn:uuid:n1", "red \x1b[31mtext\r\nnext"
    )
    annotation["body"].append({"type": "TextualBody", "value": "a\x07b", "purpose": "tagging"})
    store = notes_store()
    import_annotations([annotation], store, folder)
    (highlight,) = store.highlights(article.id)
    assert highlight.note == "red ␛[31mtext\nnext"
    assert highlight.tags == ("a␇b",)


def test_an_imported_annotation_keeps_the_selectors_it_came_with(tmp_path: Path) -> None:
    # Issue 21: a re-placed highlight always keeps its original selectors. Another tool's
    # prefix and suffix are counted in a browser's text (here its line end where the
    # article has a space): placed by its quote, it keeps them as they came.
    folder = tmp_path / "lib"
    folder.mkdir()
    LIBRARIES.register(folder)  # as `--library` registers it, before its notes
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    article = load_article(folder / SAMPLE.name)
    text = article.text
    at = text.index("the tax")
    prefix, suffix = text[at - 32 : at].replace(" ", "\n", 1), text[at + 7 : at + 39]
    annotation = quote_annotation(article.meta.source, "the tax", "urn:uuid:tax-1", "")
    annotation["target"]["selector"][0].update(prefix=prefix, suffix=suffix)
    store = notes_store()
    assert import_annotations([annotation], store, folder).placed == 1
    (highlight,) = store.highlights(article.id)
    assert highlight.anchor.start == at and highlight.anchor.prefix == text[at - 32 : at]
    assert highlight.original is not None
    assert (highlight.original.prefix, highlight.original.suffix) == (prefix, suffix)
    assert highlight.was == ""  # the same words: nothing to show as "was"


def test_hypothesis_tags_that_are_not_a_list_import_without_a_traceback(
    tmp_path: Path, capsys
) -> None:
    """A Hypothesis API annotation whose ``tags`` is a number once stopped the import with
    a traceback, and a lone string was split into one tag per character."""
    folder = tmp_path / "lib"
    folder.mkdir()
    LIBRARIES.register(folder)  # as `--library` registers it, before its notes
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    source = load_article(SAMPLE).meta.source

    def api(ident: str, exact: str, tags: object) -> dict:
        quote = {"type": "TextQuoteSelector", "exact": exact}
        return {
            "id": ident,
            "uri": source,
            "text": f"note {ident}",
            "tags": tags,
            "target": [{"source": source, "selector": [quote]}],
        }

    file = tmp_path / "hypothesis.json"
    annotations = [
        api("n1", "Canada quickly retreated", 5),
        api("n2", "On Sunday", "one tag"),
        api("n3", "Stung by Trump", {"not": "a tag"}),
    ]
    file.write_text(json.dumps(annotations), encoding="utf-8")
    assert main(["import", str(file), "--library", str(folder)]) == 0
    assert "added 3 (placed 3, kept unplaced 0)" in capsys.readouterr().out

    article = load_article(folder / SAMPLE.name)
    tags = {h.note: h.tags for h in notes_store().highlights(article.id)}
    assert tags == {"note n1": (), "note n2": ("one tag",), "note n3": ()}
