"""A long import locks no one out: it saves in batches, each a short hold of the lock, and
what another reader saves meanwhile (a highlight, a reading position, a list's cache) is
neither lost nor kept waiting. A failure part of the way leaves whole batches, never half an
annotation, and importing again finishes the job without doubling anything.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.db import storage
from reader.db.storage import StoreError
from reader.db.vault import files as vault_files
from reader.model import Colour, Highlight, ReadingPosition
from reader.notes import export
from reader.services import importer
from reader.services.importer import import_annotations
from reader.services.quotes import Quotes
from reader.text.anchoring import describe
from reader.text.documents import load_article
from reader.text.keys import LIBRARIES
from tests.stores import forget_notes, notes_store

COUNT = 300


def long_article(folder: Path, paragraphs: int = 120) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "long.md"
    body = [
        f"Paragraph {n} tells of the harbour, the tides and the ledger number {n}."
        for n in range(paragraphs)
    ]
    path.write_text("# Long\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    return path


def annotations(article_path: Path, count: int = COUNT) -> dict:
    """reader's own export of ``count`` highlights on the article, as a document."""
    article = load_article(article_path)
    blocks = article.blocks[1:]
    highlights = []
    for number in range(count):
        block = blocks[number % len(blocks)]
        start = block.start + (number // len(blocks)) * 5
        highlights.append(
            Highlight(
                id=f"00000000-0000-4000-8000-{number:012d}",
                article_id=article.id,
                anchor=describe(
                    article.text,
                    start,
                    start + 12,
                    block=article.block_at(start),
                    fingerprint=article.fingerprint,
                ),
                colour=list(Colour)[number % 5],
                tags=(f"t{number % 7}",),
                note=f"note {number}" if number % 2 else "",
                created="2026-01-01T00:00:00Z",
                modified="2026-01-02T00:00:00Z",
            )
        )
    notes = export.gather(article, highlights)
    return json.loads(export.dumps(export.to_collection([notes], exported="x", label="x")))


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    """Batches of 50 annotations, whatever the machine's speed."""
    monkeypatch.setattr(importer, "BATCH_MOST", 50, raising=False)
    monkeypatch.setattr(importer, "BATCH_BYTES", 10**12, raising=False)
    monkeypatch.setattr(importer, "BATCH_SECONDS", 3600.0, raising=False)
    monkeypatch.setattr(importer, "BATCH_LONGEST", 3600.0, raising=False)
    return 50


def test_another_window_saves_while_a_long_import_runs_and_neither_loses_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_batches: int
) -> None:
    library = tmp_path / "lib"
    document = annotations(long_article(library))
    notes_store().close()
    window = notes_store()  # the app in another window: its own store, its own lock
    article = load_article(library / "long.md")
    mine = Highlight(
        "ffffffff-0000-4000-8000-000000000000",
        article.id,
        describe(article.text, 9, 20, fingerprint=article.fingerprint),
        note="made in the app during the import",
    )
    monkeypatch.setattr(storage, "LOCK_TIMEOUT", 1.0)  # the app would wait 10 s
    calls: list[int] = []
    real = importer.place

    def place(*args):
        calls.append(len(calls) + 1)
        if len(calls) == 3 * small_batches + 1:
            # Well into the import: three batches of it are saved, and the rest to come.
            calls.append(-len(notes_store(read_only=True).highlights(article.id)))
            window.save_highlight(mine)  # StoreError: "locked by another reader"
            position = ReadingPosition(3, 0, 0.5)
            assert window.save_position(article.id, article.meta.path, "f", position)
        return real(*args)

    monkeypatch.setattr(importer, "place", place)
    report = import_annotations(document, notes_store(), library)
    assert report.imported == COUNT
    assert -min(calls) == 3 * small_batches  # the import was saving as it went
    after = notes_store(read_only=True)
    saved = {h.id: h for h in after.highlights(article.id)}
    assert len(saved) == COUNT + 1 and saved[mine.id].note == mine.note
    assert after.position(article.id) == ReadingPosition(3, 0, 0.5)


