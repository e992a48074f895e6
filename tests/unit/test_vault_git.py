"""The vault in a git repository: two clones, commits on both sides, and ``git pull``
merges without a conflict (each device writes only its own files), after which each side
reads the union of the notes."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from reader.db.vault.records import PutHighlight, SetArticleNote
from reader.db.vault.vault import Vault
from reader.text.keys import library_key, vault_root
from tests.vault_kit import A, B, highlight, vault_of

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None,
    reason="git is not installed: install it with: apt-get install -y git",
)

KEY = library_key("essay.md")


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with no user or system settings; its output."""
    home = cwd.parent / "home"
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Ann",
        "GIT_AUTHOR_EMAIL": "ann@example.org",
        "GIT_COMMITTER_NAME": "Ann",
        "GIT_COMMITTER_EMAIL": "ann@example.org",
    }
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "pull.rebase=false", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def commit_all(clone: Path, message: str) -> None:
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", message)


@pytest.fixture
def clones(tmp_path: Path) -> tuple[Path, Path]:
    """A library in a shared repository, cloned twice (a laptop and a desktop)."""
    origin = tmp_path / "origin.git"
    origin.mkdir()
    git(origin, "init", "-q", "--bare")
    laptop = tmp_path / "laptop"
    git(tmp_path, "clone", "-q", str(origin), str(laptop))
    (laptop / "essay.md").write_text("# Essay\n\nSome words worth keeping.\n", encoding="utf-8")
    commit_all(laptop, "the library")
    git(laptop, "push", "-q", "origin", "HEAD:main")
    desktop = tmp_path / "desktop"
    git(tmp_path, "clone", "-q", str(origin), str(desktop))
    return laptop, desktop


def vaults(tmp_path: Path, laptop: Path, desktop: Path) -> tuple[Vault, Vault]:
    return (
        vault_of(vault_root(laptop), tmp_path / "data-laptop", A),
        vault_of(vault_root(desktop), tmp_path / "data-desktop", B),
    )


def test_git_pull_merges_two_devices_notes_without_a_conflict(
    tmp_path: Path, clones: tuple[Path, Path]
) -> None:
    laptop, desktop = clones
    on_laptop, on_desktop = vaults(tmp_path, laptop, desktop)
    on_laptop.save(KEY, [PutHighlight(highlight(0, key=KEY, note="seen on the train"))])
    on_desktop.save(
        KEY, [PutHighlight(highlight(1, key=KEY, tags=("quote",))), SetArticleNote("worth it")]
    )
    commit_all(laptop, "notes on the laptop")
    git(laptop, "push", "-q", "origin", "HEAD:main")
    commit_all(desktop, "notes on the desktop")
    said = git(desktop, "pull", "--no-edit", "origin", "main")
    assert "CONFLICT" not in said
    git(desktop, "push", "-q", "origin", "HEAD:main")
    git(laptop, "pull", "-q", "--no-edit", "origin", "main")
    for vault in vaults(tmp_path, laptop, desktop):
        notes = vault.article(KEY)
        assert {h.id: h.note for h in notes.highlights} == {
            highlight(0).id: "seen on the train",
            highlight(1).id: "",
        }
        assert notes.note.text == "worth it"
    assert git(laptop, "status", "--porcelain") == ""

    # Both change the same note while apart: the pull still merges, and both texts stay.
    on_laptop, on_desktop = vaults(tmp_path, laptop, desktop)
    first = on_laptop.article(KEY).highlights[0]
    on_laptop.save(KEY, [PutHighlight(dataclasses.replace(first, note="laptop's"), base=first)])
    first = on_desktop.article(KEY).highlights[0]
    on_desktop.save(KEY, [PutHighlight(dataclasses.replace(first, note="desktop's"), base=first)])
    commit_all(laptop, "edited on the laptop")
    git(laptop, "push", "-q", "origin", "HEAD:main")
    commit_all(desktop, "edited on the desktop")
    assert "CONFLICT" not in git(desktop, "pull", "--no-edit", "origin", "main")
    notes = vaults(tmp_path, laptop, desktop)[1].article(KEY)
    kept = {notes.highlights[0].note} | {v.text for v in notes.conflicts[highlight(0).id]}
    assert kept == {"laptop's", "desktop's"}


def test_two_clones_that_both_start_a_vault_merge_cleanly(
    tmp_path: Path, clones: tuple[Path, Path]
) -> None:
    """Both make the vault's README at once: the same bytes, so git merges it."""
    laptop, desktop = clones
    on_laptop, on_desktop = vaults(tmp_path, laptop, desktop)
    on_laptop.save(KEY, [PutHighlight(highlight(0, key=KEY))])
    on_desktop.save(KEY, [PutHighlight(highlight(1, key=KEY))])
    commit_all(laptop, "laptop")
    git(laptop, "push", "-q", "origin", "HEAD:main")
    commit_all(desktop, "desktop")
    assert "CONFLICT" not in git(desktop, "pull", "--no-edit", "origin", "main")
    assert len(vaults(tmp_path, laptop, desktop)[1].article(KEY).highlights) == 2
