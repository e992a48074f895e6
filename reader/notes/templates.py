"""Export templates: an article's notes shaped by a Jinja2 template, in a sandbox.

``reader export --template NAME|FILE`` renders the notes of each article through a template:
a built-in one (``obsidian`` is the default export itself, ``logseq`` and ``quotes`` are
below) or a file the user wrote. Templates run in Jinja2's immutable sandbox: they see the
values given here and nothing else. No attribute whose name begins with ``_`` (so no
``''.__class__.__mro__``), no method that changes a value, no file (``include``, ``import``
and ``extends`` find nothing), no Python. A mistake is a :class:`TemplateError` that names the
file and the line. Jinja2 is imported here only, when a template is used.

What a template sees (every text as the reader wrote it; the filters ``md``, ``md_text``,
``quote`` and ``tag`` make it literal Markdown, as the default export does, ``note`` keeps a
note's Markdown without letting it break the page around it, and ``yaml`` makes a front-matter
value):

- ``article``: ``title``, ``source``, ``published``, ``file``, ``id``, ``note`` (the note on
  the article as a whole), ``note_tags``, ``exported`` (today's date);
- ``highlights``, in the article's order (those that could not be placed last): each with
  ``quote``, ``note``, ``tags`` (a list), ``colour``, ``paragraph`` (its number, or none when
  it could not be placed), ``section`` (its heading), ``link`` (the address that opens the
  article there), ``block_id`` (Obsidian's ``^id``), ``created``, ``modified``, ``placed``,
  ``check`` (moved where the words around it changed, not yet confirmed), ``id``;
- ``mark``: the front-matter line by which reader knows a file as its own export (keep it
  in a template's front matter: a later ``--force`` export replaces only such files);
- ``links``: each link of the article, with ``outgoing`` (made here, to another passage),
  ``label``, ``title`` (the other article's), ``quote`` (the words at the far end) and
  ``here`` (the words at this end).
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.files import NotAFileError, read_regular
from reader.notes.escaping import clean, escape_inline, escape_text, safe_note, tag_text
from reader.notes.files import EXPORT_MARK
from reader.notes.gather import Notes
from reader.notes.markdown import block_id, front_value, open_uri

if TYPE_CHECKING:
    from jinja2 import Template

TEMPLATE_BYTES = 1024 * 1024
"""The largest template file read: a template is a page of text, never a book."""

DEFAULT = "obsidian"
"""The built-in template that is the default export itself (written without Jinja2)."""

LOGSEQ = """\
---
title: {{ article.title | yaml }}
{% if article.source %}source: {{ article.source | yaml }}
{% endif %}exported: {{ article.exported | yaml }}
{{ mark }}
---

{% if article.note %}- {{ article.note | note | indent(2) }}
{% endif %}{% for h in highlights %}- {{ h.quote | md_text | replace("\\n", " ") }}
{% if h.note %}  - {{ h.note | note | indent(4) }}
{% endif %}{% if h.tags %}  - {% for t in h.tags %}{{ t | tag }} {% endfor %}
{% endif %}{% endfor %}"""

QUOTES = """\
---
title: {{ article.title | yaml }}
{{ mark }}
---

