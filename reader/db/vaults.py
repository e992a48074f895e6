"""The notes vaults a store reads: which one holds an article, and what each has put aside.

A library's vault (``LIBRARY/.reader``) holds the notes of its articles; the data folder's
vault those of articles outside every library. Which one holds a key is learnt from the
paths the caller names (:meth:`Vaults.register`), from the keys the process worked out
(:data:`reader.text.keys.LIBRARIES`) and from what the vaults hold already.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from reader.db.vault.device import Device
from reader.db.vault.summary import Summary
from reader.db.vault.vault import Vault
from reader.db.vault.views import ArticleNotes
from reader.errors import StoreError
from reader.text.keys import DEVICES_DIR, LIBRARIES, ArticleKey, file_key, vault_root


class Vaults:
    """The vaults of a store's libraries and of its data folder (the store sets them up)."""

    device: Device
    data_dir: Path
    read_only: bool
    problem: str
    _outside: Vault
    _vaults: dict[Path, Vault]
    _where: dict[str, Vault]
    _on_aside: Callable[[Path], None] | None

    # --- which vault ------------------------------------------------------------------------

    @property
    def vaults(self) -> list[Vault]:
        """Every vault this store reads: the libraries', then the data folder's."""
        return [*self._vaults.values(), self._outside]

    def register(self, path: Path) -> str:
        """The id (key) of the article at ``path``, its vault remembered (and, in a
        library, the notes it had before the library had a vault brought in:
        :meth:`adopt`)."""
        found = LIBRARIES.key(path)
        vault = self._vault_of(found)
        first = found.key not in self._where  # looked for once a session, not each save
        self._where[found.key] = vault
        if first and found.library is not None and not self.read_only:
            old = file_key(path)
            with contextlib.suppress(OSError, StoreError):  # left where it is: found again
                if self._outside.sources(old):
                    self._adopt(old, found, vault)
        return found.key

    def adopt(self, shown: int = 3) -> list[str]:
        """Bring into each library's vault the notes the data folder's vault keeps of its
        articles: made when an article was opened by its path before its folder was a
        library with a vault (``reader ~/reading/a.md``, then ``reader ~/reading``).
        Keyed by the article's absolute path then, by its path in the library now; without
        this they would stay under the old key, kept but never shown. Merged with any notes
        the library has of it (the same file: nothing is dropped). What the reader is told:
        a line for each of the first ``shown`` articles brought in, then how many more."""
        if self.read_only:
            return []
        brought: list[str] = []
        for old, summary in self._outside.summaries().items():
            path = Path(summary.path)
            if not summary.path or not path.is_absolute() or not path.is_file():
                continue
            found = LIBRARIES.key(path)
            if found.library is None or file_key(path) != old:
                continue
            with contextlib.suppress(OSError, StoreError):  # left where it is: found again
                self._adopt(old, found, self._vault_of(found))
                brought.append(found.path)
        brought.sort()
        said = [
            f"{path}: the notes made when it was read on its own are now kept in its library"
            for path in brought[:shown]
        ]
        if len(brought) > shown:
            said.append(f"and {len(brought) - shown:,} more articles' notes")
        return said

    def _adopt(self, old: str, found: ArticleKey, vault: Vault) -> None:
        from reader.db.vault.records import Facts

        self._outside.move_to(old, vault, found.key, Facts(found.path))
        self._where[found.key] = vault
        self._where.pop(old, None)

    def _vault_of(self, found: ArticleKey) -> Vault:
        if found.library is None:
            return self._outside
        vault = self._vaults.get(found.library)
        if vault is None:  # inside a library found by its vault, not one given
            vault = Vault(
                vault_root(found.library),
                self.device,
                self.data_dir,
                read_only=self.read_only,
            )
            vault.problem = self.problem
            vault.on_aside = self._on_aside
            self._vaults[found.library] = vault
        return vault

    def vault_for(self, article_id: str) -> Vault:
        """The vault that holds (or will hold) the notes of ``article_id``: the one its
        path said, else the one that has it, else the data folder's. A key says nothing of
        its library: an article must be registered (opening it does) before its first note,
        or that note goes to the data folder's vault."""
        vault = self._where.get(article_id)
        if vault is None and (library := LIBRARIES.library_of(article_id)) is not None:
            vault = self._vault_of(ArticleKey(article_id, library, ""))
            self._where[article_id] = vault
        if vault is None:
            holding = (v for v in self.vaults if article_id in v.keys())  # noqa: SIM118
            vault = next(holding, self._outside)
            self._where[article_id] = vault
        return vault

    def article(self, article_id: str) -> ArticleNotes:
        """Everything of an article's notes, merged from every device."""
        return self.vault_for(article_id).article(article_id)

    def _summaries(self) -> Iterator[tuple[Vault, str, Summary]]:
        for vault in self.vaults:
            for key, summary in vault.summaries().items():
                self._where.setdefault(key, vault)
                yield vault, key, summary

    def _path_of(self, vault: Vault, key: str) -> Path | None:
        """The file of article ``key`` of ``vault``, as this machine names it, if known."""
        summary = vault.summaries().get(key)
        if summary is None or not summary.path:
            return None
        library = next((lib for lib, v in self._vaults.items() if v is vault), None)
        return library / summary.path if library is not None else Path(summary.path)

    # --- what was put aside -------------------------------------------------------------------

    @property
    def pending_recovery(self) -> list[Path]:
        """Recovery files of this device (changes put aside because its own file of an
        article was damaged) that ``reader recover`` has not merged yet."""
        found = []
        for vault in self.vaults:
            with contextlib.suppress(OSError):
                for name in sorted(os.listdir(vault.own_notes)):
                    if ".json.recovered-" in name:
                        found.append(vault.own_notes / name)
        return found

    def recovery_hint(self) -> str:
        """What to do first about changes put aside ("" when there are none)."""
        pending = self.pending_recovery
        if not pending:
            return ""
        files = ", ".join(str(p) for p in pending)
        return (
            f"Notes that could not be written to their files were put aside in {files} "
            "(the files were damaged): run `reader recover` to merge them. "
        )

    def take_notices(self) -> list[str]:
        """What the reader has not been told yet of vault files that could not be read
        (skipped: their notes are not shown until they can be), each said once."""
        return [notice for vault in self.vaults for notice in vault.take_notices()]

    @property
    def recovered(self) -> list[Path]:
        """Recovery files written in this session."""
        return [path for vault in self.vaults for path in vault.recovered]

    @property
    def on_aside(self) -> Callable[[Path], None] | None:
        """Told (instead of a StoreError) of a change put aside in a recovery file, because
        this device's own file of the article was damaged (the app sets it)."""
        return self._on_aside

    @on_aside.setter
    def on_aside(self, told: Callable[[Path], None] | None) -> None:
        self._on_aside = told
        for vault in self.vaults:
            vault.on_aside = told

    def check_in_background(self, damaged: Callable[[str], None] | None = None) -> None:
        """Take today's snapshot of this device's folders (the backup: see
        :mod:`reader.db.vault.care`), in a thread of its own (the app starts this once its
        first screen is painted)."""
        if self.read_only:
            return
        import threading

        from reader.db.vault.care import snapshot

        def run() -> None:
            for vault in self.vaults:
                with contextlib.suppress(OSError, StoreError):
                    snapshot(vault)

        threading.Thread(target=run, name="reader-snapshot", daemon=True).start()


