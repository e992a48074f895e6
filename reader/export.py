"""Export an article's notes: Markdown for people, W3C Web Annotation JSON for tools.

Pure functions over model objects (no Textual, no TinyDB), plus :func:`write_file`, which
writes atomically and never follows a symlink or overwrites without being told to.

Safety rules, after mdformat's: the article's words (quotes, titles, tags) are escaped so
that they render literally; notes are the reader's own Markdown and keep their emphasis,
lists, links and code, but a heading in a note becomes bold, raw HTML is escaped, an
unclosed code fence is closed, and a rule or setext underline is escaped, so that nothing
in a note can end its entry, start front matter or split the file. Control characters
never reach the file.
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reader.anchoring import locate
from reader.layout import visible
from reader.model import Anchor, Article, CrossLink, Highlight, LinkEnd

# --- what is exported ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """A highlight and where it is in the current text (start None: could not be placed)."""

    highlight: Highlight
    start: int | None
    end: int | None


@dataclass(frozen=True, slots=True)
class LinkMark:
    """One end of a cross-link in this article, and where it is in the current text (start
    None: could not be placed)."""

    link: CrossLink
    outgoing: bool  # this end is the link's source
    start: int | None
    end: int | None

    @property
    def mine(self) -> LinkEnd:
        """The end in this article."""
        return self.link.source if self.outgoing else self.link.target

    @property
    def other(self) -> LinkEnd:
        """The far end."""
        return self.link.target if self.outgoing else self.link.source


@dataclass(slots=True)
class Notes:
    """Everything exported for one article."""

    article: Article
    entries: list[Entry]
    article_note: str = ""
    links: list[CrossLink] = field(default_factory=list)
    marks: list[LinkMark] = field(default_factory=list)
    article_note_modified: str = ""


def gather(
    article: Article,
    highlights: Iterable[Highlight],
    article_note: str = "",
    links: Iterable[CrossLink] = (),
    article_note_modified: str = "",
) -> Notes:
    """Place each highlight and link end in the article's current text (as the app does)
    and order them."""
    entries = []
    for highlight in highlights:
        start, end = _place(article, highlight.anchor)
        entries.append(Entry(highlight, start, end))
    entries.sort(
        key=lambda e: (
            e.start is None,
            e.start or 0,
            e.end or 0,
            e.highlight.created,
            e.highlight.id,
        )
    )
    links = list(links)
    marks = []
    for link in links:
        for outgoing, end in ((True, link.source), (False, link.target)):
            if end.article_id == article.id:
                marks.append(LinkMark(link, outgoing, *_place(article, end.anchor)))
    marks.sort(key=lambda m: (m.start is None, m.start or 0, m.end or 0, m.link.id, m.outgoing))
    return Notes(article, entries, article_note, links, marks, article_note_modified)


def _place(article: Article, anchor: Anchor) -> tuple[int | None, int | None]:
    # locate() itself takes the recorded position when the text is unchanged.
    placement = locate(article.text, anchor, fingerprint=article.fingerprint)
    return (None, None) if placement is None else (placement.start, placement.end)


# --- escaping --------------------------------------------------------------------------------

_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>#|~!&$^{}])")
_LINE_START = re.compile(r"^(\s*)([-+=>:])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")  # "1." or "1)": the backslash goes before the dot


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text with control characters made visible, lone surrogates replaced, line ends
    normalised: what is safe to write to a UTF-8 file."""
    text = _SURROGATE.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [visible(line) for line in text.split("\n")]
    return "\n".join(lines)


def escape_text(text: str) -> str:
    """The article's words, escaped so Markdown shows them literally."""
    out = []
    for line in clean(text).split("\n"):
        line = _INLINE_SPECIALS.sub(r"\\\1", line.strip())
        line = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        line = _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        out.append(line)
    return "\n".join(out)


def escape_inline(text: str) -> str:
    """A title or label on one line, escaped."""
    return escape_text(" ".join(clean(text).split()))


