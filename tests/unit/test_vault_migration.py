"""Moving a schema-2 ``reader.json`` into the notes vault: every article's notes come
across (its Markdown export is the same before and after), the old file is left as it was,
a second run changes nothing, and a run killed at any moment finishes on the next start
with the same vault as a run never killed."""

from __future__ import annotations

import dataclasses
import difflib
import os
import random
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.db.migrate_vault import MARK, Migration, is_migrated, migrate
from reader.db.single_file import SingleFileStore as Store
from reader.db.vault.device import Device
from reader.db.vault.vault import Vault
from reader.errors import StoreError
from reader.model import Colour, CrossLink, Highlight, LinkEnd, ReadingPosition, Review
from reader.notes import export
from reader.text.anchoring import describe
from reader.text.documents import load_article
from reader.text.keys import file_key, library_key, vault_root
from tests.vault_kit import files_in, shown

LAPTOP = Device("a" * 32, "LAPTOP")
ARTICLES = {
    "essay.md": "# An essay\n\nThe first paragraph of the essay.\n\nA second one, longer.\n",
    "news/tariffs.md": "# Tariffs\n\nTariffs rose again.\n\nTrade fell by a tenth.\n",
    "notes/empty.md": "# Nothing marked\n\nJust text.\n",
}


def _highlight(article, block: int, number: int, **fields: object) -> Highlight:
    b = article.blocks[block]
    made = Highlight(
        id=f"00000000-0000-4000-8000-{number:012d}",
        article_id=article.id,
        anchor=describe(article.text, b.start, b.end, block=block, fingerprint=article.fingerprint),
        colour=Colour.GREEN,
        created=f"2026-01-0{number}T10:00:00Z",
        modified=f"2026-01-0{number}T11:00:00Z",
    )
    return dataclasses.replace(made, **fields)


def _end(article, block: int) -> LinkEnd:
    b = article.blocks[block]
    anchor = describe(article.text, b.start, b.end, block=block, fingerprint=article.fingerprint)
    return LinkEnd(article.id, str(article.meta.path), article.title, anchor)


