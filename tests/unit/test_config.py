"""The settings file: read what is there, say what is wrong (and where), keep the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.config import ColourSetting, config_path, load


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_is_the_defaults(tmp_path: Path) -> None:
    settings = load(tmp_path / "absent.toml")
    assert (settings.theme, settings.export_folder, settings.keys, settings.problems) == (
        None,
        None,
        {},
        [],
    )


def test_every_setting_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
theme = "gruvbox"
export_folder = "~/notes/reading"

[keys]
highlight = "h,x"
search = "slash, ctrl+f"

[colours.yellow]
name = "important"
value = "#e5c07b"

[colours.purple]
name = "question"
""",
    )
    settings = load(path)
    assert settings.problems == []
    assert settings.theme == "gruvbox"
    assert settings.export_folder == Path("~/notes/reading").expanduser()
    assert settings.keys == {"highlight": "h,x", "search": "slash,ctrl+f"}
    assert settings.colours["yellow"] == ColourSetting("important", "#e5c07b")
    assert settings.colour_name("purple") == "question"
    assert settings.colour_name("green") == "green"


@pytest.mark.parametrize(
    "text, line, says",
    [
        ("theme = \n", "line 1", "Invalid value"),
        ("[keys]\nhighlight = 5\n", "line 2", "keys.highlight must be keys in quotes"),
        ("colour = 'x'\n", "line 1", "unknown setting 'colour'"),
        ("[colours.orange]\nvalue = '#fff'\n", "line 1", "unknown colour 'orange'"),
        ("[colours.blue]\nvalue = 'blueish'\n", "line 2", "colours.blue.value must be a colour"),
        ("export_folder = 3\n", "line 1", "export_folder must be a folder"),
    ],
)
def test_a_broken_file_is_named_with_its_line_and_the_rest_is_default(
    tmp_path: Path, text: str, line: str, says: str
) -> None:
    settings = load(write(tmp_path, text))
    (problem,) = settings.problems
    assert str(tmp_path / "config.toml") in problem and line in problem and says in problem
    assert settings.theme is None and settings.keys == {}


def test_the_file_is_found_in_the_config_folder_or_where_reader_config_says(
    tmp_path: Path,
) -> None:
    assert config_path({"READER_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    assert config_path({}).name == "config.toml"


def test_a_theme_that_is_not_there_is_a_problem_named_with_those_that_are(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "solarised"\n', encoding="utf-8")
    settings = load(path)
    assert settings.theme_problem(["nord", "gruvbox"]) == (
        f"{path}: no theme called 'solarised' (there are: gruvbox, nord); using the default"
    )
    assert settings.theme_problem(["solarised"]) is None