# A heading, also inside the note's own quotes and list items ("> # x", "- # x"). The
# prefix is possessive and the closing #s are stripped in Python: no backtracking, so a
# line of 10,000 "> " or " #" takes no longer than any other.
_HEADING = re.compile(
    r"^((?: {0,3}(?:>[ \t]?|[-+*][ \t]+|\d{1,9}[.)][ \t]+))*+)"
    r" {0,3}#{1,6}(?:[ \t]+(.*))?$"
)
# A backtick fence's info string has no backtick; a closing fence has no info string.
_FENCE = re.compile(r"^( {0,3})(`{3,}(?=[^`]*$)|~{3,})")
_FENCE_CLOSE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
# A thematic break, or a setext underline (one "=" or "-" is enough for that).
_RULE = re.compile(r"^ {0,3}([-=*_])(?:[ \t]*\1)*[ \t]*$")


def safe_note(note: str) -> str:
    """The reader's Markdown, kept, but unable to break the document around it.

    The rewrite below handles what people write; a note it cannot make safe (a fence or
    heading deep in its own lists, say) is checked by parsing and then written literally.
    """
    lines = clean(note).strip("\n").split("\n")
    out: list[str] = []
    fence: tuple[str, str] | None = None  # (indent, marker) of the open fence
    for line in lines:
        if fence is not None:
            out.append(line)
            close = _FENCE_CLOSE.match(line)
            if close and close.group(1)[0] == fence[1][0] and len(close.group(1)) >= len(fence[1]):
                fence = None
            continue
        fence_match = _FENCE.match(line)
        if fence_match:
            fence = (fence_match.group(1), fence_match.group(2))
            out.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            title = (heading.group(2) or "").rstrip(" \t#").strip()
            out.append(heading.group(1) + (f"**{_escape_html(title)}**" if title else ""))
            continue
        if _RULE.match(line):
            out.append("\\" + line.strip())
            continue
        out.append(_escape_html(line))
    if fence is not None:
        out.append(fence[0] + fence[1])  # close what the note left open
    text = "\n".join(out).strip("\n")
    return text if _contained(text) else escape_text(note).strip("\n")


def _contained(text: str) -> bool:
    """Whether Markdown ``text`` has no heading, rule or HTML block, and ends every block
    it opens: a paragraph after it is a paragraph of the document, not part of the note."""
    tokens = _commonmark().parse(text + "\n\nend")
    if any(t.type in ("heading_open", "hr", "html_block") for t in tokens):
        return False
    return [(t.type, t.level, t.content) for t in tokens[-3:]] == [
        ("paragraph_open", 0, ""),
        ("inline", 1, "end"),
        ("paragraph_close", 0, ""),
    ]


@functools.cache
def _commonmark():  # -> MarkdownIt, imported on first use
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def _escape_html(line: str) -> str:
    # Raw HTML (and autolinks' angle brackets) is shown, not run; code spans keep it.
    return line.replace("<", "&lt;")


def tag_text(tag: str) -> str:
    """A tag as ``#tag`` that Obsidian and Logseq read as one tag."""
    cleaned = re.sub(r"[^\w/-]", "-", unicodedata.normalize("NFC", clean(tag)))
    return "#" + (cleaned.strip("-") or "tag")


# --- file names --------------------------------------------------------------------------------

_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(1, 10)),
    *(f"lpt{n}" for n in range(1, 10)),
}


NAME_BYTES = 200
"""Longest file name written, in UTF-8 bytes: file systems take 255, and the writer's
temporary file (``.NAME.PID.tmp``) needs room beside it."""


def safe_filename(title: str, suffix: str = ".md", limit: int = 80) -> str:
    """A file name from a title: no separators, no ``..``, no reserved or over-long names."""
    name = unicodedata.normalize("NFC", title)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r'[\\/:*?"<>|]+', " ", name)
    name = " ".join(name.split()).strip(" .")
    name = name[:limit]
    while len(name.encode("utf-8")) > NAME_BYTES - len(suffix.encode("utf-8")):
        name = name[:-1]  # 80 characters of a wide script can be 320 bytes
    name = name.rstrip(" .")
    if not name or name.split(".")[0].casefold() in _RESERVED:
        name = f"article {name}".strip()
    return name + suffix


class ExportError(Exception):
    """The export could not be written; the message is for the user."""


