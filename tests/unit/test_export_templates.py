"""`reader export --template`: notes shaped by a Jinja2 template, in a sandbox."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from reader.cli import main
from reader.model import Anchor, Highlight
from reader.notes.templates import TemplateError, load
from reader.text.documents import load_article
from reader.text.keys import LIBRARIES
from tests.conftest import SAMPLE
from tests.stores import notes_store


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """The sample article in a library of its own, with two highlights: one noted and
    tagged, on the first paragraph; one plain, on the third."""
    library = tmp_path / "lib"
    library.mkdir()
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    path = library / SAMPLE.name
    shutil.copy(SAMPLE, path)
    loaded = load_article(path)
    store = notes_store()
    for number, (index, note, tags) in enumerate(
        [(1, "A *note* with [a link](https://example.org)", ("tax", "C++")), (3, "", ())]
    ):
        block = loaded.blocks[index]
        store.save_highlight(
            Highlight(
                id=f"id-{number}",
                article_id=loaded.id,
                anchor=Anchor(block.start, block.end, block.text, "", "", 1, loaded.fingerprint),
                note=note,
                tags=tags,
            )
        )
    store.close()
    return path


def export(path: Path, *more: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["export", str(path), *more])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_obsidian_template_is_the_default_export_byte_for_byte(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, default, _ = export(article, capsys=capsys)
    status, shaped, _ = export(article, "--template", "obsidian", capsys=capsys)
    assert status == 0 and shaped == default and "> In a brief social media post" in default


def test_a_template_file_sees_the_article_its_highlights_and_their_fields(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "mine.md.j2"
    template.write_text(
        "{{ article.title }}\n"
        "{% for h in highlights %}{{ h.paragraph }}|{{ h.colour }}|{{ h.tags | join(',') }}|"
        "{{ h.block_id }}|{{ h.placed }}|{{ h.note }}\n{% endfor %}",
        encoding="utf-8",
    )
    status, out, _ = export(article, "--template", str(template), capsys=capsys)
    lines = out.splitlines()
    assert status == 0
    assert lines[0].startswith("Canada-US talks resume")
    assert lines[1] == "2|yellow|tax,C++|hid0|True|A *note* with [a link](https://example.org)"
    assert lines[2] == "4|yellow||hid1|True|"


def test_the_logseq_and_quotes_templates_write_outlines_and_quotes(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, logseq, _ = export(article, "--template", "logseq", capsys=capsys)
    assert logseq.startswith('---\ntitle: "Canada-US talks resume')
    assert 'exported_by: "reader"' in logseq.split("---")[1]  # known as reader's own
    assert "\n- In a brief social media post" in logseq
    assert "\n  - A *note* with [a link](https://example.org)" in logseq
    assert "\n  - #tax #C-plus-plus" in logseq
    _, quotes, _ = export(article, "--template", "quotes", capsys=capsys)
    assert "\n> In a brief social media post" in quotes and "\nA *note* with" in quotes


def test_untrusted_text_stays_text_through_the_built_in_templates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    path = library / "x.txt"  # plain text: its Markdown signs are the article's words
    path.write_text("# Not a heading\n\n[not a link](evil) *x*\n", encoding="utf-8")
    loaded = load_article(path)
    block = loaded.blocks[-1]
    store = notes_store()
    store.save_highlight(
        Highlight(
            id="h",
            article_id=loaded.id,
            anchor=Anchor(block.start, block.end, block.text, "", "", 1, loaded.fingerprint),
        )
    )
    store.close()
    _, quotes, _ = export(path, "--template", "quotes", capsys=capsys)
    assert "> \\[not a link\\](evil) \\*x\\*" in quotes


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ article.__class__ }}",
        "{{ highlights.append(1) }}",
        "{% include '/etc/passwd' %}",
        "{% import 'os' as os %}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ lipsum.__globals__['os'] }}",
    ],
)
def test_a_template_cannot_reach_outside_its_values(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    template = tmp_path / "evil.j2"
    template.write_text("first line\n" + source + "\n", encoding="utf-8")
    status, out, err = export(article, "--template", str(template), capsys=capsys)
    assert status != 0 and out == ""
    assert err.startswith(f"reader: {template}:2:"), err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "root:" not in err


def test_a_template_error_names_the_file_and_the_line(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.j2"
    broken.write_text("one\ntwo\n{% for h in highlights %}\n{{ h.quote }\n", encoding="utf-8")
    status, _, err = export(article, "--template", str(broken), capsys=capsys)
    assert status == 2 or status == 1
    assert err.startswith(f"reader: {broken}:4: ") and "Traceback" not in err
    misspelt = tmp_path / "misspelt.j2"
    misspelt.write_text("one\n{{ article.titel }}\n", encoding="utf-8")
    _, _, err = export(article, "--template", str(misspelt), capsys=capsys)
    assert err.startswith(f"reader: {misspelt}:2: ") and "titel" in err


def test_a_missing_or_unreadable_template_is_named(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = export(article, "--template", "nosuch", capsys=capsys)
    assert status != 0 and "nosuch: no such template file" in err and "logseq" in err
    binary = tmp_path / "t.j2"
    binary.write_bytes(b"\xff\xfe\x00bad")
    _, _, err = export(article, "--template", str(binary), capsys=capsys)
    assert "must be UTF-8 text" in err
    with pytest.raises(TemplateError, match="no such template"):
        load(str(tmp_path / "gone.j2"))


def test_template_options_that_would_be_ignored_are_refused(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = export(article, "--template", "quotes", "--format", "json", capsys=capsys)
    assert status != 0 and "--template shapes Markdown" in err
    status, _, err = export(article, "--template", "quotes", "--wikilinks", capsys=capsys)
    assert status != 0 and "a template writes its own links" in err


def test_export_all_shapes_every_file_and_a_second_force_export_replaces_them(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "notes"
    library = str(article.parent)
    command = ["export", "--all", "--library", library, "-o", str(out), "--template", "logseq"]
    assert main(command) == 0
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 2 and written[0].startswith("Canada-US talks resume")
    shaped = (out / written[0]).read_text(encoding="utf-8")
    assert "\n- In a brief social media post" in shaped
    assert main([*command, "--force"]) == 0  # its own files: replaced, not set beside
    assert sorted(p.name for p in out.iterdir()) == written


def test_jinja_is_not_imported_by_an_export_without_a_template(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from reader.cli import main; main(['export', sys.argv[1]]); "
        "print('jinja2' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(article)], capture_output=True, text=True, check=True
    )
    assert done.stderr.strip().endswith("False")


@pytest.mark.parametrize(
    "source",
    [
        "{{ 9 ** (9 ** 9) }}",  # a number of 370 million digits: minutes of one core
        "{{ ('x' * 1000000000)|length }}",  # a gigabyte of memory
        "{{ ([1, 2] * 999999999)|length }}",
    ],
)
def test_a_template_cannot_make_a_number_string_or_list_too_big_to_hold(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    template = tmp_path / "big.j2"
    template.write_text("first line\n" + source + "\n", encoding="utf-8")
    status, out, err = export(article, "--template", str(template), capsys=capsys)
    assert status != 0 and out == ""
    assert err.startswith(f"reader: {template}:2:"), err
    assert "too big" in err.lower() and len(err.strip().splitlines()) == 1, err


def test_a_tag_s_control_characters_never_reach_the_terminal_through_a_template(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = notes_store()
    (first, *_) = store.highlights(load_article(article).id)
    store.save_highlight(dataclasses.replace(first, tags=("red\x1b[31m",)), first)
    store.close()
    template = tmp_path / "tags.j2"
    template.write_text("{% for h in highlights %}{{ h.tags | join(' ') }}{% endfor %}\n", "utf-8")
    status, out, _ = export(article, "--template", str(template), capsys=capsys)
    assert status == 0 and "\x1b" not in out and "red" in out
