"""The settings file: keys, the five colours, the export folder and the theme, in TOML.

No Textual here. ``config.toml`` lives in the platform's config folder (``reader locate``
shows where; ``READER_CONFIG`` names another). Everything in it is optional::

    theme = "gruvbox"
    export_folder = "~/notes/reading"
    bidi = "terminal"       # the terminal reorders right-to-left text (VTE, Konsole, mlterm)

    [keys]                  # binding id = keys, as `?` lists them
    highlight = "h,x"
    search = "slash,ctrl+f"

    [colours.yellow]        # the key 1; names show in the pane and the help
    name = "important"
    value = "#e5c07b"

A file that cannot be read or holds something reader does not know is reported, naming the
line and what is wrong, and reader starts with its defaults for that part.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

COLOURS = ("yellow", "green", "blue", "pink", "purple")
DEFAULT_COLOURS = {
    "yellow": "#f2c744",
    "green": "#5fbf5f",
    "blue": "#2f7ff0",
    "pink": "#ff5f9f",
    "purple": "#9d5cf0",
}
"""The five colours' values: blended over the dark and the light theme they stay five
different colours in 256-colour terminals too (tests/ui check), where the blue and the
purple of old were one."""
KNOWN = {"theme", "export_folder", "bidi", "review_per_day", "device_name", "keys", "colours"}
BIDI = ("reader", "terminal")
"""Who shows right-to-left lines in visual order: reader (the default: most terminals,
tmux among them, do not), or the terminal itself (given them in logical order, so that
text is never reversed twice)."""
# "h", "ctrl+s", "slash,ctrl+f", "/": whether each is a key is for reader.ui.keynames to say.
_KEY = re.compile(r"^[^,\s]+(?:,[^,\s]+)*$")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True, slots=True)
class ColourSetting:
    """What one of the five highlight colours is called and looks like (None: default)."""

    name: str | None = None
    value: str | None = None


@dataclass(slots=True)
class Settings:
    """The settings in force, and what was wrong with the file (one line each)."""

    path: Path | None = None
    theme: str | None = None
    export_folder: Path | None = None
    bidi: str = "reader"
    review_per_day: int = 5  # highlights the daily review shows (reader.services.review)
    device_name: str = ""  # what other devices call this one ("" : the host name)
    keys: dict[str, str] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)  # the line of each of ``keys``
    colours: dict[str, ColourSetting] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def colour_name(self, colour: str) -> str:
        """The name shown for a colour (its own, unless the settings rename it)."""
        setting = self.colours.get(colour)
        return setting.name if setting is not None and setting.name else colour

    def theme_problem(self, themes: Iterable[str]) -> str | None:
        """What is wrong with the theme asked for, given the ``themes`` there are (None:
        nothing, or none asked for)."""
        if self.theme is None or self.theme in themes:
            return None
        known = ", ".join(sorted(themes))
        return (
            f"{self.path}: no theme called {self.theme!r} (there are: {known}); using the default"
        )


def config_path(env: dict[str, str] | None = None) -> Path:
    """Where the settings file is (it need not exist)."""
    env = dict(os.environ) if env is None else env
    if env.get("READER_CONFIG"):
        return Path(env["READER_CONFIG"]).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("reader", appauthor=False)) / "config.toml"


def load(path: Path | None = None) -> Settings:
    """The settings in ``path`` (by default :func:`config_path`); never raises."""
    path = config_path() if path is None else path
    settings = Settings(path=path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return settings
    except OSError as error:
        settings.problems.append(f"{path}: cannot be read ({error.strerror or error})")
        return settings
    try:
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        settings.problems.append(f"{path}: not UTF-8 text; using the defaults")
        return settings
    except tomllib.TOMLDecodeError as error:
        # tomllib says where: "Expected '=' after a key (at line 3, column 5)".
        settings.problems.append(f"{path}: {error}; using the defaults")
        return settings
    _read(data, text, settings)
    return settings


def _read(data: dict[str, object], text: str, settings: Settings) -> None:
    def problem(key: str, what: str, section: str = "") -> None:
        line = _line_of(text, key, section)
        where = f"line {line}: " if line else ""
        settings.problems.append(f"{settings.path}: {where}{what}")

    for key in data:
        if key not in KNOWN:
            problem(key, f"unknown setting {key!r} (known: {', '.join(sorted(KNOWN))})")
    theme = data.get("theme")
    if theme is not None:
        if isinstance(theme, str) and theme.strip():
            settings.theme = theme.strip()
        else:
            problem("theme", "theme must be the name of a theme, in quotes")
    folder = data.get("export_folder")
    if folder is not None:
        if isinstance(folder, str) and folder.strip():
            settings.export_folder = Path(folder).expanduser()
        else:
            problem("export_folder", "export_folder must be a folder's path, in quotes")
    bidi = data.get("bidi")
    if bidi is not None:
        if bidi in BIDI:
            settings.bidi = str(bidi)
        else:
            problem("bidi", 'bidi must be "reader" or "terminal" (who reorders right-to-left text)')
    per_day = data.get("review_per_day")
    if per_day is not None:
        if isinstance(per_day, int) and not isinstance(per_day, bool) and 1 <= per_day <= 500:
            settings.review_per_day = per_day
        else:
            problem("review_per_day", "review_per_day must be a number from 1 to 500")
    name = data.get("device_name")
    if name is not None:
        if isinstance(name, str) and name.strip():
            settings.device_name = name.strip()
        else:
            problem("device_name", 'device_name must be a name in quotes, such as "laptop"')
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        problem("keys", 'keys must be a table: [keys] then lines like highlight = "h"')
        keys = {}
    for binding, value in keys.items():
        if isinstance(value, str) and _KEY.match(value.replace(" ", "")):
            settings.keys[binding] = value.replace(" ", "")
            line = _line_of(text, binding, "keys")
            if line:
                settings.key_lines[binding] = line
        else:
            problem(
                binding,
                f'keys.{binding} must be keys in quotes, such as "h" or "ctrl+s,f3"',
                "keys",
            )
    colours = data.get("colours", {})
    if not isinstance(colours, dict):
        problem("colours", "colours must be tables such as [colours.yellow]")
        colours = {}
    for colour, value in colours.items():
        if colour not in COLOURS:
            problem(
                colour, f"unknown colour {colour!r} (the five: {', '.join(COLOURS)})", "colours"
            )
            continue
        if not isinstance(value, dict):
            problem(colour, f"colours.{colour} must be a table with name and value", "colours")
            continue
        name, hex_value = value.get("name"), value.get("value")
        if name is not None and not (isinstance(name, str) and name.strip()):
            problem("name", f"colours.{colour}.name must be a word in quotes", f"colours.{colour}")
            name = None
        if hex_value is not None and not (isinstance(hex_value, str) and _HEX.match(hex_value)):
            problem(
                "value",
                f'colours.{colour}.value must be a colour such as "#f2c744"',
                f"colours.{colour}",
            )
            hex_value = None
        settings.colours[colour] = ColourSetting(name.strip() if name else None, hex_value)


def _line_of(text: str, key: str, section: str = "") -> int | None:
    """The line where ``key`` is set (in ``[section]`` when given), for the message."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1)
            if section and current == f"{section}.{key}":
                return number
            continue
        if re.match(rf"^{re.escape(key)}\s*=", stripped) and (not section or current == section):
            return number
    return None