@pytest.fixture
def old(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A library, an article outside it, and a schema-2 database of notes on them."""
    library = tmp_path / "library"
    for name, text in ARTICLES.items():
        (library / name).parent.mkdir(parents=True, exist_ok=True)
        (library / name).write_text(text, encoding="utf-8")
    outside = tmp_path / "elsewhere" / "loose.md"
    outside.parent.mkdir()
    outside.write_text("# Loose\n\nAn article outside the library.\n", encoding="utf-8")
    database = tmp_path / "data" / "reader.json"
    store = Store(database)
    essay = load_article(library / "essay.md")
    tariffs = load_article(library / "news/tariffs.md")
    loose = load_article(outside)
    empty = load_article(library / "notes/empty.md")
    for article in (essay, tariffs, loose, empty):
        store.save_position(
            article.id, article.meta.path, article.fingerprint, ReadingPosition(1, 0, 0.5)
        )
    store.save_highlight(_highlight(essay, 1, 1, note="Why *first*?", tags=("idea",)))
    store.save_highlight(_highlight(essay, 2, 2, colour=Colour.YELLOW))
    store.save_highlight(_highlight(tariffs, 2, 3, note="A tenth", tags=("trade", "numbers")))
    store.save_highlight(_highlight(loose, 1, 4, note="outside"))
    store.set_article_note(
        essay.id,
        essay.meta.path,
        "The essay as a whole.",
        tags=("longform",),
        created="2026-01-01T09:00:00Z",
        modified="2026-01-02T09:00:00Z",
    )
    link = CrossLink(
        "11111111-0000-4000-8000-000000000001",
        _end(essay, 1),
        _end(tariffs, 2),
        label="see",
        created="2026-01-03T10:00:00Z",
    )
    store.save_link(link)
    store.close()
    return database, library, outside


def _exports(store_or_vault: Store | Vault, path: Path, key: str | None) -> tuple[str, str]:
    """The Markdown and W3C exports of the article at ``path``, from the old store or the
    vault."""
    article = load_article(path)
    if isinstance(store_or_vault, Store):
        store = store_or_vault
        note = store.article_note_record(article.id)
        notes = export.gather(
            article,
            store.highlights(article.id),
            note.text,
            store.links_of(article.id),
            note.modified,
            article_note_created=note.created,
            article_note_tags=note.tags,
        )
    else:
        assert key is not None
        article.meta = dataclasses.replace(article.meta, id=key)
        found = store_or_vault.article(key)
        notes = export.gather(
            article,
            found.highlights,
            found.note.text,
            found.links,
            found.note.modified,
            article_note_created=found.note.created,
            article_note_tags=found.note.tags,
            article_note_ref=found.note_ref,
        )
    text = export.to_markdown(notes, exported="2026-12-04")
    # The front matter names the article by its id, which is what changes (a hash of its
    # absolute path before, its key in the library after): everything else must not.
    markdown = re.sub(r'(?m)^article_id: ".*"$', 'article_id: "ID"', text, count=1)
    return markdown, export.dumps({"items": export.to_annotations(notes)})


def _vaults(tmp_path: Path, library: Path) -> tuple[Vault, Vault]:
    data = tmp_path / "data"
    return Vault(vault_root(library), LAPTOP, data), Vault(data / "vault", LAPTOP, data)


def test_every_article_exports_the_same_before_and_after(tmp_path, old) -> None:
    database, library, outside = old
    store = Store(database, read_only=True)
    paths = {library / name: library_key(name) for name in ARTICLES}
    paths[outside] = file_key(outside)
    before = {path: _exports(store, path, None) for path in paths}
    store.close()
    assert "urn:reader:article-note:" in before[library / "essay.md"][1]

    done = migrate(database, LAPTOP, tmp_path / "data", [library])

    in_library, in_data = _vaults(tmp_path, library)
    after = {
        path: _exports(in_library if path != outside else in_data, path, key)
        for path, key in paths.items()
    }
    for path in paths:
        for was, now in zip(before[path], after[path], strict=True):
            diff = difflib.unified_diff(was.splitlines(), now.splitlines(), lineterm="")
            assert now == was, "\n".join(diff)
    assert done.summary() == (
        f"Moved 4 highlights of 4 articles into the notes vault in {in_data.root}, "
        f"{in_library.root}; reader.json was left as it was"
    )


def test_positions_links_and_the_article_note_come_across(tmp_path, old) -> None:
    database, library, outside = old
    migrate(database, LAPTOP, tmp_path / "data", [library])
    in_library, in_data = _vaults(tmp_path, library)
    essay = in_library.article(library_key("essay.md"))
    assert essay.position_of(LAPTOP.id) == ReadingPosition(1, 0, 0.5)
    assert essay.note.text == "The essay as a whole." and essay.note.tags == ("longform",)
    assert essay.facts is not None and essay.facts.path == "essay.md"
    tariffs = in_library.article(library_key("news/tariffs.md"))
    assert [link.id for link in essay.links] == [link.id for link in tariffs.links]
    assert essay.links[0].target.article_id == library_key("news/tariffs.md")
    assert [h.note for h in in_data.article(file_key(outside)).highlights] == ["outside"]


def test_the_old_file_is_left_as_it_was_and_a_second_run_does_nothing(tmp_path, old) -> None:
    database, library, _ = old
    before = database.read_bytes(), database.stat().st_mtime_ns
    migrate(database, LAPTOP, tmp_path / "data", [library])
    written = {p: p.read_bytes() for p in files_in(vault_root(library))}
    assert (database.read_bytes(), database.stat().st_mtime_ns) == before
    assert is_migrated(database, tmp_path / "data")

    again = migrate(database, LAPTOP, tmp_path / "data", [library])
    assert again.already and "nothing to do" in again.summary()
    # Without the mark (lost, say), a run writes the same files again: nothing changes.
    (tmp_path / "data" / MARK).unlink()
    migrate(database, LAPTOP, tmp_path / "data", [library])
    assert {p: p.read_bytes() for p in files_in(vault_root(library))} == written


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from reader.db.migrate_vault import migrate
    from reader.db.vault.device import Device

    database, library, data, at = sys.argv[1:5]
    calls = 0
    real_fsync = os.fsync

    def fsync(fd):
        global calls
        calls += 1
        if calls == int(at):
            os.kill(os.getpid(), signal.SIGKILL)
        real_fsync(fd)

    os.fsync = fsync
    migrate(Path(database), Device("a" * 32, "LAPTOP"), Path(data), [Path(library)])
    print("finished", calls)
    """
)


