"""Colours in terminals of 16 and 256 colours: the five highlights stay five, nothing is loud.

Textual draws in true colour and Rich brings each colour down to what the terminal has, at
the last moment. Two roundings went wrong:

* **16 colours** (``TERM=screen``, ``xterm``). A CSS colour such as ``ansi_yellow`` is not
  sent as the terminal's yellow: Textual first turns it into its own theme's RGB (Monokai's
  orange for yellow, one pink for red and magenta), which Rich then matches to the nearest
  of the 16, so yellow came out bright red (SGR 101) and pink and purple both magenta. The
  highlights' colours in ``reader.tcss`` (under ``-ansi-colours``) are instead the RGB
  values of Rich's own 16-colour palette: each matches one entry exactly, and goes out as
  that colour's number, drawn in the terminal's own hue.
* **256 colours** (tmux's default). Rich rounds each channel to the 6×6×6 cube, so a dark
  grey-blue (the cursor paragraph, the header and footer bars of Textual's dark theme)
  becomes navy (17) or teal (23), the loudest colours on the screen. :class:`Nearest256`
  picks the nearest of the 240 colours every 256-colour terminal agrees on (the cube and
  the grey ramp) instead: a dark grey.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rich._palettes import EIGHT_BIT_PALETTE
from rich.color import Color, ColorType
from rich.style import Style
from textual import constants
from textual.filter import ANSIToTruecolor, LineFilter

if TYPE_CHECKING:
    from textual.app import App

SIXTEEN = ("standard", "windows")


def colour_system(app: App[Any]) -> str | None:
    """The terminal's colours as Rich detected them ("truecolor", "256", "standard"...).

    None for a headless app (tests), whose console would guess from the environment, unless
    ``TEXTUAL_COLOR_SYSTEM`` chose one: then the app draws for that.
    """
    if app.is_headless and constants.COLOR_SYSTEM in ("auto", "", None):
        return None
    return app.console.color_system


@lru_cache(maxsize=4096)
def nearest_256(red: int, green: int, blue: int) -> int:
    """The number (16-255) of the 256-colour entry nearest to an RGB colour.

    The distance is the one Rich uses to match its palettes (red-mean weighted); the first
    16 entries are left out, as each terminal has its own for them.
    """
    best, found = float("inf"), 16
    for number in range(16, 256):
        r, g, b = EIGHT_BIT_PALETTE[number]
        mean = (red + r) / 2
        distance = (
            (2 + mean / 256) * (red - r) ** 2
            + 4 * (green - g) ** 2
            + (2 + (255 - mean) / 256) * (blue - b) ** 2
        )
        if distance < best:
            best, found = distance, number
    return found


def _to_256(color: Color | None) -> Color | None:
    if color is None or color.type is not ColorType.TRUECOLOR or color.triplet is None:
        return color
    return Color.from_ansi(nearest_256(*color.triplet))


@lru_cache(maxsize=4096)
def _style_256(style: Style) -> Style:
    color, bgcolor = _to_256(style.color), _to_256(style.bgcolor)
    if color is style.color and bgcolor is style.bgcolor:
        return style
    return style + Style.from_color(color, bgcolor)


class Nearest256(ANSIToTruecolor):
    """Textual's own filter (ANSI colours to its theme's true colours), which then draws
    each true colour as the nearest of a 256-colour terminal's, not Rich's rounding to the
    cube (which makes a dark grey-blue navy).

    It takes the place of Textual's filter rather than following it: a second filter is a
    second pass over every line drawn, which made a key 5 ms slower (measured in tmux).
    """

    @lru_cache(maxsize=1024)  # noqa: B019 (as Textual's own: one filter an app, kept)
    def truecolor_style(self, style: Style, background: Color) -> Style:
        return _style_256(super().truecolor_style(style, background))


class Filters:
    """The app's line filters, with :class:`Nearest256` in place of Textual's own when the
    terminal has 256 colours (a new one whenever Textual makes its own anew: a theme)."""

    def __init__(self) -> None:
        self.on = False
        self._made: tuple[LineFilter, LineFilter] | None = None

    def __call__(self, filters: Sequence[LineFilter]) -> Sequence[LineFilter]:
        if not self.on:
            return filters
        return [self._ours(f) if type(f) is ANSIToTruecolor else f for f in filters]

    def _ours(self, textual_filter: ANSIToTruecolor) -> LineFilter:
        if self._made is None or self._made[0] is not textual_filter:
            ours = Nearest256(textual_filter._terminal_theme, enabled=textual_filter.enabled)
            self._made = (textual_filter, ours)
        return self._made[1]


def fit_colours(app: App[Any], filters: Filters) -> None:
    """Draw for a terminal of 16 or 256 colours, if the app's is one."""
    system = colour_system(app)
    if system in SIXTEEN:
        # The highlights in the terminal's own hues, one each (reader.tcss).
        app.add_class("-ansi-colours")
    elif system == "256":
        filters.on = True
        app.refresh()
