"""``reader devices``: the devices that keep notes in the library's vault, when each last
changed something, and the notes written apart on two of them that wait for the reader."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.db.vault import Clock, Device, PutHighlight, Vault, load_device, vault_root
from tests.vault_kit import KEY, B, FakeWall, highlight


def _data() -> Path:
    return Path(os.environ["READER_DATA_DIR"])


def test_devices_names_each_device_its_last_change_and_the_notes_waiting(
    tmp_path: Path, capsys
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    here = load_device(_data(), name="LAPTOP")
    mine = Vault(vault_root(library), here, _data())
    desktop = Vault(
        vault_root(library),
        Device(B, "DESKTOP"),
        tmp_path / "desktop-data",
        clock=Clock(B, FakeWall()),  # the desktop lives on 2027-01-15
    )
    base = highlight(0, note="base")
    mine.save(KEY, [PutHighlight(base)])
    desktop.article(KEY)
    mine.save(KEY, [PutHighlight(highlight(0, note="on the laptop"), base=base)])
    desktop.save(KEY, [PutHighlight(highlight(0, note="on the desktop"), base=base)])

    assert main(["devices", "--library", str(library)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"Devices that keep notes in {vault_root(library)}:"
    assert lines[1].startswith("  LAPTOP (this device)")
    assert "last change " in lines[1] and "1 article" in lines[1]
    assert lines[2].startswith("  DESKTOP") and "last change 2027-01-15" in lines[2]
    assert lines[-1] == (
        "1 note was written on two devices apart; both texts are kept until you keep one."
    )


def test_devices_in_a_library_without_a_vault_says_so_and_writes_nothing_there(
    tmp_path: Path, capsys
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    assert main(["devices", "--library", str(library)]) == 0
    assert capsys.readouterr().out == (f"No device keeps notes in {vault_root(library)} yet.\n")
    assert list(library.iterdir()) == []


def test_devices_of_a_library_that_is_not_there_is_one_line(tmp_path: Path, capsys) -> None:
    assert main(["devices", "--library", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err == f"reader: {tmp_path / 'nowhere'}: no such folder\n"


def test_the_device_name_setting_names_this_device_to_the_others(
    tmp_path: Path, library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from reader.paths import resolve

    load_device(resolve().data_dir)  # made on an earlier run, named after the host
    (tmp_path / "config.toml").write_text('device_name = "laptop"\n', encoding="utf-8")
    assert main(["list", str(library)]) == 0
    capsys.readouterr()

    device = json.loads((resolve().data_dir / "device.json").read_text(encoding="utf-8"))
    assert device["name"] == "laptop"
