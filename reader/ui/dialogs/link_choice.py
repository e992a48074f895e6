"""One followable link, as the reading screen lists it (light: imported at start-up)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from reader.text.display import visible


@dataclass(frozen=True, slots=True)
class LinkChoice:
    """One link that can be followed from the paragraph under the cursor.

    ``kind``: "markdown", "note" (a footnote), "image", "read-more", "outgoing",
    "backlink", "wiki" or "unresolved".
    ``payload`` is what following needs (a Target, a Location, a CrossLink...).
    """

    kind: str
    label: str
    detail: str = ""
    payload: object = None

    @property
    def followable(self) -> bool:
        """Whether following this choice can lead anywhere."""
        return self.kind != "unresolved"


ARROWS = {
    "markdown": "↗",
    "note": "*",
    "image": "▣",
    "read-more": "↗",
    "outgoing": "→",
    "backlink": "←",
    "wiki": "↗",
    "unresolved": "·",
}


def choice_text(choice: LinkChoice, number: int | None = None) -> Text:
    """A choice as a line of plain text (never markup), numbered for quick keys."""
    text = Text()
    if number is not None:
        text.append(f"{number} ", style="bold")
    text.append(f"{ARROWS.get(choice.kind, '·')} ")
    text.append(visible(choice.label), style="bold" if choice.followable else "dim")
    if choice.detail:
        text.append(f"  {visible(choice.detail)}", style="dim")
    return text
