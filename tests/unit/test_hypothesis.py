"""Hypothesis's own files import whole, in each of the three shapes Hypothesis writes.

The fixtures in tests/data/hypothesis/ (see make_fixtures.py there) hold, in the client's
export file, an API search response and a bare list: a highlight with a note and tags on an
address with tracking parameters, a mistyped quote, a page note, a reply, a reply to an
annotation not in the file, and an annotation on a page not in the library.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reader.cli import main
from reader.text.documents import load_article
from tests.conftest import DATA
from tests.stores import notes_store

FIXTURES = DATA / "hypothesis"
SHAPES = ["client-export.json", "api-search.json", "api-list.json"]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(FIXTURES / "article.md", folder / "digital-tax.md")
    return folder


def imported(library: Path):
    article = load_article(library / "digital-tax.md")
    store = notes_store(read_only=True)
    return article, {h.canonical.rsplit("/", 1)[1]: h for h in store.highlights(article.id)}, store


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_imports_notes_tags_times_page_notes_and_replies(
    shape: str, library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(FIXTURES / shape), "--library", str(library)]) == 1
    out, err = capsys.readouterr()
    assert "added 2 (placed 2, kept unplaced 0), article notes 1, replies 1, not imported 2" in out
    article, highlights, store = imported(library)
    assert set(highlights) == {"Hl1aaaaaaaaaaaaaaaaaaa", "Hl2bbbbbbbbbbbbbbbbbbb"}

    first = highlights["Hl1aaaaaaaaaaaaaaaaaaa"]
    # The address (http, no www., tracking parameters, a fragment) found the article; the
    # quote, not the browser's position, placed it.
    assert article.text[first.anchor.start : first.anchor.end] == "Canada quickly retreated"
    assert first.note == (
        "Why now? Compare the *2019* talks.\n\n"
        "**Reply** (bob, 2025-07-02):\nBecause the tax was due on Monday."
    )
    assert first.tags == ("tax", "trade")
    assert (first.created, first.modified) == ("2025-07-01T09:15:27Z", "2025-07-01T09:20:00Z")
    assert first.canonical == "https://hypothes.is/a/Hl1aaaaaaaaaaaaaaaaaaa"

    # The mistyped quote ("firms") is placed on the article's words, and remembered.
    second = highlights["Hl2bbbbbbbbbbbbbbbbbbb"]
    assert "technology companies to pay" in second.anchor.exact
    assert second.was == "the largest technology firms to pay on the profits"

    # The page note is the article note.
    assert store.article_note(article.id) == "Read the follow-up piece next week."

    # Each annotation not imported has its own reason; none is "no quote to anchor".
    assert "Replyeeeeeeeeeeeeeeeeee: a reply to Somebodyelsesffffffff, which is not in" in err
    assert "Elsewhereggggggggggggggg: no article in the library for https://other.example" in err
    assert "no quote" not in err


def test_importing_the_same_file_again_doubles_nothing(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for shape in SHAPES:  # the same annotations, three times over
        main(["import", str(FIXTURES / shape), "--library", str(library)])
    out = capsys.readouterr().out.splitlines()
    assert out[-1].endswith("added 0 (placed 0, kept unplaced 0), already there 4, not imported 2")
    article, highlights, store = imported(library)
    assert len(highlights) == 2
    assert highlights["Hl1aaaaaaaaaaaaaaaaaaa"].note.count("**Reply**") == 1
    assert store.article_note(article.id) == "Read the follow-up piece next week."


def test_the_hypothesis_id_travels_on_as_w3c_canonical(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["import", str(FIXTURES / "api-list.json"), "--library", str(library)])
    capsys.readouterr()
    article = library / "digital-tax.md"
    assert main(["export", "--library", str(library), str(article), "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)["first"]["items"]
    canonical = sorted(i["canonical"] for i in items if "canonical" in i)
    assert canonical == [
        "https://hypothes.is/a/Hl1aaaaaaaaaaaaaaaaaaa",
        "https://hypothes.is/a/Hl2bbbbbbbbbbbbbbbbbbb",
    ]
    # The article has a web address: that is the target's source, so the file means the
    # same on another machine.
    assert {i["target"]["source"] for i in items} == {
        "https://www.example-news.org/2025/06/30/digital-tax/"
    }


def test_past_twenty_the_report_says_how_many_more(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stray = [
        {
            "id": f"stray{n:02d}",
            "uri": f"https://nowhere.example/{n}",
            "text": "x",
            "target": [{"source": f"https://nowhere.example/{n}"}],
        }
        for n in range(26)
    ]
    file = tmp_path / "stray.json"
    file.write_text(json.dumps(stray), encoding="utf-8")
    assert main(["import", str(file), "--library", str(library)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 21 and err[-1] == "reader: not imported: and 6 more"
