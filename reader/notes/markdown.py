"""An article's notes as Markdown: front matter, the article note, each highlight and link."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

from reader.files import safe_filename
from reader.model import Article, BlockKind, SpanKind
from reader.notes.escaping import (
    clean,
    escape_inline,
    escape_text,
    safe_note,
    scope_references,
    tag_text,
    tag_texts,
)
from reader.notes.files import ARTICLE_KEY, EXPORT_KEY, EXPORT_MARK, FILE_KEY
from reader.notes.gather import Entry, LinkMark, Notes
from reader.text.display import shorten
from reader.text.links import heading_block, is_note_ref, note_text

# Characters YAML reads as line breaks (1.1) or will not take unescaped.
_YAML_UNSAFE = re.compile("[\x85\u2028\u2029\ufffe\uffff]")


def front_value(value: object) -> str:
    """A front matter value as JSON, which is also YAML, on one line."""
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _where(article: Article, start: int) -> tuple[int, str]:
    index = article.block_at(start)
    heading = article.section_of(index, min_level=2)  # the h1 is the title
    return index, "" if heading is None else article.blocks[heading].text


def index_entry(title: str, name: str, *, wikilinks: bool = False) -> str:
    """One line of ``index.md``: a link to an article's notes file (named by the file when
    the title is blank, so the link has words to click)."""
    stem = name.removesuffix(".md")
    if wikilinks:
        alias = " ".join(clean(title).replace("|", " ").replace("]", " ").split())
        return f"- [[{stem}|{alias}]]" if alias else f"- [[{stem}]]"
    return f"- [{escape_inline(title) or escape_inline(stem)}](<{name}>)"


def index_lines(*, exported: str) -> list[str]:
    """The start of ``index.md``: its front matter (which marks it as an export) and title."""
    return [
        "---",
        f"title: {front_value('Notes')}",
        f"exported: {front_value(exported)}",
        EXPORT_MARK,
        "---",
        "",
        "# Notes",
        "",
    ]


def to_markdown(
    notes: Notes,
    *,
    exported: str,
    wikilinks: bool = False,
    file_names: dict[str, str] | None = None,
) -> str:
    """The notes of one article as Markdown (deterministic: same input, same bytes).

    ``file_names``, when given, names every file the same export writes: a link to an
    article outside it is written as its title, not as a link to a file that is not there.
    """
    article = notes.article
    meta = article.meta
    tags = tag_texts(
        [*notes.article_note_tags, *(t for e in notes.entries for t in e.highlight.tags)]
    )
    noted = sum(1 for e in notes.entries if e.highlight.note.strip())
    front = {
        "title": clean(article.title),
        "source": clean(meta.source),
        "published": clean(meta.published),
        "exported": exported,
        EXPORT_KEY: "reader",
        # Whose notes these are: a later export keeps this file's name for them.
        ARTICLE_KEY: article.id,
        FILE_KEY: str(meta.path.resolve()),
        "highlights": len(notes.entries),
        # As `reader list` counts: the note on the article as a whole is a note too.
        "notes": noted + bool(notes.article_note.strip()),
        "tags": sorted((text[1:] for text in tags.values()), key=str.casefold),
    }
    out = ["---"]
    for key, value in front.items():
        if value in ("", []) and key in ("source", "published"):
            continue
        out.append(f"{key}: {front_value(value)}")
    out += ["---", "", f"# {escape_inline(article.title)}", ""]
    if notes.article_note.strip():
        out += [safe_note(scope_references(notes.article_note, "note")), ""]
        if notes.article_note_tags:  # never a line that starts with "#" (a heading)
            out += ["tags: " + " ".join(tags[t] for t in notes.article_note_tags), ""]
    links = _Links(notes, wikilinks, file_names)
    links.tags = tags
    placed: list[tuple[int, int, int, Entry | LinkMark]] = [
        (e.start, e.end or 0, 0, e) for e in notes.entries if e.start is not None
    ]
    for entry in notes.entries:  # each link end goes with the highlight it lies in ...
        if entry.start is not None:
            links.claim(entry.start, entry.end or entry.start)
    placed += [  # ... or is an entry of its own (a link made on a plain paragraph)
        (m.start, m.end or 0, 1, m) for m in links.unclaimed() if m.start is not None
    ]
    placed.sort(key=lambda item: item[:3])
    section: str | None = None
    address = open_uri(meta.path, 0).rsplit("&", 1)[0]  # resolved once, not once a highlight
    for start, _end, _kind, item in placed:
        index, heading = _where(article, start)
        if heading != section and heading:
            out += [f"## {escape_inline(heading)}", ""]
        section = heading
        # The paragraph number opens the article there: `reader 'reader:open?...'`.
        out += _item(item, f"[¶ {index + 1}]({address}&paragraph={index + 1})", notes, links)
    orphans: list[Entry | LinkMark] = [e for e in notes.entries if e.start is None]
    orphans += [m for m in notes.marks if m.start is None]
    if orphans:
        out += ["## Could not be placed", ""]
        for item in orphans:
            out += _item(item, "could not be placed", notes, links)
    # The notes that the quotes' footnote marks lead to, as Markdown footnotes.
    out += [f"[^{number}]: {escape_text(text)}" for number, text in links.footnotes]
    return "\n".join(out).rstrip("\n") + "\n"


class _Links:
    """The link ends of an article, each written once: under the highlight it lies in, or
    on its own."""

    footnotes: list[tuple[int, str]]  # the notes of footnote marks quoted, numbered

    def __init__(self, notes: Notes, wikilinks: bool, file_names: dict[str, str] | None) -> None:
        self.footnotes = []
        self.marks = notes.marks
        self.wikilinks = wikilinks
        self.file_names = file_names
        self.tags: dict[str, str] = {}
        self._owner: dict[int, tuple[int, int]] = {}  # mark index -> the highlight's span

    def claim(self, start: int, end: int) -> None:
        """Give the highlight ``[start, end)`` the link ends that lie in it, unclaimed."""
        for number, mark in enumerate(self.marks):
            if number in self._owner or mark.start is None or mark.end is None:
                continue
            if mark.start < max(end, start + 1) and start < max(mark.end, mark.start + 1):
                self._owner[number] = (start, end)

    def unclaimed(self) -> list[LinkMark]:
        """Link ends that lie in no highlight."""
        return [m for n, m in enumerate(self.marks) if n not in self._owner]

    def of(self, start: int, end: int) -> list[LinkMark]:
        """The link ends claimed by the highlight ``[start, end)``."""
        return [m for n, m in enumerate(self.marks) if self._owner.get(n) == (start, end)]

    def line(self, mark: LinkMark) -> str:
        """``→ [Other](<Other.md>) (label): “its words”``."""
        other = mark.other
        arrow = "→" if mark.outgoing else "←"
        label = f" ({escape_inline(mark.link.label)})" if mark.link.label else ""
        title = escape_inline(other.title)
        if self.file_names is None:
            name: str | None = safe_filename(other.title)
        else:
            name = self.file_names.get(other.article_id)
        if name is None:  # not written by this export: the title, not a dead link
            target = title
        elif self.wikilinks:  # the file's name: one line, no HTML, and the file it names
            stem = name.removesuffix(".md")
            target = "[[" + stem.replace("]", "").replace("[", "") + "]]"
        else:
            target = f"[{title}](<{name}>)"
        words = shorten(" ".join(other.anchor.exact[:400].split()), 120)
        return f"{arrow} {target}{label}: “{escape_inline(words)}”"


def block_id(highlight_id: str) -> str:
    """A highlight's Obsidian block id: stable, from its id (letters, digits and dashes)."""
    return "h" + re.sub(r"[^A-Za-z0-9]", "", highlight_id)[:12].lower()