# {{ article.title | md }}
{% for h in highlights %}
{{ h.quote | quote }}
{% if h.note %}
{{ h.note | note }}
{% endif %}{% endfor %}"""

BUILT_IN: Mapping[str, str] = types.MappingProxyType({"logseq": LOGSEQ, "quotes": QUOTES})
"""The built-in templates other than the default, by name."""


class TemplateError(Exception):
    """A template that cannot be read, compiled or rendered: the message names it, and the
    line when there is one."""


@dataclass(frozen=True, slots=True)
class ExportTemplate:
    """A template ready to render notes (``name`` says where it came from, for errors)."""

    name: str
    template: Template

    def render(self, notes: Notes, *, exported: str) -> str:
        """The notes of one article through this template, ending in one line end."""
        try:
            text = self.template.render(context(notes, exported=exported))
        except Exception as error:  # a template can raise anything a filter or test does
            raise TemplateError(
                f"{self.name}:{_line_of(error, self.name)} {_said(error)}"
            ) from None
        return text.rstrip("\n") + "\n"


def load(spec: str) -> ExportTemplate | None:
    """The template a ``--template`` names: a built-in name, or a file. None for the
    default export, which needs no template."""
    if spec == DEFAULT:
        return None
    if spec in BUILT_IN:
        return _compile(BUILT_IN[spec], spec)
    path = Path(spec).expanduser()
    try:
        data = read_regular(path, limit=TEMPLATE_BYTES + 1)
    except FileNotFoundError:
        names = ", ".join([DEFAULT, *BUILT_IN])
        raise TemplateError(
            f"{spec}: no such template file (built-in templates: {names})"
        ) from None
    except (NotAFileError, OSError) as error:
        raise TemplateError(f"{spec}: cannot read the template ({_said(error)})") from None
    if len(data) > TEMPLATE_BYTES:
        raise TemplateError(f"{spec}: a template file is at most 1 MB")
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateError(f"{spec}: a template file must be UTF-8 text") from None
    return _compile(source, str(path))


def _compile(source: str, name: str) -> ExportTemplate:
    from jinja2 import DictLoader, StrictUndefined, TemplateSyntaxError

    environment = _sandbox()(
        autoescape=False,  # Markdown, not HTML: the md filters escape what needs it
        undefined=StrictUndefined,  # a misspelt name is an error, not an empty line
        keep_trailing_newline=True,
        # No other template can be reached: include, import and extends find nothing.
        loader=DictLoader({}),
    )
    environment.filters.update(
        md=escape_inline,
        md_text=_md_text,
        note=safe_note,
        quote=_quote,
        tag=tag_text,
        yaml=front_value,
    )
    try:
        code = environment.compile(source, name=name, filename=name)
    except TemplateSyntaxError as error:
        raise TemplateError(f"{name}:{error.lineno}: {error.message}") from None
    return ExportTemplate(name, environment.template_class.from_code(environment, code, {}))


MAX_MADE = 10_000_000
"""The most characters or items a template's ``*`` may make: more is a template gone wrong
(``'x' * 10 ** 9`` would take a gigabyte)."""
MAX_POWER = 256
"""The largest exponent a template's ``**`` may take: ``9 ** (9 ** 9)`` would keep a core
busy for minutes making a number of 370 million digits."""


def _sandbox() -> type[Any]:
    """Jinja2's immutable sandbox (no private attributes, no changing a value; its ranges are
    already limited), and no string, list or number too big to make."""
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Sandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**":
                big = isinstance(right, int | float) and abs(right) > MAX_POWER
                if big and isinstance(left, int | float) and abs(left) > 1:
                    raise SecurityError(f"too big a number to make ({left} ** {right})")
            else:
                sized, times = (left, right) if isinstance(right, int) else (right, left)
                sequence = isinstance(sized, str | list | tuple) and isinstance(times, int)
                if sequence and len(sized) * times > MAX_MADE:
                    raise SecurityError("too big a string or list to make")
            return super().call_binop(context, operator, left, right)

    return Sandbox


def context(notes: Notes, *, exported: str) -> dict[str, object]:
    """What a template sees of one article's notes (described in the module's docstring)."""
    article = notes.article
    meta = article.meta
    address = open_uri(meta.path, 0).rsplit("&", 1)[0]
    highlights = []
    entries = sorted(notes.entries, key=lambda e: (e.start is None, e.start or 0))
    for entry in entries:
        highlight = entry.highlight
        paragraph: int | None = None
        section = ""
        if entry.start is not None:
            index = article.block_at(entry.start)
            heading = article.section_of(index, min_level=2)  # the h1 is the title
            section = "" if heading is None else article.blocks[heading].text
            paragraph = index + 1
        highlights.append(
            {
                "id": highlight.id,
                "quote": clean(highlight.anchor.exact),
                "note": clean(highlight.note),
                "tags": [clean(tag) for tag in highlight.tags],
                "colour": highlight.colour.value,
                "paragraph": paragraph,
                "section": section,
                "link": f"{address}&paragraph={paragraph}" if paragraph else "",
                "block_id": block_id(highlight.id),
                "created": highlight.created,
                "modified": highlight.modified,
                "placed": entry.start is not None,
                "check": entry.check and entry.start is not None,
            }
        )
    links = [
        {
            "outgoing": mark.outgoing,
            "label": clean(mark.link.label),
            "title": clean(mark.other.title),
            "quote": clean(mark.other.anchor.exact),
            "here": clean(mark.mine.anchor.exact),
        }
        for mark in notes.marks
    ]
    return {
        "article": {
            "title": clean(article.title),
            "source": clean(meta.source),
            "published": clean(meta.published),
            "file": str(meta.path.resolve()),
            "id": article.id,
            "note": clean(notes.article_note),
            "note_tags": [clean(tag) for tag in notes.article_note_tags],
            "exported": exported,
        },
        "highlights": highlights,
        "links": links,
        "mark": EXPORT_MARK,
    }


def _md_text(text: str) -> str:
    """Text escaped so that Markdown shows it literally, its line ends kept."""
    return escape_text(clean(text))


def _quote(text: str) -> str:
    """Text as a Markdown blockquote, each paragraph escaped."""
    paragraphs = [" ".join(p.split()) for p in clean(text).split("\n\n") if p.strip()]
    return "\n>\n".join("> " + escape_text(p) for p in paragraphs) or ">"


def _line_of(error: BaseException, name: str) -> str:
    """``N:`` for the template's line that raised ``error`` (Jinja2 points its traceback's
    frames at the template's own lines), or "" when none did."""
    line = ""
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == name:
            line = f"{trace.tb_lineno}:"
        trace = trace.tb_next
    return line


def _said(error: BaseException) -> str:
    """An error's message on one line."""
    text = " ".join(str(error).split())
    return text or type(error).__name__