EXPORT_KEY = "exported_by"
"""The front-matter key every Markdown file of reader's export carries: how reader knows,
before replacing a file, that it wrote it (and is not about to replace an article)."""
EXPORT_MARK = f"{EXPORT_KEY}: {json.dumps('reader')}"
GENERATOR = {"type": "Software", "name": "reader"}
"""The W3C ``generator`` of reader's JSON exports, which marks them as reader's too."""
INDEX = "index.md"


def is_export(path: Path) -> bool:
    """Whether ``path`` is a file that reader's export wrote (Markdown, index or JSON).

    Files exported before the front-matter mark existed are recognised by their shape: the
    front matter of an article's notes, or an index that is nothing but links.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return False
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        return _is_json_export(path)
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[0].strip() == "---":
        front = []
        for line in lines[1:]:
            if line.strip() in ("---", "..."):
                break
            front.append(line.strip())
        else:
            return False  # never closed: not front matter at all
        keys = {line.split(":", 1)[0].strip() for line in front}
        # Exports written before the mark are known by their front matter's keys.
        return EXPORT_MARK in front or {"title", "exported", "highlights", "notes", "tags"} <= keys
    rest = [line for line in lines[1:] if line.strip()]
    return (
        lines[0] == "# Notes"
        and len(head) < 64 * 1024
        and all(_LEGACY_INDEX_LINE.match(line) for line in rest)
    )


_LEGACY_INDEX_LINE = re.compile(r"^- \[.*\]\(<[^<>]*>\)$")


def _is_json_export(path: Path) -> bool:
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(document, dict) and (
        document.get("generator") == GENERATOR or document.get("id") == "urn:reader:export"
    )


def _foreign(path: Path) -> bool:
    """Whether ``path`` is taken by something reader's export did not write."""
    return (path.exists() or path.is_symlink()) and (path.is_symlink() or not is_export(path))


def file_names(articles: Iterable[tuple[str, str]], folder: Path | None = None) -> dict[str, str]:
    """A distinct file name for each ``(id, title)``, by id, none of them ``index.md``.

    Two articles may share a title: the later one gets the start of its id added, so one
    export never writes over another (names are compared as a case-blind file system
    would). With ``folder``, a name taken there by a file that is not an export (the
    article itself, clipped into the same vault) gets " (notes)" added instead.
    """
    names: dict[str, str] = {}
    taken = {INDEX, index_name(folder).casefold()} if folder is not None else {INDEX}
    for ident, title in articles:
        name = _free_name(title, ident, taken, folder)
        taken.add(name.casefold())
        names[ident] = name
    return names


def _free_name(title: str, ident: str, taken: set[str], folder: Path | None) -> str:
    number = 0
    while True:
        extra = "" if number == 0 else f" {ident[:8]}" + (f"-{number}" if number > 1 else "")
        for suffix in (f"{extra}.md", f"{extra} (notes).md"):
            name = safe_filename(title, suffix=suffix)
            if name.casefold() in taken:
                break
            if folder is None or not _foreign(folder / name):
                return name
        number += 1


def index_name(folder: Path) -> str:
    """The index's file name in ``folder``: ``index.md``, unless a file reader did not
    write has that name."""
    name, number = INDEX, 1
    while _foreign(folder / name):
        name = f"index (notes{f' {number}' if number > 1 else ''}).md"
        number += 1
    return name