def open_uri(path: Path, paragraph: int) -> str:
    """The address that opens an article at a paragraph: ``reader 'reader:open?...'``."""
    from urllib.parse import quote

    return f"reader:open?file={quote(str(path.resolve()), safe='/')}&paragraph={paragraph}"


# Where a footnote's mark stood in a quote, until the quote is escaped (private-use
# characters: no article's text means anything by them, and escaping leaves them be).
_NOTE_OPEN, _NOTE_CLOSE = "\ue000", "\ue001"
_NOTE_MARK = re.compile(f"{_NOTE_OPEN}([0-9]+){_NOTE_CLOSE}")


def _quote(text: str, tables: Sequence[bool] = ()) -> list[str]:
    """A quote as a Markdown blockquote; ``tables`` says which of its paragraphs (blocks)
    are (part of) a table."""
    out: list[str] = []
    paragraphs = text.split("\n\n")
    kept = [(p, n < len(tables) and tables[n]) for n, p in enumerate(paragraphs) if p.strip()]
    for paragraph, table in kept or [(text, False)]:
        if out:
            out.append(">")
        if table and "\t" in paragraph:  # its cells are separated by tabs
            out += ["> " + _NOTE_MARK.sub(r"[^\1]", row) for row in _table(paragraph)]
            continue
        line = escape_text(" ".join(paragraph.split()))
        out.append("> " + _NOTE_MARK.sub(r"[^\1]", line))
    return [*out, ""]


