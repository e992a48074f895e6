"""Export: Markdown that renders exactly the quotes and notes, and valid W3C JSON."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from reader.cli import main
from reader.db.store import Store
from reader.model import Colour, CrossLink, Highlight, LinkEnd
from reader.notes import export
from reader.text.anchoring import describe
from reader.text.documents import article_id, load_text
from reader.text.keys import LIBRARIES
from tests.conftest import DATA
from tests.stores import notes_store

HOSTILE = "# [bold]Title[/] <b>x</b> | a | *not* `code` ---"
TEXT = f"""---
title: "{HOSTILE}"
source: https://example.com/a
---

# Intro

Plain words with *emphasis*, a [link](https://example.com), <span>html</span>, 1. not a list,
and # not a heading, | not | a table |, and \\[brackets\\].

## Section two

- a list item whose words matter

Last paragraph with a tab\there and an escape \x1b[31m red.
"""


def make_article(tmp_path: Path):
    path = tmp_path / "hostile.md"
    path.write_text(TEXT, encoding="utf-8")
    LIBRARIES.register(tmp_path)  # the tests' `--library`, registered before its notes
    return load_text(TEXT, path)


def make_highlight(article, block: int, note: str = "", tags=(), number: int = 0) -> Highlight:
    b = article.blocks[block]
    return Highlight(
        id=f"h{number}",
        article_id=article.id,
        anchor=describe(article.text, b.start, b.end, block=block, fingerprint=article.fingerprint),
        colour=Colour.GREEN,
        tags=tuple(tags),
        note=note,
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
    )


NOTES = [
    "# My heading\nwith **bold**, a [link](https://x.org) and `code`",
    "<script>alert(1)</script>\n\n---\nfront: matter\n---",
    "```python\nunclosed = True",
    "A line\n===",
    "> a quote in a note\n- and a list",
]


def exported(tmp_path: Path) -> tuple[object, str]:
    article = make_article(tmp_path)
    highlights = [
        make_highlight(article, i, note, ("tag one", "c++"), n)
        for n, (i, note) in enumerate(zip([1, 3, 4, 2, 1], NOTES, strict=True))
    ]
    notes = export.gather(article, highlights, "The article note *as a whole*.")
    return notes, export.to_markdown(notes, exported="2026-11-25")


def test_one_blockquote_per_highlight_with_the_quotes_rendered_literally(tmp_path: Path) -> None:
    notes, text = exported(tmp_path)
    text = text.split("---\n", 2)[2]  # the body, after the front matter
    tokens = MarkdownIt("commonmark").parse(text)
    quoting_notes = 1  # one note is itself a Markdown quote ("> a quote in a note")
    blockquotes = sum(1 for t in tokens if t.type == "blockquote_open")
    assert blockquotes == len(notes.entries) + quoting_notes
    assert not any(t.type in ("html_block", "hr", "table_open") for t in tokens)
    html = MarkdownIt("commonmark").render(text)
    for entry in notes.entries:
        quote = notes.article.text[entry.start : entry.end]
        visible_quote = " ".join(export.clean(quote).split())
        # The quote's words all arrive as text, HTML-escaped, never as markup.
        rendered = html.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        rendered = rendered.replace("&quot;", '"')
        assert visible_quote in " ".join(rendered.split()), visible_quote


def test_the_title_stays_text_and_the_front_matter_is_valid(tmp_path: Path) -> None:
    _notes, text = exported(tmp_path)
    assert text.startswith("---\ntitle: ")
    front = text.split("---\n")[1]
    fields = dict(line.split(": ", 1) for line in front.strip().split("\n"))
    assert json.loads(fields["title"]) == HOSTILE
    tokens = MarkdownIt("commonmark").parse(text.split("---\n", 2)[2])
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0] == export.escape_inline(HOSTILE)
    html = MarkdownIt("commonmark").render(text.split("---\n", 2)[2])
    assert "<b>" not in html and "<script>" not in html and "<span>" not in html


def test_notes_keep_their_markdown_but_cannot_break_the_document(tmp_path: Path) -> None:
    _notes, text = exported(tmp_path)
    body = text.split("---\n", 2)[2]
    tokens = MarkdownIt("commonmark").parse(body)
    # Only the title (h1) and the article's section heading (h2) are headings.
    levels = [t.tag for t in tokens if t.type == "heading_open"]
    assert levels == ["h1", "h2"]
    assert "**My heading**" in body and "**bold**" in body and "[link](https://x.org)" in body
    assert "&lt;script>" in body
    assert not any(t.type == "hr" for t in tokens)
    assert body.count("```") % 2 == 0  # the unclosed fence was closed
    assert "\x1b" not in text and "␛" in text
    assert "The article note *as a whole*." in body.split("\n> ")[0]


def test_tags_colour_and_place_follow_each_quote(tmp_path: Path) -> None:
    notes, text = exported(tmp_path)
    uri = export.open_uri(notes.article.meta.path, 2)
    # The colour first: no line of reader's own starts with "#" (a heading in
    # Python-Markdown); then the paragraph, opening the article there; the tags, distinct
    # and valid ("c++" is not "c"); the highlight's block id.
    assert f"green · [¶ 2]({uri}) · #tag-one #c-plus-plus ^hh0" in text
    assert "## Section two" in text
    assert not [line for line in text.split("\n") if line.startswith("#") and " " not in line]


def test_export_is_deterministic(tmp_path: Path) -> None:
    assert exported(tmp_path)[1] == exported(tmp_path)[1]


def test_orphans_are_listed_last(tmp_path: Path) -> None:
    article = make_article(tmp_path)
    lost = make_highlight(article, 1, "kept note")
    raw = next(p for p in TEXT.split("\n\n") if p.startswith("Plain words"))
    edited = load_text(TEXT.replace(raw, "Entirely new words here."), article.meta.path)
    notes = export.gather(edited, [lost])
    text = export.to_markdown(notes, exported="2026-11-25")
    assert text.index("## Could not be placed") < text.index("kept note")


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("A normal title", "A normal title.md"),
        ("../../etc/passwd", "etc passwd.md"),
        ("a/b\\c:d*e?f", "a b c d e f.md"),
        ("CON", "article CON.md"),
        ("", "article.md"),
        ("x" * 300, "x" * 80 + ".md"),
        ("dots...", "dots.md"),
        ("tab\tand\x1bescape", "tabandescape.md"),
    ],
)
def test_file_names_stay_in_the_folder(title: str, name: str) -> None:
    assert export.safe_filename(title) == name


def test_existing_files_and_symlinks_are_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    one, two = (f"---\n{export.EXPORT_MARK}\n---\n\n{n}\n" for n in ("one", "two"))
    export.write_file(target, one)
    with pytest.raises(export.ExportError, match="--force"):
        export.write_file(target, two)
    export.write_file(target, two, force=True)
    assert target.read_text() == two
    mine = tmp_path / "mine.md"
    mine.write_text("# My own file\n", encoding="utf-8")
    for force in (False, True):  # a file the export did not write: never, and --force is no help
        with pytest.raises(export.ExportError, match="not an export") as caught:
            export.write_file(mine, two, force=force)
        assert "--force" not in str(caught.value)
    assert mine.read_text(encoding="utf-8") == "# My own file\n"
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(export.ExportError, match="symbolic link"):
        export.write_file(link, "x", force=True)
    assert not (tmp_path / "elsewhere.md").exists()


def test_json_export_passes_the_w3c_must_assertions(tmp_path: Path) -> None:
    notes, _text = exported(tmp_path)
    article = notes.article
    other = LinkEnd("other", str(tmp_path / "other.md"), "Other", notes.entries[0].highlight.anchor)
    here = LinkEnd(
        article.id, str(article.meta.path), article.title, notes.entries[1].highlight.anchor
    )
    notes.links = [CrossLink("l1", here, other, "answers", "2026-01-01T00:00:00Z")]
    document = export.to_collection([notes], exported="2026-11-25", label="test")
    items = document["first"]["items"]
    assert [i["motivation"] for i in items].count("linking") == 1
    assert {i["motivation"] for i in items} == {"commenting", "linking"}
    out = tmp_path / "export.json"
    out.write_text(export.dumps(document), encoding="utf-8")
    validator = DATA / "tools" / "validate-web-annotation"
    result = subprocess.run(
        [sys.executable, str(validator), str(out)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(items) + 1} passed, 0 failed" in result.stdout  # and the collection


def test_cli_exports_by_title_to_stdout_and_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = make_article(tmp_path)
    store = notes_store()
    store.save_highlight(make_highlight(article, 1, "a note"))
    store.close()
    args = ["export", "--library", str(tmp_path)]
    assert main([*args, "intro"]) == 2  # no such title
    assert main([*args, HOSTILE.lower()]) == 0
    assert "> Plain words" in capsys.readouterr().out
    assert main([*args, "bold title"]) == 0  # some words of the title are enough
    assert "> Plain words" in capsys.readouterr().out
    out = tmp_path / "notes.md"
    assert main([*args, str(article.meta.path), "-o", str(out)]) == 0
    assert main([*args, str(article.meta.path), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    folder = tmp_path / "all"
    assert main([*args, "--all", "-o", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [export.safe_filename(HOSTILE), "index.md"]
    # -o of the wrong kind: one line, nothing written.
    capsys.readouterr()
    assert main([*args, "--all", "-o", str(out)]) == 2
    assert "is a file: --all writes one file per article" in capsys.readouterr().err
    for folder_given in (str(folder), f"{tmp_path / 'new'}/"):
        for more in ([], ["--all", "--format", "json"]):
            what = more or [str(article.meta.path)]
            assert main([*args, *what, "-o", folder_given]) == 2
            err = capsys.readouterr().err
            assert err.startswith("reader: ") and "is a folder: give -o the name" in err
    assert not (tmp_path / "new").exists()


GOLDEN = DATA / "export-golden.md"


def test_markdown_matches_the_golden_file(tmp_path: Path) -> None:
    """The reviewed export of hostile text and notes (update only after reading the diff)."""
    notes, text = exported(tmp_path)
    text = text.replace(str(tmp_path.resolve()), "TMP")  # the article's folder
    text = text.replace(notes.article.id, "ID")  # made from where the article is
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_lone_surrogates_and_controls_never_reach_the_files(tmp_path: Path) -> None:
    article = make_article(tmp_path)
    highlight = make_highlight(article, 1, "bad \udcff half \x07 bell " + "long " * 4000)
    notes = export.gather(article, [highlight])
    text = export.to_markdown(notes, exported="2026-11-25")
    text.encode("utf-8")  # strict: no surrogate left
    assert "\x07" not in text and "\ufffd" in text
    document = export.dumps(export.to_collection([notes], exported="x", label="x"))
    document.encode("utf-8")
    assert json.loads(document)["first"]["items"][0]["body"][0]["value"] == highlight.note


def test_the_export_command_does_not_import_textual(tmp_path: Path) -> None:
    article = make_article(tmp_path)
    code = (
        "import sys; from reader.cli import main; "
        f"main(['export', '--library', {str(tmp_path)!r}, {str(article.meta.path)!r}]); "
        "print('TEXTUAL' if 'textual' in sys.modules else 'CLEAN', file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert "CLEAN" in result.stderr, result.stderr


def test_export_all_gives_articles_with_one_title_distinct_files_and_writes_all_or_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.text.documents import load_article

    library = tmp_path / "library"
    library.mkdir()
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    store = notes_store()
    for name, title in (("one.md", "Notes"), ("two.md", "Notes"), ("three.md", "index")):
        path = library / name
        path.write_text(f"# {title}\n\nA paragraph of {name}.\n", encoding="utf-8")
        article = load_article(path)
        store.save_highlight(make_highlight(article, 1, f"note on {name}"))
    store.close()
    out = tmp_path / "out"
    args = ["export", "--library", str(library), "--all", "-o", str(out)]
    assert main(args) == 0
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 4 and "index.md" in files  # three articles and the index
    bodies = "".join((out / name).read_text(encoding="utf-8") for name in files)
    for name in ("one.md", "two.md", "three.md"):
        assert f"note on {name}" in bodies  # none written over another
    edited = (out / files[0]).read_text(encoding="utf-8") + "\nmine\n"  # an export, edited
    (out / files[0]).write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 2  # files exist: nothing is written, not half
    assert "nothing was written" in capsys.readouterr().err
    assert (out / files[0]).read_text(encoding="utf-8") == edited
    assert main([*args, "--force"]) == 0
    assert (out / files[0]).read_text(encoding="utf-8") != edited


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "forked"])
def test_export_all_that_fails_midway_leaves_nothing_behind(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    parallel: bool,
) -> None:
    """Files are written while the rest are made; one that cannot be made undoes them all."""
    from reader.cli import notes as notes_command
    from reader.cli.common import UserError
    from reader.text.documents import load_article

    library = tmp_path / "library"
    library.mkdir()
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    store = notes_store()
    for number in range(6):
        path = library / f"a{number}.md"
        path.write_text(f"# Article {number}\n\nA paragraph.\n", encoding="utf-8")
        store.save_highlight(make_highlight(load_article(path), 1, f"note {number}"))
    store.close()
    gather = notes_command._gather

    def failing(store: Store, path: Path):  # type: ignore[no-untyped-def]
        if path.name == "a4.md":  # late: the files before it are already being written
            raise UserError(f"{path}: gone")
        return gather(store, path)

    monkeypatch.setattr(notes_command, "_gather", failing)
    monkeypatch.setattr(notes_command, "PARALLEL_FROM", 2 if parallel else 1000)
    out = tmp_path / "out"
    assert main(["export", "--library", str(library), "--all", "-o", str(out)]) == 2
    assert "a4.md: gone" in capsys.readouterr().err
    assert list(out.iterdir()) == []  # no export, no temporary file


def test_export_all_in_forked_workers_leaves_the_collector_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers share the parent's objects, frozen for them: once they are done, the
    # objects are the collector's again (they once stayed frozen for good, garbage too).
    import gc

    from reader.cli import notes as notes_command

    monkeypatch.setattr(notes_command, "PARALLEL_FROM", 2)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    gc.unfreeze()
    try:
        exported_three(tmp_path)  # three articles, in two workers
        assert gc.get_freeze_count() == 0
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def exported_three(tmp_path: Path) -> tuple[list[str], Path, dict[str, bytes]]:
    """Three annotated articles exported with --all, then one export removed (to be new at
    the next): the command, the folder, and what it holds, byte for byte."""
    from reader.text.documents import load_article

    library = tmp_path / "library"
    library.mkdir()
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    store = notes_store()
    for number in range(3):
        path = library / f"a{number}.md"
        path.write_text(f"# Article {number}\n\nA paragraph.\n", encoding="utf-8")
        store.save_highlight(make_highlight(load_article(path), 1, f"note {number}"))
    store.close()
    out = tmp_path / "out"
    args = ["export", "--library", str(library), "--all", "-o", str(out)]
    assert main(args) == 0
    sorted(path for path in out.iterdir() if path.name != "index.md")[1].unlink()
    return args, out, {path.name: path.read_bytes() for path in out.iterdir()}


def test_export_all_that_fails_while_files_go_in_place_puts_the_folder_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renamed into place one by one: a failure part of the way (here the fourth rename)
    takes the new files away and puts the earlier exports back, byte for byte."""
    from reader.cli import notes as notes_command

    args, out, before = exported_three(tmp_path)
    renames = 0
    replace = os.replace

    def failing(source: str | Path, target: str | Path) -> None:
        nonlocal renames
        if Path(target).parent != out or str(target).endswith(".journal"):
            return replace(source, target)  # the database's backup, the export's journal
        renames += 1
        if renames == 4:
            raise OSError(28, "No space left on device", str(target))
        replace(source, target)

    monkeypatch.setattr(notes_command.os, "replace", failing)
    capsys.readouterr()
    assert main([*args, "--force"]) == 2
    assert "nothing was changed" in capsys.readouterr().err
    assert renames > 4  # the earlier exports were put back after the failure
    after = {path.name: path.read_bytes() for path in out.iterdir()}
    assert after == before  # no new file, no temporary file, the earlier ones as they were


def test_export_all_interrupted_just_after_any_rename_puts_the_folder_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C landing right after each rename in turn (the earlier export set aside, or a
    file put in place): the folder is as it was, every time."""
    from reader.cli import notes as notes_command

    args, out, before = exported_three(tmp_path)
    replace = os.replace
    # 2 earlier exports, an index (2 renames each), 1 new file; and before them the note of
    # the export under way and its journal (the notes vault keeps no backup of a database).
    for moment in range(1, 10):
        renames = 0

        def interrupted(source: str | Path, target: str | Path, moment: int = moment) -> None:
            nonlocal renames
            renames += 1
            replace(source, target)
            if renames == moment:
                raise KeyboardInterrupt

        monkeypatch.setattr(notes_command.os, "replace", interrupted)
        assert main([*args, "--force"]) == 130, moment
        monkeypatch.setattr(notes_command.os, "replace", replace)
        after = {path.name: path.read_bytes() for path in out.iterdir()}
        assert after == before, f"after rename {moment}"
    capsys.readouterr()


def test_one_export_interrupted_before_its_rename_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader import atomic
    from reader.notes.export import write_file

    def interrupted(temp: Path, path: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic, "put_in_place", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_file(tmp_path / "notes.md", "---\nexported_by: reader\n---\n")
    assert list(tmp_path.iterdir()) == []


def test_sigterm_during_an_export_interrupts_it_as_ctrl_c_does() -> None:
    """So that a closed terminal or a kill cleans away what was half written."""
    import signal

    from reader.cli.notes import _signals_interrupt

    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), _signals_interrupt():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the signal arrives first
    assert signal.getsignal(signal.SIGTERM) == handler  # as it was, afterwards


def clipped_vault(tmp_path: Path) -> tuple[Path, Path, bytes]:
    """A vault folder of clipped articles (one annotated) whose names come from titles."""
    from reader.text.documents import load_article

    vault = tmp_path / "vault" / "Clippings"
    vault.mkdir(parents=True)
    LIBRARIES.register(vault)  # as `--library` registers it, before its notes
    article_path = vault / "Digital tax retreat.md"
    article_path.write_text(
        "---\ntitle: Digital tax retreat\n---\n\nCanada dropped the tax.\n", encoding="utf-8"
    )
    (vault / "index.md").write_text("# My vault's own index\n", encoding="utf-8")
    store = notes_store()
    store.save_highlight(make_highlight(load_article(article_path), 0, "my note"))
    store.close()
    return vault, article_path, article_path.read_bytes()


def test_export_all_into_the_library_never_replaces_an_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault, article_path, original = clipped_vault(tmp_path)
    index = (vault / "index.md").read_bytes()
    args = ["export", "--all", "--library", str(vault), "-o", str(vault)]
    for force in ([], ["--force"], ["--force"]):  # twice forced: the export itself is replaced
        assert main([*args, *force]) == 0, capsys.readouterr().err
        assert article_path.read_bytes() == original
        assert (vault / "index.md").read_bytes() == index
    notes = vault / "Digital tax retreat (notes).md"
    assert "my note" in notes.read_text(encoding="utf-8")
    assert "(<Digital tax retreat (notes).md>)" in (vault / "index (notes).md").read_text("utf-8")
    # `.reader` is the library's notes vault, which reader keeps there (not the export's).
    assert sorted(p.name for p in vault.iterdir() if p.name != ".reader") == [
        "Digital tax retreat (notes).md",
        "Digital tax retreat.md",
        "index (notes).md",
        "index.md",
    ]
    capsys.readouterr()
    assert main(args) == 2  # the earlier export is in the way: --force is offered for it
    err = capsys.readouterr().err
    assert "(notes).md" in err and "--force" in err


def test_export_to_a_named_file_that_is_not_an_export_is_refused_even_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault, article_path, original = clipped_vault(tmp_path)
    for output_format in ("md", "json"):
        args = ["export", "--library", str(vault), str(article_path), "--format", output_format]
        assert main([*args, "-o", str(article_path), "--force"]) == 2
        err = capsys.readouterr().err
        assert "not an export" in err and "--force" not in err
        assert article_path.read_bytes() == original
        out = tmp_path / f"notes.{output_format}"
        assert main([*args, "-o", str(out)]) == 0
        assert export.is_export(out)
        assert main([*args, "-o", str(out)]) == 2
        assert "--force" in capsys.readouterr().err  # an earlier export of its own: offered
        assert main([*args, "-o", str(out), "--force"]) == 0


@pytest.mark.parametrize(
    "text, expected",
    [
        ('---\ntitle: x\nexported_by: "reader"\n---\n', True),
        # exports written before the mark: their front matter's shape, and the bare index
        ('---\ntitle: "x"\nexported: "2026-01-01"\nhighlights: 1\nnotes: 0\ntags: []\n---\n', True),
        ("# Notes\n\n- [A](<A.md>)\n- [B](<B.md>)\n", True),
        ("# Notes\n\n- [A](<A.md>)\nand my own words\n", False),
        ("---\ntitle: Digital tax retreat\nsource: https://x\n---\n\nText\n", False),
        ('---\ntitle: x\nexported_by: "reader"\n', False),  # front matter never closed
        ('{"id": "urn:reader:export", "type": "AnnotationCollection"}', True),
        (
            '{"type": "AnnotationCollection", "generator": {"type": "Software", "name": "reader"}}',
            True,
        ),
        ('{"type": "AnnotationCollection"}', False),
        ("", False),
    ],
)
def test_reader_recognises_its_own_exports_and_nothing_else(
    tmp_path: Path, text: str, expected: bool
) -> None:
    path = tmp_path / "file.md"
    path.write_text(text, encoding="utf-8")
    assert export.is_export(path) is expected


def test_exports_are_the_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    # Sets and dicts keyed by strings iterate in a per-process order: an export that
    # depends on it differs between two runs, though not within one.
    article = make_article(tmp_path)
    store = notes_store()
    tags = ("zeta", "Alpha", "mu", "beta", "Ωmega", "c++", "c")
    for number in range(4):
        store.save_highlight(
            make_highlight(article, 1 + number % 3, f"note {number}", tags[number:], number)
        )
    other_path = tmp_path / "other.md"
    anchor = make_highlight(article, 1).anchor
    other = LinkEnd(article_id(other_path), str(other_path), "Other", anchor)
    here = LinkEnd(article.id, str(article.meta.path), article.title, other.anchor)
    store.save_link(CrossLink("l1", here, other, "see", "2026-01-01T00:00:00Z"))
    store.close()
    outputs = []
    for seed in ("1", "2", "3"):
        files = []
        for output_format in ("md", "json"):
            code = (
                "import sys; from reader.cli import main; "
                f"sys.exit(main(['export', '--library', {str(tmp_path)!r}, "
                f"{str(article.meta.path)!r}, '--format', {output_format!r}]))"
            )
            env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1790000000"}
            result = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, env=env, timeout=60
            )
            assert result.returncode == 0, result.stderr
            files.append(result.stdout)
        outputs.append(files)
    assert outputs[0] == outputs[1] == outputs[2]
    assert b"#zeta" in outputs[0][0]


def test_a_changed_highlight_carries_the_words_first_highlighted_through_export_and_import(
    tmp_path: Path,
) -> None:
    from reader.services.importer import import_annotations

    article = make_article(tmp_path)
    block = article.blocks[1]
    original = describe(article.text, block.start, block.start + 11, fingerprint="earlier")
    original = dataclasses.replace(original, exact="Plain wordes")
    changed = dataclasses.replace(make_highlight(article, 1, "note"), original=original)
    changed = dataclasses.replace(
        changed, anchor=describe(article.text, block.start, block.start + 11, block=1)
    )
    assert changed.was == "Plain wordes"
    notes = export.gather(article, [changed])
    markdown = export.to_markdown(notes, exported="2026-11-25")
    assert "> Plain words\n\nwas: “Plain wordes”\n" in markdown
    document = json.loads(export.dumps(export.to_collection([notes], exported="x", label="x")))
    (item,) = document["first"]["items"]
    assert item["reader:original"][0] == {
        "type": "TextQuoteSelector",
        "exact": "Plain wordes",
        "prefix": original.prefix,
        "suffix": original.suffix,
    }
    fresh = notes_store()
    import_annotations(document, fresh, tmp_path)
    (back,) = fresh.highlights(article.id)
    assert back.was == "Plain wordes" and back.anchor.exact == "Plain words"


VALIDATOR = DATA / "tools" / "validate-web-annotation"


def validate(tmp_path: Path, document: object) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "check.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=120
    )


def strict_collection(tmp_path: Path) -> dict:
    notes, _text = exported(tmp_path)
    lost = dataclasses.replace(
        make_highlight(notes.article, 1, "lost", number=9),
        anchor=describe("other words entirely", 0, 5, fingerprint="old"),
    )
    notes = export.gather(notes.article, [e.highlight for e in notes.entries] + [lost], "note")
    return export.to_collection([notes], exported="2026-11-25", label="test")


def test_the_json_is_strict_dates_terms_positions_and_the_collection_itself(
    tmp_path: Path,
) -> None:
    document = strict_collection(tmp_path)
    result = validate(tmp_path, document)
    assert result.returncode == 0, result.stdout
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    assert stamp.match(document["generated"])
    items = document["first"]["items"]
    for item in items:
        for key in ("created", "modified"):
            assert key not in item or stamp.match(item[key]), item[key]
    # reader's own terms are declared in the context.
    declared = {k for part in document["@context"] if isinstance(part, dict) for k in part}
    used = {key for item in items for key in item if key.startswith("reader:")}
    used |= {key for item in items for key in item.get("target", {}) if key.startswith("reader:")}
    assert used and used <= declared
    # A highlight that could not be placed has a quote, and no position.
    (orphan,) = [i for i in items if i["id"] == "urn:uuid:h9"]
    assert [s["type"] for s in orphan["target"]["selector"]] == ["TextQuoteSelector"]
    placed = next(i for i in items if i["id"] == "urn:uuid:h0")
    assert "TextPositionSelector" in [s["type"] for s in placed["target"]["selector"]]
    assert document["generator"]["name"] == "reader"
    assert document["first"]["partOf"] == document["id"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["first"]["items"][0].__setitem__("created", "last tuesday"),
        lambda d: d["first"]["items"][0].__setitem__("modified", "2026-11-25"),
        lambda d: d.__setitem__("generated", "2026-11-25"),
        lambda d: d["first"].__setitem__("partOf", "urn:somewhere-else"),
        lambda d: d["first"].__setitem__("type", "Page"),
        lambda d: d.__setitem__("total", 99),
    ],
    ids=[
        "created-words",
        "modified-date-only",
        "generated-date-only",
        "partOf",
        "page-type",
        "total",
    ],
)
def test_the_validator_finds_bad_dates_and_a_bad_collection(tmp_path: Path, damage) -> None:
    document = strict_collection(tmp_path)
    damage(document)
    assert validate(tmp_path, document).returncode == 1


def test_wikilinks_name_the_files_the_export_writes_and_the_index_uses_them(
    tmp_path: Path,
) -> None:
    from reader.text.documents import load_article

    library = tmp_path / "library"
    library.mkdir()
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    paths = []
    for name, title in (("a.md", "C# [draft] | part #1 ^x"), ("b.md", "Second")):
        path = library / name
        path.write_text(f"# {title}\n\nWords of {name}.\n", encoding="utf-8")
        paths.append(path)
    a, b = (load_article(p) for p in paths)
    store = notes_store()
    store.save_highlight(make_highlight(a, 1, "note"))
    end_a = LinkEnd(a.id, str(paths[0]), a.title, make_highlight(a, 1).anchor)
    end_b = LinkEnd(b.id, str(paths[1]), b.title, make_highlight(b, 1).anchor)
    store.save_link(CrossLink("l1", end_b, end_a, "", "2026-01-01T00:00:00Z"))
    store.close()
    out = tmp_path / "vault"
    args = ["export", "--all", "--wikilinks", "--library", str(library), "-o", str(out)]
    assert main(args) == 0
    names = {p.name for p in out.iterdir()}
    assert not [n for n in names if set(n) & set("#^[]|")]  # Obsidian can link to each
    index = (out / "index.md").read_text(encoding="utf-8")
    targets = re.findall(r"\[\[([^|\]]+)(?:\|[^\]]*)?\]\]", index)
    second = (out / "Second.md").read_text(encoding="utf-8")
    targets += re.findall(r"\[\[([^|\]]+)\]\]", second)
    assert len(targets) == 3
    assert all(f"{target}.md" in names for target in targets), (targets, names)


def test_long_titles_are_cut_between_words_and_a_blank_title_links_by_file_name() -> None:
    title = "Canada-US talks resume after Carney withdraws digital services tax under pressure"
    assert len(title) > 80
    assert export.safe_filename(title) == (
        "Canada-US talks resume after Carney withdraws digital services tax under.md"
    )
    assert export.index_entry("   ", "article.md") == "- [article](<article.md>)"
    assert export.index_entry("   ", "article.md", wikilinks=True) == "- [[article]]"


def test_a_highlight_moved_where_its_context_changed_says_so_in_both_exports_and_back(
    tmp_path: Path,
) -> None:
    """Issue 21: "moved: check" in the Markdown and the W3C JSON (a declared term), with the
    selectors it was made with, until the reader confirms the place; import keeps both."""
    from reader.services.importer import import_annotations

    article = make_article(tmp_path)
    made = make_highlight(article, 4, "a note")
    earlier = dataclasses.replace(made.anchor, prefix="an earlier paragraph, gone now.\n\n")
    moved = dataclasses.replace(made, original=earlier, check=True)
    notes = export.gather(article, [moved])
    markdown = export.to_markdown(notes, exported="2026-11-25")
    (facts,) = [line for line in markdown.splitlines() if line.startswith("green · ")]
    assert "· moved: check" in facts
    document = json.loads(export.dumps(export.to_collection([notes], exported="x", label="x")))
    (item,) = document["first"]["items"]
    assert item["reader:check"] is True
    assert item["reader:original"][0]["prefix"] == earlier.prefix  # the same words, moved
    assert validate(tmp_path, document).returncode == 0
    fresh = notes_store()
    import_annotations(document, fresh, tmp_path)
    (back,) = fresh.highlights(article.id)
    assert back.check and back.original is not None and back.original.prefix == earlier.prefix
    # Confirmed: no mark.
    notes = export.gather(article, [dataclasses.replace(moved, check=False)])
    assert "moved: check" not in export.to_markdown(notes, exported="2026-11-25")


def test_an_export_of_an_article_changed_since_marks_what_moved_off_its_context(
    tmp_path: Path,
) -> None:
    article = make_article(tmp_path)
    made = make_highlight(article, 4)  # the last paragraph, a long quote
    # Its neighbours replaced, and it put first: found once, word for word.
    last = article.blocks[4].text
    edited_text = TEXT.replace("- a list item whose words matter", "- other items now")
    edited_text = edited_text.replace("# Intro", "# Intro\n\n" + last).rsplit(last, 1)[0]
    edited = load_text(edited_text + "A new ending.\n", article.meta.path)
    (entry,) = export.gather(edited, [made]).entries
    assert entry.start is not None and entry.check