def fail_on_write(monkeypatch: pytest.MonkeyPatch, name: str, number: int, error: BaseException):
    """Make the ``number``-th write of the notes file ``name`` (an article's, in the notes
    vault) fail with ``error``."""
    real = vault_files.atomic_write
    writes = [0]

    def write(path: Path, payload: bytes, **options) -> None:
        if Path(path).name == name:
            writes[0] += 1
            if writes[0] == number:
                raise error
        real(path, payload, **options)

    monkeypatch.setattr(vault_files, "atomic_write", write)


def with_page_notes(document: dict, article: Path, every: int) -> dict:
    """The document with a note on the whole article in each run of ``every`` annotations
    (each batch then saves highlights and the article note together)."""
    items = document["first"]["items"]
    for number in range(len(items) // every):
        items.insert(
            number * every + every // 2,
            {
                "id": f"https://tool.example/page-note/{number}",
                "type": "Annotation",
                "motivation": "commenting",
                "created": f"2026-01-0{number + 1}T00:00:00Z",
                "body": [{"type": "TextualBody", "value": f"Page note {number}."}],
                "target": {"source": article.resolve().as_uri()},
            },
        )
    return document


@pytest.mark.parametrize(
    "error",
    [
        StoreError("could not save to the database: No space left on device; nothing was changed"),
        KeyboardInterrupt(),
    ],
    ids=["disk full", "ctrl+c"],
)
def test_an_import_stopped_part_way_leaves_whole_batches_and_a_second_run_finishes_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    small_batches: int,
    error: BaseException,
) -> None:
    library = tmp_path / "lib"
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    article = load_article(long_article(library))
    file = tmp_path / "export.json"
    document = with_page_notes(annotations(article.meta.path), article.meta.path, small_batches)
    file.write_text(json.dumps(document), encoding="utf-8")
    whole = notes_store()  # the same import, never stopped
    import_annotations(json.loads(file.read_text()), whole, library)
    expected = {h.id: h for h in whole.highlights(article.id)}
    whole_note = whole.article_note_record(article.id)
    forget_notes(library)  # and the stopped one, into no notes

    real_write = vault_files.atomic_write
    fail_on_write(monkeypatch, f"{article.id}.json", 3, error)
    code = main(["import", str(file), "--library", str(library)])
    err = capsys.readouterr().err
    assert code == (130 if isinstance(error, KeyboardInterrupt) else 2)
    assert "100 of 306 annotations were saved, each whole" in err
    assert "run the same import again to finish it" in err
    # The two batches written before the failure, whole: never half an annotation, never
    # the highlights of a batch without its article note.
    stopped = notes_store(read_only=True)
    saved = stopped.highlights(article.id)
    assert len(saved) == 2 * (small_batches - 1)
    for highlight in saved:
        assert highlight == expected[highlight.id]
    assert stopped.article_note(article.id) == "Page note 0.\n\nPage note 1."

    monkeypatch.setattr(vault_files, "atomic_write", real_write)
    assert main(["import", str(file), "--library", str(library)]) == 0
    said = capsys.readouterr().out
    assert "added 202 (placed 202, kept unplaced 0), article notes 4, already there 100" in said
    finished = notes_store(read_only=True)
    assert {h.id: h for h in finished.highlights(article.id)} == expected
    assert finished.article_note_record(article.id) == whole_note


