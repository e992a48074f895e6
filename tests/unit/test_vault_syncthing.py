"""Two machines' libraries kept in step by two real Syncthing daemons on 127.0.0.1.

The laptop and the desktop (each its own data folder, so its own device) change the same
article at once: notes on the same highlight, tags, new highlights, deletes and undos.
Once Syncthing has carried the files both ways, both show the same notes: the union, a
note changed on both keeps both texts, nothing is lost, and Syncthing never had two
versions of one file to choose between (no conflict copies).

Slow (run with ``--slow``); skipped where Syncthing is not installed.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.db.vault.device import load_device
from reader.db.vault.records import (
    Change,
    DeleteHighlight,
    PutHighlight,
    RestoreHighlight,
    SetArticleNote,
)
from reader.db.vault.vault import Vault
from reader.model import Highlight
from reader.text.keys import library_key, vault_root
from tests.syncthing_pair import INSTALL, Pair, available
from tests.vault_kit import highlight, shown

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not available(), reason=f"syncthing is not installed: {INSTALL}"),
]

KEY = library_key("essay.md")
PATIENCE = 120.0  # seconds for Syncthing to carry a change (about 2 s here)


def waiting_for(check: Callable[[], bool], what: str, pair: Pair) -> None:
    """Wait until ``check()`` holds (Syncthing at work), or fail saying ``what``."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    pytest.fail(f"{what} within {PATIENCE:.0f} s\n{pair.logs()}")


@pytest.fixture
def machines(tmp_path: Path) -> Iterator[tuple[Vault, Vault, Pair]]:
    """The laptop's and the desktop's vaults, their libraries kept in step."""
    laptop, desktop = tmp_path / "laptop" / "reading", tmp_path / "desktop" / "reading"
    laptop.mkdir(parents=True)
    desktop.mkdir(parents=True)
    (laptop / "essay.md").write_text("# Essay\n\nWords worth keeping.\n", encoding="utf-8")
    pair = Pair(tmp_path, laptop, desktop)
    pair.start()
    try:
        waiting_for(
            lambda: (desktop / "essay.md").exists(), "the library reached the desktop", pair
        )
        on_laptop = Vault(
            vault_root(laptop),
            load_device(tmp_path / "laptop" / "data", name="LAPTOP", machine="laptop"),
            tmp_path / "laptop" / "data",
        )
        on_desktop = Vault(
            vault_root(desktop),
            load_device(tmp_path / "desktop" / "data", name="DESKTOP", machine="desktop"),
            tmp_path / "desktop" / "data",
        )
        yield on_laptop, on_desktop, pair
    finally:
        pair.stop()


def h(number: int, **changes: object) -> Highlight:
    return highlight(number, key=KEY, **changes)  # type: ignore[arg-type]


def test_both_machines_change_one_article_at_once_and_converge(
    machines: tuple[Vault, Vault, Pair],
) -> None:
    laptop, desktop, pair = machines
    laptop.save(
        KEY,
        [PutHighlight(h(0, note="first words")), PutHighlight(h(1)), PutHighlight(h(2))],
    )
    desktop.save(KEY, [PutHighlight(h(6, note="to undo"))])
    waiting_for(
        lambda: (
            len(desktop.article(KEY).highlights) == 4 and len(laptop.article(KEY).highlights) == 4
        ),
        "the first highlights reached both machines",
        pair,
    )
    seen_on_laptop, seen_on_desktop = laptop.article(KEY), desktop.article(KEY)

    def changed(notes: object, number: int, **fields: object) -> PutHighlight:
        found = notes.highlight(h(number).id)  # type: ignore[attr-defined]
        return PutHighlight(dataclasses.replace(found, **fields), base=found)

    on_laptop: list[Change] = [
        changed(seen_on_laptop, 0, note="the laptop's words"),
        changed(seen_on_laptop, 1, tags=("from-laptop",)),
        PutHighlight(h(3, note="made on the laptop")),
        DeleteHighlight(h(2).id),
        RestoreHighlight(h(2).id),
        SetArticleNote("the laptop's note on it all"),
    ]
    on_desktop: list[Change] = [
        changed(seen_on_desktop, 0, note="the desktop's words"),
        changed(seen_on_desktop, 1, tags=("from-desktop",)),
        PutHighlight(h(4, note="made on the desktop")),
        PutHighlight(h(5, note="made, then deleted")),
        DeleteHighlight(h(5).id),
        DeleteHighlight(h(6).id),
        RestoreHighlight(h(6).id),
    ]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def work(vault: Vault, changes: list[Change]) -> None:
        try:
            start.wait()
            for change in changes:  # one save each, while Syncthing carries the others
                vault.save(KEY, [change])
                time.sleep(0.3)
        except BaseException as error:  # said by the test, not lost in the thread
            failures.append(error)

    threads = [
        threading.Thread(target=work, args=(laptop, on_laptop)),
        threading.Thread(target=work, args=(desktop, on_desktop)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []

    def in_step() -> bool:
        a, b = laptop.article(KEY), desktop.article(KEY)
        return shown(a) == shown(b) and len(a.highlights) == 6 and a.note.text != ""

    waiting_for(in_step, "both machines showed the same notes", pair)
    for vault in (laptop, desktop):
        notes = vault.article(KEY)
        alive = {found.id: found for found in notes.highlights}
        assert set(alive) == {h(n).id for n in (0, 1, 2, 3, 4, 6)}
        assert [found.id for found in notes.deleted] == [h(5).id]
        both = {alive[h(0).id].note} | {v.text for v in notes.conflicts[h(0).id]}
        assert both == {"the laptop's words", "the desktop's words"}
        assert set(alive[h(1).id].tags) == {"from-laptop", "from-desktop"}
        assert alive[h(3).id].note == "made on the laptop"
        assert alive[h(4).id].note == "made on the desktop"
        assert notes.note.text == "the laptop's note on it all"
        assert vault.device_names()[laptop.device.id] == "LAPTOP"
        assert vault.device_names()[desktop.device.id] == "DESKTOP"
    for library in (laptop.root.parent, desktop.root.parent):
        assert not [p for p in library.rglob("*") if "sync-conflict" in p.name]