def _killed_at(
    database: Path, library: Path, data: Path, at: int
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(database), str(library), str(data), str(at)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )


def test_a_run_killed_at_random_points_finishes_on_the_next_with_the_same_vault(
    tmp_path, old
) -> None:
    database, library, _ = old
    # A run never killed, for comparison.
    whole = _killed_at(database, library, tmp_path / "data", 10_000)
    assert whole.returncode == 0, whole.stderr
    writes = int(whole.stdout.split()[-1])
    expected = {key: shown(v.article(key)) for v in _vaults(tmp_path, library) for key in v.keys()}  # noqa: SIM118 (not a dict)
    assert len(expected) == 4
    rng = random.Random(24)
    for attempt, at in enumerate(sorted(rng.sample(range(1, writes + 1), min(4, writes)))):
        shutil.rmtree(vault_root(library))  # the library's vault as before any run
        data = tmp_path / f"data-{attempt}"
        data.mkdir()
        killed = _killed_at(database, library, data, at)
        assert killed.returncode == -9, (at, killed.stdout, killed.stderr)
        assert not is_migrated(database, data)
        Migration(database, LAPTOP, data, [library]).run()
        assert is_migrated(database, data)
        vaults = (Vault(vault_root(library), LAPTOP, data), Vault(data / "vault", LAPTOP, data))
        got = {key: shown(v.article(key)) for v in vaults for key in v.keys()}  # noqa: SIM118 (not a dict)
        assert got == expected, at


def test_notes_of_an_article_whose_file_reader_never_knew_come_across_too(tmp_path, old) -> None:
    """A highlight saved for an article the old file has no path of (an import's, say),
    and a link to one: nothing of them is left behind."""
    database, library, _ = old
    store = Store(database)
    essay = load_article(library / "essay.md")
    unknown = dataclasses.replace(
        _highlight(essay, 1, 5, note="kept anyway"),
        article_id="ab12",
        review=Review("2026-12-10", 3, 1, "2026-12-07"),
    )
    store.save_highlight(unknown)
    gone = LinkEnd("cd34", str(tmp_path / "gone.md"), "Gone", unknown.anchor)
    store.save_link(CrossLink("22222222-0000-4000-8000-000000000002", _end(essay, 2), gone))
    before = {h.id: h.note for h in store.all_highlights()}
    links = {link.id for link in store.all_links()}
    store.close()

    done = migrate(database, LAPTOP, tmp_path / "data", [library])

    vaults = _vaults(tmp_path, library)
    notes = [v.article(key) for v in vaults for key in v.keys()]  # noqa: SIM118 (not a dict)
    assert {h.id: h.note for n in notes for h in n.highlights} == before
    assert {link.id for n in notes for link in n.links} == links
    assert done.highlights == len(before)
    (moved,) = [h for n in notes for h in n.highlights if h.id == unknown.id]
    assert moved.review == unknown.review


def test_a_file_that_is_not_readers_is_refused_and_nothing_is_written(tmp_path) -> None:
    database = tmp_path / "data" / "reader.json"
    database.parent.mkdir()
    database.write_text('{"_default": {"1": {"someone": "else"}}}', encoding="utf-8")
    library = tmp_path / "library"
    library.mkdir()
    with pytest.raises(StoreError, match="not a reader database"):
        migrate(database, LAPTOP, tmp_path / "data", [library])
    assert not is_migrated(database, tmp_path / "data")
    assert list(library.iterdir()) == []
    assert database.read_text(encoding="utf-8") == '{"_default": {"1": {"someone": "else"}}}'