@pytest.mark.slow
def test_an_import_killed_at_any_moment_is_finished_by_the_next_without_doubles(
    tmp_path: Path,
) -> None:
    import random

    library = tmp_path / "lib"
    long_article(library, paragraphs=2000)
    file = tmp_path / "export.json"

    def copy(name: str) -> tuple[Path, Path]:
        """A library of its own (its notes vault is inside it) and a data folder."""
        folder = tmp_path / name / "lib"
        shutil.copytree(template, folder)
        return folder, tmp_path / name / "data"

    article = load_article(library / next(p.name for p in library.glob("*.md")))
    file.write_text(json.dumps(annotations(article.meta.path, count=10_000)), encoding="utf-8")
    # Where the annotations were made is gone: each import finds the article in the
    # library it is given (by its name and title), and keeps its notes in that one's vault.
    template = library.rename(tmp_path / "template")

    def run(folder: Path, data: Path) -> subprocess.Popen:
        command = [sys.executable, "-m", "reader", "import", str(file), "--library", str(folder)]
        env = dict(os.environ, READER_DATA_DIR=str(data))
        quiet = subprocess.DEVNULL
        return subprocess.Popen(command, env=env, stdout=quiet, stderr=subprocess.PIPE)

    def first_batch(folder: Path) -> float:
        """When the first batch of the import is saved (the article's notes file grows)."""
        while not any(
            p.stat().st_size >= 10_000 for p in (folder / ".reader").rglob("notes/*.json")
        ):
            time.sleep(0.005)
        return time.monotonic()

    def highlights(folder: Path, data: Path) -> list:
        store = notes_store(read_only=True, data_dir=data, library=folder)
        return store.highlights(load_article(folder / article.meta.path.name).id)

    folder, data = copy("whole")
    whole = run(folder, data)
    started = first_batch(folder)
    assert whole.wait() == 0
    took = time.monotonic() - started  # from its first batch to its end
    assert len(highlights(folder, data)) == 10_000
    chance = random.Random(219)
    for number in range(6):
        folder, data = copy(f"run{number}")
        process = run(folder, data)
        first_batch(folder)
        time.sleep(chance.uniform(0, took))  # at any moment from its first batch on
        process.send_signal(signal.SIGKILL)
        process.wait()
        ids = [h.id for h in highlights(folder, data)]
        assert len(ids) == len(set(ids))
        finished = run(folder, data)
        assert finished.wait() == 0, finished.stderr.read() if finished.stderr else ""
        found = highlights(folder, data)
        assert len(found) == len({h.id for h in found}) == 10_000
        assert len({(h.anchor.start, h.anchor.end, h.note) for h in found}) == 10_000


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab c\n", min_size=0, max_size=400),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=80),
    st.text(alphabet="ab c", max_size=3),
)
def test_quotes_are_found_where_a_search_of_the_whole_text_finds_them(
    text: str, start: int, length: int, tail: str
) -> None:
    # The index an import keeps of a long article's text (so that thousands of quotes are
    # not thousands of searches of all of it) finds what str.find finds, crowded or not.
    quotes = Quotes(text)
    words = text[start : start + length] + tail
    assert quotes.first(words) == text.find(words)


def test_annotations_of_many_articles_mixed_in_the_file_write_each_article_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tool's export lists annotations by date, the articles mixed: each article's notes
    file is written once for all of its annotations, not once for nearly each of them."""
    library = tmp_path / "lib"
    LIBRARIES.register(library)
    first = long_article(library / "a", paragraphs=40)
    second = long_article(library / "b", paragraphs=40)
    items_a = annotations(first, 30)["first"]["items"]
    items_b = annotations(second, 30)["first"]["items"]
    mixed = annotations(first, 0)
    mixed["first"]["items"] = [item for pair in zip(items_a, items_b, strict=True) for item in pair]
    mixed["total"] = len(mixed["first"]["items"])
    # Batches of 30, however slow the machine: the file's order would put 15 of each
    # article in each, and write each article twice.
    monkeypatch.setattr(importer, "BATCH_SECONDS", 60.0)
    monkeypatch.setattr(importer, "BATCH_MOST", 30)
    written: list[str] = []
    real_write = vault_files.atomic_write

    def counted(path: Path, data: bytes) -> None:
        written.append(Path(path).name)
        real_write(path, data)

    monkeypatch.setattr(vault_files, "atomic_write", counted)
    store = notes_store()
    report = import_annotations(mixed, store, library)
    assert report.imported == 60
    keys = {load_article(path).id for path in (first, second)}
    assert sorted(name for name in written if name.removesuffix(".json") in keys) == sorted(
        f"{key}.json" for key in keys
    )