def _table(text: str) -> list[str]:
    """Rows of a table's text (cells separated by tabs) as a GFM table, the first row its
    header, each cell escaped, a "|" in it too."""
    rows = [[" ".join(cell.split()) for cell in row.split("\t")] for row in text.split("\n")]
    count = max(len(row) for row in rows)

    def line(cells: list[str]) -> str:
        cells = cells + [""] * (count - len(cells))
        return "| " + " | ".join(escape_text(cell).replace("|", "\\|") for cell in cells) + " |"

    return [line(rows[0]), "|" + " --- |" * count, *(line(row) for row in rows[1:])]


def _with_notes(article: Article, start: int, end: int, footnotes: list[tuple[int, str]]) -> str:
    """The text from ``start`` to ``end``, each footnote mark in it (a link to the note in
    the same article) made a reference to a Markdown footnote, which ``footnotes`` gets."""
    text = article.text
    pieces: list[str] = []
    at = start
    for index in range(article.block_at(start), article.block_at(max(start, end - 1)) + 1):
        block = article.blocks[index]
        for span in block.spans:
            begin, finish = block.start + span.start, block.start + span.end
            href = span.href or ""
            if begin < at or finish > end or not href.startswith("#"):
                continue
            label = text[begin:finish]
            target = heading_block(article, href[1:])
            if target is None or not (span.kind is SpanKind.NOTE or is_note_ref(label)):
                continue
            note = note_text(article, target)
            if note.startswith(label.strip()):
                note = note[len(label.strip()) :].strip()  # the note's own mark
            footnotes.append((len(footnotes) + 1, " ".join(note.split())))
            pieces += [text[at:begin], f"{_NOTE_OPEN}{len(footnotes)}{_NOTE_CLOSE}"]
            at = finish
    return "".join(pieces) + text[at:end]


def _item(item: Entry | LinkMark, where: str, notes: Notes, links: _Links) -> list[str]:
    text = notes.article.text
    if isinstance(item, LinkMark):
        quote = item.mine.anchor.exact if item.start is None else text[item.start : item.end]
        return [*_quote(quote), where, "", links.line(item), ""]
    highlight = item.highlight
    quote = highlight.anchor.exact
    tables: list[bool] = []
    if item.start is not None:
        article = notes.article
        end = item.end or item.start
        quote = _with_notes(article, item.start, end, links.footnotes)
        first, last = article.block_at(item.start), article.block_at(max(item.start, end - 1))
        tables = [article.blocks[i].kind is BlockKind.TABLE for i in range(first, last + 1)]
    out = _quote(quote, tables)
    if highlight.was:
        out += [f"was: “{escape_inline(highlight.was)}”", ""]
    if highlight.note.strip():
        out += [safe_note(scope_references(highlight.note, block_id(highlight.id))), ""]
    # Never a line that starts with "#" (Python-Markdown would make it a heading); the
    # block id lets a note elsewhere link to this highlight ([[file#^id]]).
    tags = " ".join(links.tags.get(t) or tag_text(t) for t in highlight.tags)
    moved = ["moved: check"] if item.check and item.start is not None else []
    facts = [highlight.colour.value, where, *moved, *([tags] if tags else [])]
    out += [" · ".join(facts) + f" ^{block_id(highlight.id)}", ""]
    if item.start is not None:
        for mark in links.of(item.start, item.end or item.start):
            out += [links.line(mark), ""]
    return out


def exported_now() -> str:
    """Today's date for the front matter (ISO 8601; SOURCE_DATE_EPOCH fixes it)."""
    import time

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = time.gmtime(int(epoch)) if epoch.isdigit() else time.gmtime()
    return time.strftime("%Y-%m-%d", moment)
