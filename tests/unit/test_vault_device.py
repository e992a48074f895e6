"""This installation's identity (made once, never the host name, never shared by two
machines) and article keys (the same on every machine)."""

from __future__ import annotations

import json
import socket
import unicodedata
from pathlib import Path

from reader.db.vault.device import clean_name, load_device
from reader.text.keys import VAULT_DIR, Libraries, file_key, find_library, key_for, library_key


def test_a_device_is_made_once_and_kept(private_data: Path) -> None:
    first = load_device(private_data, machine="m1")
    again = load_device(private_data, machine="m1")
    assert first == again and first.notice == ""
    assert len(first.id) == 32 and int(first.id, 16) >= 0
    assert first.id != socket.gethostname() and first.name == clean_name(socket.gethostname())
    saved = json.loads((private_data / "device.json").read_text())
    assert saved["id"] == first.id and saved["machine"] == "m1"


def test_a_data_folder_copied_to_another_machine_gets_a_new_id_and_says_so(
    private_data: Path,
) -> None:
    laptop = load_device(private_data, name="LAPTOP", machine="laptop-machine")
    copied = load_device(private_data, machine="desktop-machine")
    assert copied.id != laptop.id and copied.name == "LAPTOP"
    assert "another machine" in copied.notice and laptop.id[:8] in copied.notice
    assert load_device(private_data, machine="desktop-machine") == copied.__class__(
        copied.id, copied.name, "desktop-machine"
    )


def test_without_a_machine_id_the_id_is_kept(private_data: Path) -> None:
    made = load_device(private_data, machine="")
    assert load_device(private_data, machine="") == made


def test_a_damaged_identity_is_kept_aside_and_a_new_one_made(private_data: Path) -> None:
    private_data.mkdir(parents=True)
    (private_data / "device.json").write_text("{not json")
    made = load_device(private_data, machine="m")
    assert "damaged" in made.notice and len(made.id) == 32
    (kept,) = private_data.glob("device.json.damaged-*")
    assert kept.read_text() == "{not json"


def test_the_name_is_a_setting_and_shown_as_one_clean_line(private_data: Path) -> None:
    made = load_device(private_data, machine="m")
    renamed = load_device(private_data, name="Ann's\x1b[31m desk\ntop", machine="m")
    assert renamed.id == made.id and renamed.name == "Ann's [31m desk top"
    assert load_device(private_data, machine="m").name == renamed.name


def test_two_starts_at_once_agree_on_one_id(private_data: Path) -> None:
    import threading

    found: list[str] = []
    starts = [
        threading.Thread(target=lambda: found.append(load_device(private_data, machine="m").id))
        for _ in range(8)
    ]
    for start in starts:
        start.start()
    for start in starts:
        start.join()
    assert len(set(found)) == 1


# --- article keys ---------------------------------------------------------------------------


def test_an_article_has_the_same_key_in_libraries_at_different_places(tmp_path: Path) -> None:
    home, mac = tmp_path / "home" / "ann" / "reading", tmp_path / "Users" / "ann" / "Dropbox"
    for library in (home, mac):
        (library / "news").mkdir(parents=True)
    one = key_for(home / "news" / "Café.md", [home])
    other = key_for(mac / "news" / unicodedata.normalize("NFD", "Café.md"), [mac])
    assert one.key == other.key == library_key("news/Café.md")
    assert one.path == "news/Café.md" and one.library == home


def test_an_article_outside_every_library_is_known_by_its_path(tmp_path: Path) -> None:
    found = key_for(tmp_path / "loose.md", [tmp_path / "library"])
    assert found.library is None and found.key == file_key(tmp_path / "loose.md")
    assert found.key != library_key("loose.md")


def test_an_article_opened_inside_a_synced_library_finds_it(tmp_path: Path) -> None:
    library = tmp_path / "synced"
    (library / VAULT_DIR / "devices").mkdir(parents=True)
    (library / "deep" / "er").mkdir(parents=True)
    article = library / "deep" / "er" / "a.md"
    assert find_library(article) == library
    assert key_for(article).key == library_key("deep/er/a.md")


def test_a_linked_folder_inside_the_library_stays_inside(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    library = tmp_path / "library"
    library.mkdir()
    (library / "linked").symlink_to(elsewhere)
    found = key_for(library / "linked" / "a.md", [library])
    assert found.path == "linked/a.md"


def test_registered_libraries_are_looked_in_first(tmp_path: Path) -> None:
    libraries = Libraries()
    libraries.register(tmp_path / "lib")
    libraries.register(tmp_path / "lib")
    assert libraries.folders == (tmp_path / "lib",)
    assert libraries.key(tmp_path / "lib" / "a.md").key == library_key("a.md")
