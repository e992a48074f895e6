"""The second line of a Kindle clipping, in the languages Kindle writes: what it is, where, when.

Kindle writes the line in its own language::

    - Your Highlight on page 12 | Location 170-172 | Added on Sunday, March 3, 2024 9:15:02 PM
    - Highlight Loc. 170-72  | Added on Sunday, March 03, 2013, 09:15 PM      (older Kindles)
    - Ihre Markierung bei Position 170-172 | Hinzugefügt am Sonntag, 3. März 2024 21:15:02
    - Votre surlignement sur la page 12 | emplacement 170-172 | Ajouté le dimanche 3 mars 2024 …
    - Tu subrayado en la página 12 | posición 170-172 | Añadido el domingo, 3 de marzo de 2024 …
    - 12ページ|位置No. 170-172のハイライト |作成日: 2024年3月3日日曜日 21:15:02
    - 您在第 12 页（位置 #170-172）的标注 | 添加于 2024年3月3日星期日 下午9:15:02

and Italian, Portuguese, Dutch, Korean and Russian in the same way. Rather than one pattern
per language, the line is read by its parts: the kind by its word in any of those languages,
the location and the page by theirs, and the date by its year, month (a name in any of them,
or a number before 月), day and time (with AM/PM, 上午/下午, 午前/午後, 오전/오후).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

HIGHLIGHT, NOTE, BOOKMARK = "highlight", "note", "bookmark"

# The word for each kind, in each language Kindle writes (lowercase). A bookmark is looked
# for first, then a note: no language's word for a highlight holds either.
_KINDS = (
    (
        BOOKMARK,
        (
            "bookmark",
            "lesezeichen",
            "signet",
            "marcador",
            "segnalibro",
            "bladwijzer",
            "закладка",
            "ブックマーク",
            "书签",
            "書籤",
            "북마크",
        ),
    ),
    (NOTE, ("note", "notiz", "nota", "notitie", "заметка", "メモ", "笔记", "筆記", "메모")),
    (
        HIGHLIGHT,
        (
            "highlight",
            "markierung",
            "surlignement",
            "surlignage",
            "subrayado",
            "evidenziazione",
            "destaque",
            "markering",
            "выделение",
            "ハイライト",
            "标注",
            "標註",
            "標記",
            "하이라이트",
            # An article clipped from a periodical: a passage, as a highlight is.
            "clip",
            "ausschnitt",
            "extrait",
            "recorte",
            "ritaglio",
            "knipsel",
            "クリップ",
            "剪贴",
        ),
    ),
)

_LOCATION = re.compile(
    r"(?:location|loc\.|position|emplacement|posici[oó]n|posizione|posi[cç][aã]o|locatie"
    r"|позиция|位置\s*no\.|位置\s*#?|위치)\s*#?\s*(\d+)(?:\s*-\s*(\d+))?",
    re.IGNORECASE,
)
_PAGE = re.compile(
    r"(?:page|seite|p[aá]gina|страниц\w*)\s+([0-9ivxlcdm]+(?:-[0-9ivxlcdm]+)?)"
    r"|第\s*(\d+)\s*[页頁]|(\d+)\s*ページ|(\d+)\s*페이지",
    re.IGNORECASE,
)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january januar janvier enero gennaio janeiro januari janner января",
        "february februar fevrier febrero febbraio fevereiro februari февраля",
        "march marz mars marzo marco maart марта",
        "april avril abril aprile апреля",
        "may mai mayo maggio maio mei мая",
        "june juni juin junio giugno junho июня",
        "july juli juillet julio luglio julho июля",
        "august aout agosto augustus августа",
        "september septembre septiembre setiembre settembre setembro сентября",
        "october oktober octobre octubre ottobre outubro октября",
        "november novembre noviembre novembro ноября",
        "december dezember decembre diciembre dicembre dezembro декабря",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
# AM and PM as Kindle writes them: after the time ("9:15:02 PM", "9:15:02 p. m."), or before
# it in Chinese, Japanese and Korean ("下午9:15:02"). Only beside the time: "am" is also
# German for "on the" ("Hinzugefügt am Sonntag").
_AFTER = re.compile(r"\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
_BEFORE_PM = re.compile(r"(?:下午|午後|오후|晚上|中午)\s*$")
_BEFORE_AM = re.compile(r"(?:上午|午前|오전|凌晨|早上)\s*$")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Meta:
    """What a clipping's second line says: its kind, location range (-1: none), page
    ("" for none) and the time it was added (None when it cannot be read)."""

    kind: str
    start: int
    end: int
    page: str
    added: datetime | None

    @property
    def where(self) -> str:
        """Where the clipping is, as the report says it: "location 170-172", "page 12"."""
        if self.start >= 0:
            span = f"{self.start}-{self.end}" if self.end != self.start else str(self.start)
            return f"location {span}"
        return f"page {self.page}" if self.page else "no location"


def read_meta(line: str) -> Meta | None:
    """The second line of a clipping read, or None when it is not one Kindle writes."""
    text = line.strip().lstrip("-").strip()
    if not text:
        return None
    parts = text.split("|")
    head = " ".join(parts[:-1]) if len(parts) > 1 else text
    kind = _kind(head.lower())
    if kind is None:
        return None
    start, end = _location(head)
    return Meta(kind, start, end, _page(head), read_date(parts[-1]) if len(parts) > 1 else None)


def _kind(head: str) -> str | None:
    for kind, words in _KINDS:
        if any(word in head for word in words):
            return kind
    return None


def _location(head: str) -> tuple[int, int]:
    match = _LOCATION.search(head)
    if match is None:
        return -1, -1
    start = int(match.group(1))
    if match.group(2) is None:
        return start, start
    end_digits = match.group(2)
    end = int(end_digits)
    if end < start and len(end_digits) < len(match.group(1)):
        # Older Kindles shorten the end: "Loc. 1170-72" is 1170 to 1172.
        end = int(match.group(1)[: -len(end_digits)] + end_digits)
    return start, max(start, end)


def _page(head: str) -> str:
    match = _PAGE.search(head)
    if match is None:
        return ""
    return next(group for group in match.groups() if group)


def read_date(text: str) -> datetime | None:
    """The date and time in the last part of a clipping's line, in any of Kindle's
    languages; None when there is none that makes sense."""
    time_match = _TIME.search(text)
    hour = minute = second = 0
    rest = text
    if time_match is not None:
        hour, minute = int(time_match.group(1)), int(time_match.group(2))
        second = int(time_match.group(3) or 0)
        after = _AFTER.match(text, time_match.end())
        before = text[: time_match.start()]
        pm = (after is not None and after.group(1).lower() == "p") or _BEFORE_PM.search(before)
        am = (after is not None and after.group(1).lower() == "a") or _BEFORE_AM.search(before)
        if pm and hour < 12:
            hour += 12
        elif am and hour == 12:
            hour = 0
        rest = text[: time_match.start()] + " " + text[time_match.end() :]
    cjk = _CJK_DATE.search(rest)
    if cjk is not None:
        year, month, day = int(cjk.group(1)), int(cjk.group(2)), int(cjk.group(3))
    else:
        found = _western(rest)
        if found is None:
            return None
        year, month, day = found
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _western(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of "Sunday, March 3, 2024", "3. März 2024", "3 de marzo de 2024"."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )
    month = next((_MONTHS[w] for w in _WORD.findall(plain) if w in _MONTHS), None)
    year_match = re.search(r"\b(\d{4})\b", plain)
    if month is None or year_match is None:
        return None
    rest = plain[: year_match.start()] + " " + plain[year_match.end() :]
    day_match = re.search(r"\b(\d{1,2})\b", rest)
    if day_match is None:
        return None
    return int(year_match.group(1)), month, int(day_match.group(1))
