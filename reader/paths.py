"""Where reader keeps its data and finds its library.

Order of precedence: command-line flags, then environment variables (``READER_DATA_DIR``,
``READER_DB``, ``READER_LIBRARY``), then the platform's user data folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "reader"
DB_NAME = "reader.json"


@dataclass(frozen=True, slots=True)
class Paths:
    """Every location reader reads or writes."""

    data_dir: Path
    db: Path
    library: Path
    exports: Path

    @property
    def backup(self) -> Path:
        """The rolling backup of the database."""
        return self.db.with_name(self.db.name + ".bak")


def _user_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve(
    db: str | os.PathLike[str] | None = None,
    library: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Paths:
    """Work out the data folder, database, library and export folder."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    data_dir = Path(env["READER_DATA_DIR"]).expanduser() if env.get("READER_DATA_DIR") else None
    if data_dir is None:
        data_dir = _user_data_dir()
    if db is not None:
        db_path = Path(db).expanduser()
    elif env.get("READER_DB"):
        db_path = Path(env["READER_DB"]).expanduser()
    else:
        db_path = data_dir / DB_NAME
    if library is not None:
        library_path = Path(library).expanduser()
    elif (cwd / "articles").is_dir():
        library_path = cwd / "articles"
    elif env.get("READER_LIBRARY"):
        library_path = Path(env["READER_LIBRARY"]).expanduser()
    else:
        library_path = data_dir / "library"
    return Paths(data_dir, db_path, library_path, data_dir / "exports")


SAMPLES = ("welcome-to-reader.md", "canada-us-talks-digital-services-tax.md")
"""The sample articles a new library begins with: only these, whatever else is beside them
(in a clone, ``articles/`` also holds what its owner added there)."""


def samples_dir() -> Path | None:
    """The sample articles shipped with reader (in the wheel, or in a source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "samples", here.parent / "articles"):
        if candidate.is_dir():
            return candidate
    return None


def is_first_run(paths: Paths) -> bool:
    """Whether reader has never run here: no device identity in the data folder, nor the
    database (or its backup) of an older reader."""
    return not (
        (paths.data_dir / "device.json").exists()
        or paths.db.exists()
        or paths.db.is_symlink()
        or paths.backup.exists()
    )


def seed_library(library: Path) -> bool:
    """Create ``library`` with the sample articles if it does not exist yet (or is an empty
    folder); True when it was made so."""
    try:
        if library.exists() and (not library.is_dir() or any(library.iterdir())):
            return False
    except OSError:
        return False  # a folder that cannot be read is not reader's to fill
    source = samples_dir()
    library.parent.mkdir(parents=True, exist_ok=True)
    # Made whole beside it, then renamed into place: a first run cut short (ctrl+c, a full
    # disk) leaves no half-copied sample in a library that is then never seeded again.
    temp = library.with_name(f".{library.name}.{os.getpid()}.seeding")
    try:
        # One left by a run killed outright (a container's pids repeat from run to run).
        shutil.rmtree(temp, ignore_errors=True)
        temp.mkdir()
        if source is not None:
            for name in SAMPLES:
                if (source / name).is_file():
                    shutil.copy2(source / name, temp / name)
        os.rename(temp, library)  # onto nothing, or onto an empty folder
    except OSError:
        if not library.is_dir():
            raise
        return False  # made meanwhile, with articles in it: those are the library
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return True
