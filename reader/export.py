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

# Escapes that every renderer reads alike: a backslash before what Python-Markdown can
# escape too (\\ ` * _ { } [ ] # + - . !), a character reference for the rest (= : < & $ ~
# % ^), which CommonMark, Python-Markdown, mistune and Obsidian all decode.
_LINE_START = re.compile(r"^(\s*)([-+>#])")
_LINE_START_REF = re.compile(r"^(\s*)([=:])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")  # "1." or "1)": the escape goes before the dot
# What takes a meaning wherever it stands: a backslash, code, emphasis with *, and link
# and footnote brackets.
_ALWAYS = re.compile(r"([\\`*\[\]])")
# An underscore opens or closes emphasis only at the edge of a word (CommonMark's
# intraword rule): the one in "Digital_services_tax" or an address is left alone.
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# A tag, an autolink or a comment: "<" before a letter, "/", "!" or "?" ("a < b" is text).
_ANGLE = re.compile(r"<(?=[A-Za-z/!?])")
# "&amp;" and "&#8212;" are character references; a lone "&" is only an ampersand.
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
# Obsidian: #tag, ==highlight==, %%comment%%, a ^block-id; Python-Markdown's attr_list:
# {: .class} {#id} {.class}.
_TAG = re.compile(r"(?<!\S)#(?=[\w/-])")
_CARET = re.compile(r"\^(?=[\w-])")
_ATTRIBUTES = re.compile(r"\{(?=\s*[:#.])")
_REFERENCES = {"=": "&#61;", ":": "&#58;", "$": "&#36;", "~": "&#126;", "%": "&#37;", "^": "&#94;"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text with control characters made visible, lone surrogates replaced, line ends
    normalised: what is safe to write to a UTF-8 file."""
    text = _SURROGATE.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [visible(line) for line in text.split("\n")]
    return "\n".join(lines)


def escape_text(text: str) -> str:
    """The article's words, escaped so that Markdown shows them literally.

    Only what would otherwise take a meaning is escaped, as mdformat does, so that the raw
    file reads and greps as the article does and an address keeps its underscores.
    """
    return "\n".join(_escape_line(line.strip()) for line in clean(text).split("\n"))


def _escape_line(line: str) -> str:
    line = _ENTITY.sub("&amp;", line)  # first: the references added below stay whole
    line = _ALWAYS.sub(r"\\\1", line)
    line = _UNDERSCORE.sub(r"\\_", line)
    line = _ANGLE.sub("&lt;", line)
    line = _TAG.sub(r"\\#", line)
    line = _ATTRIBUTES.sub(r"\\{", line)
    line = re.sub(r"(==|%%)", lambda m: m.group()[0] + _REFERENCES[m.group()[1]], line)
    line = _CARET.sub(_REFERENCES["^"], line)
    # Pairs only: one "$" or "~" is a price or "about"; two can open and close math or
    # strikethrough (Obsidian, GitHub, MkDocs' arithmatex).
    for mark in ("$", "~"):
        if line.count(mark) >= 2:
            line = line.replace(mark, _REFERENCES[mark])
    line = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
    line = _LINE_START_REF.sub(lambda m: m.group(1) + _REFERENCES[m.group(2)], line)
    return _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def escape_inline(text: str) -> str:
    """A title or label on one line, escaped (also as a heading's text: a run of "#" at
    its end would be taken for the heading's closing sequence)."""
    line = escape_text(" ".join(clean(text).split()))
    return re.sub(r"#+$", lambda m: "\\#" * len(m.group()), line)


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


# A footnote or link reference definition, also in the note's own quotes ("> [^1]: x").
_DEFINITION = re.compile(r"^((?: {0,3}>[ \t]?)*+ {0,3})\[(\^?)([^\]\n]{1,999})\]:")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1")


def scope_references(note: str, scope: str) -> str:
    """``note`` with its footnotes and link reference definitions named for this note alone.

    Both are file-wide in Markdown: two notes that each use ``[^1]`` or define ``[r]:``
    would take each other's. Each label the note defines gets ``-scope`` added, where it
    is defined and where it is used (outside code).
    """
    labels: dict[str, bool] = {}  # normalised label -> is a footnote
    fence = None
    for line in note.split("\n"):
        fence = _fence_state(line, fence)
        if fence is None and (found := _DEFINITION.match(line)):
            labels[_label(found.group(3))] = bool(found.group(2))
    if not labels:
        return note
    out = []
    fence = None
    for line in note.split("\n"):
        was_open = fence is not None
        fence = _fence_state(line, fence)
        if was_open or fence is not None:
            out.append(line)
            continue
        pieces = []
        last = 0
        for code in _CODE_SPAN.finditer(line):
            pieces.append(_rename(line[last : code.start()], labels, scope))
            pieces.append(code.group())
            last = code.end()
        pieces.append(_rename(line[last:], labels, scope))
        out.append("".join(pieces))
    return "\n".join(out)


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def _fence_state(line: str, fence: str | None) -> str | None:
    """The open fence's marker after ``line`` (None: outside a fence)."""
    if fence is None:
        opened = _FENCE.match(line)
        return opened.group(2) if opened else None
    closed = _FENCE_CLOSE.match(line)
    if closed and closed.group(1)[0] == fence[0] and len(closed.group(1)) >= len(fence):
        return None
    return fence


_BRACKETS = re.compile(r"(?<!\\)\[(\^?)([^\[\]\n]{1,999})\](?:\[([^\[\]\n]{0,999})\])?")


def _rename(text: str, labels: dict[str, bool], scope: str) -> str:
    """References to the note's own labels in ``text`` (no code in it), renamed."""

    def is_reference(label: str) -> bool:
        return labels.get(_label(label)) is False

    def named(match: re.Match[str]) -> str:
        caret, label, second = match.groups()
        if caret:  # [^1], and the definition [^1]: alike
            return f"[^{label}-{scope}]" if labels.get(_label(label)) is True else match.group()
        if second == "":  # [label][]
            return f"[{label}][{label}-{scope}]" if is_reference(label) else match.group()
        if second is not None:  # [text][label]
            return f"[{label}][{second}-{scope}]" if is_reference(second) else match.group()
        after = text[match.end() : match.end() + 1]
        if after == "(" or not is_reference(label):  # an inline link, or not the note's
            return match.group()
        if after == ":" and not text[: match.start()].strip(" \t>"):
            return f"[{label}-{scope}]"  # the definition itself
        return f"[{label}][{label}-{scope}]"  # [label]

    return _BRACKETS.sub(named, text)


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
            # "=" has no backslash escape in Python-Markdown; "-", "*" and "_" do.
            rule = line.strip()
            out.append(("&#61;" + rule[1:]) if rule[0] == "=" else "\\" + rule)
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


_TAG_WORDS = {"+": "plus", "#": "sharp", "&": "and", "@": "at", "%": "percent"}


def tag_text(tag: str) -> str:
    """A tag as ``#tag`` that Obsidian and Logseq read as one tag: letters, digits, ``_``,
    ``-`` and ``/`` only (``C++`` is ``#C-plus-plus``), never only digits (``#_1984``)."""
    text = unicodedata.normalize("NFC", clean(tag))
    words = "".join(f"-{_TAG_WORDS[c]}-" if c in _TAG_WORDS else c for c in text)
    cleaned = re.sub(r"-{2,}", "-", re.sub(r"[^\w/-]", "-", words)).strip("-/")
    if cleaned.isdigit():
        cleaned = "_" + cleaned  # "#1984" is not a tag in Obsidian
    return "#" + (cleaned or "tag")


def tag_texts(tags: Iterable[str]) -> dict[str, str]:
    """Each tag's ``#tag``, distinct for distinct tags (a number added when two would
    otherwise read the same)."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    for tag in sorted(set(tags), key=lambda t: (t.casefold(), t)):
        text = base = tag_text(tag)
        number = 2
        while text.casefold() in taken:
            text = f"{base}-{number}"
            number += 1
        taken.add(text.casefold())
        found[tag] = text
    return found


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
    # Separators and what Windows refuses, and what Obsidian cannot link to ([[a#b]] is a
    # heading, ^ a block, | an alias).
    name = re.sub(r'[\\/:*?"<>|#^\[\]]+', " ", name)
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
    from reader.w3c import is_reader_collection

    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return False
    return is_reader_collection(document)


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


def index_entry(title: str, name: str, *, wikilinks: bool = False) -> str:
    """One line of ``index.md``: a link to an article's notes file."""
    if wikilinks:
        alias = " ".join(clean(title).replace("|", " ").replace("]", " ").split())
        return f"- [[{name.removesuffix('.md')}|{alias}]]" if alias else f"- [[{name[:-3]}]]"
    return f"- [{escape_inline(title)}](<{name}>)"


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
    tags = tag_texts(t for e in notes.entries for t in e.highlight.tags)
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
        "tags": sorted((text[1:] for text in tags.values()), key=str.casefold),
    }
    out = ["---"]
    for key, value in front.items():
        if value in ("", []) and key in ("source", "published"):
            continue
        out.append(f"{key}: {_front_value(value)}")
    out += ["---", "", f"# {escape_inline(article.title)}", ""]
    if notes.article_note.strip():
        out += [safe_note(scope_references(notes.article_note, "note")), ""]
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
    for start, _end, _kind, item in placed:
        index, heading = _where(article, start)
        if heading != section and heading:
            out += [f"## {escape_inline(heading)}", ""]
        section = heading
        # The paragraph number opens the article there: `reader 'reader:open?...'`.
        out += _item(item, f"[¶ {index + 1}]({open_uri(meta.path, index + 1)})", notes, links)
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
        return f"{arrow} {target}{label}: “{escape_inline(other.anchor.exact[:120])}”"


def block_id(highlight_id: str) -> str:
    """A highlight's Obsidian block id: stable, from its id (letters, digits and dashes)."""
    return "h" + re.sub(r"[^A-Za-z0-9]", "", highlight_id)[:12].lower()


def open_uri(path: Path, paragraph: int) -> str:
    """The address that opens an article at a paragraph: ``reader 'reader:open?...'``."""
    from urllib.parse import quote

    return f"reader:open?file={quote(str(path.resolve()), safe='/')}&paragraph={paragraph}"


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
        out += [safe_note(scope_references(highlight.note, block_id(highlight.id))), ""]
    # Never a line that starts with "#" (Python-Markdown would make it a heading); the
    # block id lets a note elsewhere link to this highlight ([[file#^id]]).
    tags = " ".join(links.tags.get(t) or tag_text(t) for t in highlight.tags)
    facts = [highlight.colour.value, where, *([tags] if tags else [])]
    out += [" · ".join(facts) + f" ^{block_id(highlight.id)}", ""]
    if item.start is not None:
        for mark in links.of(item.start, item.end or item.start):
            out += [links.line(mark), ""]
    return out


# --- W3C Web Annotation ----------------------------------------------------------------------


def to_annotations(notes: Notes) -> list[dict]:
    """Each highlight, the article note and each link from this article, as W3C annotations
    (see :mod:`reader.w3c`)."""
    from reader import w3c

    return w3c.to_annotations(notes)


def to_collection(all_notes: list[Notes], *, exported: str | None = None, label: str) -> dict:
    """An AnnotationCollection of several articles' annotations (see :mod:`reader.w3c`);
    ``exported``, a date or time, becomes its ``generated`` time."""
    from reader import w3c

    generated = w3c.xsd_datetime(exported) if exported else None
    return w3c.to_collection(all_notes, label=label, generated=generated)


def dumps(document: dict) -> str:
    """JSON as reader writes it: stable, readable, valid UTF-8."""
    from reader import w3c

    return w3c.dumps(document)


def exported_now() -> str:
    """Today's date for the front matter (ISO 8601; SOURCE_DATE_EPOCH fixes it)."""
    import time

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = time.gmtime(int(epoch)) if epoch.isdigit() else time.gmtime()
    return time.strftime("%Y-%m-%d", moment)