# --- the libraries this device keeps notes in -----------------------------------------------

LIBRARIES_KEPT = 200
"""How many libraries the data folder's state remembers (the latest used first)."""


def remember_library(data_dir: Path, library: Path) -> None:
    """Note in the data folder's state that this device keeps notes in ``library``'s
    vault, so that a command run with another library (``reader export NAME`` from another
    folder) can find them. Written only when it is new there; a state file that cannot be
    written is left as it is (nothing depends on it but that search)."""
    from reader.state import StateError, remember

    folder = os.path.abspath(library)
    known = [str(path) for path in known_libraries(data_dir, existing=False)]
    if folder in known:
        return
    with contextlib.suppress(StateError):
        remember(data_dir, libraries=[folder, *known][:LIBRARIES_KEPT])


def known_libraries(data_dir: Path, *, existing: bool = True) -> list[Path]:
    """The libraries this device kept notes in, latest first (``existing``: only those
    whose notes vault is there now: a disk not mounted, a folder deleted, are passed by)."""
    from reader.state import load

    listed = load(data_dir).get("libraries")
    if not isinstance(listed, list):
        return []
    found = [Path(path) for path in listed if isinstance(path, str) and os.path.isabs(path)]
    if existing:
        found = [path for path in found if (vault_root(path) / DEVICES_DIR).is_dir()]
    return found