def write_file(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` atomically.

    Never over a symbolic link, or over a file that reader's export did not write, whatever
    ``force`` says; an earlier export is replaced only with ``force``.
    """
    from reader.storage import StoreError, atomic_write

    if path.is_symlink():
        raise ExportError(f"{path} is a symbolic link; not following it")
    if path.exists():
        if not is_export(path):
            raise ExportError(
                f"{path} exists and is not an export of reader's; it was left as it is "
                "(choose another file name)"
            )
        if not force:
            raise ExportError(f"{path} is an earlier export; use --force to replace it")
    try:
        atomic_write(path, text.encode("utf-8", "surrogatepass"))
    except StoreError as error:
        raise ExportError(str(error)) from None


# --- Markdown ------------------------------------------------------------------------------


# Characters YAML reads as line breaks (1.1) or will not take unescaped.
_YAML_UNSAFE = re.compile("[\x85\u2028\u2029\ufffe\uffff]")


def _front_value(value: object) -> str:
    """A front matter value as JSON, which is also YAML, on one line."""
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _where(article: Article, start: int) -> tuple[int, str]:
    index = article.block_at(start)
    heading = article.heading_before(index, min_level=2)  # the h1 is the title
    return index, "" if heading is None else article.blocks[heading].text


def index_lines(*, exported: str) -> list[str]:
    """The start of ``index.md``: its front matter (which marks it as an export) and title."""
    return [
        "---",
        f"title: {_front_value('Notes')}",
        f"exported: {_front_value(exported)}",
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
    tags = sorted({t for e in notes.entries for t in e.highlight.tags}, key=str.casefold)
    noted = sum(1 for e in notes.entries if e.highlight.note.strip())
    front = {
        "title": clean(article.title),
        "source": clean(meta.source),
        "published": clean(meta.published),
        "exported": exported,
        EXPORT_KEY: "reader",
        "highlights": len(notes.entries),
        # As `reader list` counts: the note on the article as a whole is a note too.
        "notes": noted + bool(notes.article_note.strip()),
        "tags": [tag_text(t)[1:] for t in tags],
    }
    out = ["---"]
    for key, value in front.items():
        if value in ("", []) and key in ("source", "published"):
            continue
        out.append(f"{key}: {_front_value(value)}")
    out += ["---", "", f"# {escape_inline(article.title)}", ""]
    if notes.article_note.strip():
        out += [safe_note(notes.article_note), ""]
    links = _Links(notes, wikilinks, file_names)
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
    for start, _end, _kind, item in placed:
        index, heading = _where(article, start)
        if heading != section and heading:
            out += [f"## {escape_inline(heading)}", ""]
        section = heading
        out += _item(item, f"¶ {index + 1}", notes, links)
    orphans: list[Entry | LinkMark] = [e for e in notes.entries if e.start is None]
    orphans += [m for m in notes.marks if m.start is None]
    if orphans:
        out += ["## Could not be placed", ""]
        for item in orphans:
            out += _item(item, "could not be placed", notes, links)
    return "\n".join(out).rstrip("\n") + "\n"


class _Links:
    """The link ends of an article, each written once: under the highlight it lies in, or
    on its own."""

    def __init__(self, notes: Notes, wikilinks: bool, file_names: dict[str, str] | None) -> None:
        self.marks = notes.marks
        self.wikilinks = wikilinks
        self.file_names = file_names
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
        return f"{arrow} {target}{label}: “{escape_inline(other.anchor.exact[:120])}”"


def _quote(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in [p for p in text.split("\n\n") if p.strip()] or [text]:
        if out:
            out.append(">")
        out.append("> " + escape_text(" ".join(paragraph.split())))
    return [*out, ""]


def _item(item: Entry | LinkMark, where: str, notes: Notes, links: _Links) -> list[str]:
    text = notes.article.text
    if isinstance(item, LinkMark):
        quote = item.mine.anchor.exact if item.start is None else text[item.start : item.end]
        return [*_quote(quote), where, "", links.line(item), ""]
    highlight = item.highlight
    quote = highlight.anchor.exact if item.start is None else text[item.start : item.end]
    out = _quote(quote)
    if highlight.was:
        out += [f"was: “{escape_inline(highlight.was)}”", ""]
    if highlight.note.strip():
        out += [safe_note(highlight.note), ""]
    facts = [*(tag_text(t) for t in highlight.tags), highlight.colour.value, where]
    out += [" · ".join(facts), ""]
    if item.start is not None:
        for mark in links.of(item.start, item.end or item.start):
            out += [links.line(mark), ""]
    return out


# --- W3C Web Annotation ----------------------------------------------------------------------

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def source_uri(article: Article) -> str:
    """The article's address: its file as a file:// URI."""
    return article.meta.path.resolve().as_uri()


def to_annotations(notes: Notes) -> list[dict]:
    """Each highlight (and each link from this article) as a W3C Web Annotation."""
    article = notes.article
    source = source_uri(article)
    items = []
    for entry in notes.entries:
        highlight = entry.highlight
        anchor = highlight.anchor
        bodies: list[dict] = []
        if highlight.note:  # kept byte for byte, even a blank one, so import gives it back
            bodies.append(
                {
                    "type": "TextualBody",
                    "value": highlight.note,
                    "format": "text/markdown",
                    "purpose": "commenting",
                }
            )
        bodies += [
            {"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in highlight.tags
        ]
        start = entry.start if entry.start is not None else anchor.start
        end = entry.end if entry.end is not None else anchor.end
        item = {
            "id": f"urn:uuid:{highlight.id}",
            "type": "Annotation",
            "motivation": "commenting" if highlight.note.strip() else "highlighting",
            "created": highlight.created or None,
            "modified": highlight.modified or None,
            "target": {
                "type": "SpecificResource",
                "source": source,
                "selector": _selectors(anchor, start, end),
            },
            "reader:colour": highlight.colour.value,
        }
        if highlight.was:  # the words first highlighted, before the text changed
            original = highlight.original
            assert original is not None
            item["reader:original"] = _selectors(original, original.start, original.end)
        if bodies:
            item["body"] = bodies
        items.append({k: v for k, v in item.items() if v is not None})
    if notes.article_note.strip():
        # The note on the article as a whole: a comment whose target is the article itself,
        # with no selector (as Hypothesis writes a page note).
        items.append(
            {
                "id": f"urn:reader:article-note:{article.id}",
                "type": "Annotation",
                "motivation": "commenting",
                **(
                    {"modified": notes.article_note_modified} if notes.article_note_modified else {}
                ),
                "body": [
                    {
                        "type": "TextualBody",
                        "value": notes.article_note,
                        "format": "text/markdown",
                        "purpose": "commenting",
                    }
                ],
                "target": source,
            }
        )
        items[-1] = {k: v for k, v in items[-1].items() if v is not None}
    for link in notes.links:
        if link.source.article_id != article.id:
            continue
        items.append(
            {
                "id": f"urn:uuid:{link.id}",
                "type": "Annotation",
                "motivation": "linking",
                "created": link.created or None,
                "body": _link_end_target(link.target),
                "target": _link_end_target(link.source),
                "reader:label": link.label or None,
            }
        )
        items[-1] = {k: v for k, v in items[-1].items() if v is not None}
    return items


def _link_end_target(end) -> dict:
    anchor = end.anchor
    source = (
        Path(end.path).resolve().as_uri() if end.path else f"urn:reader:article:{end.article_id}"
    )
    return {
        "type": "SpecificResource",
        "source": source,
        "selector": _selectors(anchor, anchor.start, anchor.end),
    }


def _selectors(anchor, start: int, end: int) -> list[dict]:
    """A TextQuoteSelector and a TextPositionSelector for a passage."""
    return [
        {
            "type": "TextQuoteSelector",
            "exact": anchor.exact,
            "prefix": anchor.prefix,
            "suffix": anchor.suffix,
        },
        {"type": "TextPositionSelector", "start": max(0, start), "end": max(0, end)},
    ]


def to_collection(all_notes: list[Notes], *, exported: str, label: str) -> dict:
    """An AnnotationCollection of several articles' annotations, in one page."""
    items = [item for notes in all_notes for item in to_annotations(notes)]
    return {
        "@context": CONTEXT,
        "id": "urn:reader:export",
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "generated": exported,
        "generator": GENERATOR,
        "first": {
            "id": "urn:reader:export:page1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def dumps(document: dict) -> str:
    """JSON as reader writes it: stable, readable, valid UTF-8.

    A lone surrogate (possible in a note) cannot be written as UTF-8; then the whole file is
    written with ASCII escapes, which keep it exactly.
    """
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if _SURROGATE.search(text):
        text = json.dumps(document, ensure_ascii=True, indent=2)
    return text + "\n"


def exported_now() -> str:
    """Today's date for the front matter (ISO 8601; SOURCE_DATE_EPOCH fixes it)."""
    import time

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = time.gmtime(int(epoch)) if epoch.isdigit() else time.gmtime()
    return time.strftime("%Y-%m-%d", moment)
