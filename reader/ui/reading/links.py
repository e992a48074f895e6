"""Links in the article: follow them (o, enter), make one (l), see backlinks in the pane,
go back and forward through the jumps (backspace, alt+→), and step between linked
paragraphs (ctrl+n, ctrl+b).

A paragraph's links are its Markdown links, a "Read more" item that names an article of
the library, ``[[wiki links]]`` in the notes on it, and the cross-links the reader made,
whose ends are anchored like highlights and placed again when either text changes.
"""

from __future__ import annotations

import subprocess
import uuid
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from reader.db.storage import StoreError
from reader.model import Anchor, CrossLink, LinkEnd, SpanKind, now
from reader.text.anchoring import describe, locate
from reader.text.display import shorten
from reader.text.documents import DocumentError, load_article
from reader.text.images import ImageError, image_file, system_viewer
from reader.text.links import (
    Place,
    Target,
    is_note_ref,
    match_title,
    note_text,
    read_more_items,
    resolve_href,
    same_file,
    wiki_links,
)
from reader.ui.dialogs.link_choice import LinkChoice
from reader.ui.host import reader_app
from reader.ui.messages import AddSource
from reader.ui.reading.messages import Ends, GoBack, GoForward, GoTo

if TYPE_CHECKING:
    from reader.services.link_index import Candidate
    from reader.ui.reading.host import ReadingHost


class Links:
    """The links of the article on screen: followed, made, listed and stepped through."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o,enter", "follow", "Follow link", id="follow-link"),
        Binding("l", "link", "Link", id="make-link"),
        Binding("backspace,alt+left", "back", "Back (history)", show=False, id="history-back"),
        Binding("alt+right", "forward", "Forward (history)", show=False, id="history-forward"),
        Binding("ctrl+n", "next_linked", "Next linked paragraph", show=False, id="next-linked"),
        Binding(
            "ctrl+b",
            "previous_linked",
            "Previous linked paragraph",
            show=False,
            id="previous-linked",
        ),
    ]

    def __init__(self, screen: ReadingHost) -> None:
        self.screen = screen
        self._links: list[CrossLink] = []
        self._link_places: Ends = {}
        self._link_blocks: dict[int, list[tuple[str, CrossLink]]] = {}
        self._titles: dict[str, str] | None = None
        self._linked_cache: list[int] | None = None

    # --- cross-links, placed in this text ---------------------------------------------------

    def reload(self) -> None:
        """Read this article's cross-links and place their ends here."""
        screen = self.screen
        article = screen.article
        if screen.annotations is None:
            return
        self._links = screen.annotations.links()
        places: Ends = {}
        pending = []
        for link in self._links:
            for side, end in (("source", link.source), ("target", link.target)):
                if end.article_id != article.id:
                    continue
                anchor = end.anchor
                if anchor.fingerprint == article.fingerprint:
                    places[(link.id, side)] = (anchor.start, anchor.end)
                else:
                    pending.append((link.id, side, anchor))
        self._link_places = places
        self._index_links()
        if pending and article.complete:
            # In the screen's worker thread; what it finds comes back to links_placed.
            screen.place_links(article.text, article.fingerprint, pending)

    def links_placed(self, found: Ends) -> None:
        """The ends of links made on an earlier text, found in this one (or None)."""
        self._link_places.update(found)
        self._index_links()

    def _index_links(self) -> None:
        article = self.screen.article
        blocks: dict[int, list[tuple[str, CrossLink]]] = {}
        limit = article.next_start
        for link in self._links:
            for side in ("source", "target"):
                place = self._link_places.get((link.id, side))
                if place is None or place[0] >= limit or not article.blocks:
                    continue
                blocks.setdefault(article.block_at(place[0]), []).append((side, link))
        self._link_blocks = blocks
        self._linked_cache = None
        self.screen.view.set_linked(frozenset(blocks))
        self.show_here()

    def links_on(self, place: tuple[int, int]) -> list[CrossLink]:
        """Cross-links with an end on exactly this passage."""
        return [
            link
            for link in self._links
            if place
            in (
                self._link_places.get((link.id, "source")),
                self._link_places.get((link.id, "target")),
            )
        ]

    def notes_changed(self) -> None:
        """A note may have gained or lost a [[link]]: count the linked paragraphs again."""
        self._linked_cache = None

    def show_here(self) -> None:
        """List the cross-links of the cursor's paragraph in the notes pane."""
        screen = self.screen
        if not screen.article.blocks:
            return
        screen.pane.show_links(self.cross_link_choices(screen.view.cursor))

    def cross_link_choices(self, index: int) -> list[LinkChoice]:
        """The cross-links of block ``index`` (a dictionary lookup, no file read: the pane
        asks on every move)."""
        found = []
        for side, link in self._link_blocks.get(index, []):
            other = link.target if side == "source" else link.source
            kind = "outgoing" if side == "source" else "backlink"
            where = "this article" if other.article_id == self.screen.article.id else other.title
            detail = f"“{shorten(' '.join(other.anchor.exact[:200].split()), 60)}”"
            label = (link.label + " · " if link.label else "") + where
            found.append(LinkChoice(kind, label, detail, (link, other)))
        return found

    # --- following ---------------------------------------------------------------------------

    def _library_titles(self) -> dict[str, str]:
        """Library file path -> title (kept once the library has been read; until then,
        what the store knows)."""
        if self._titles is not None:
            return self._titles
        titles: dict[str, str] = {}
        library = self.screen.library_now() if self.screen.annotations is not None else None
        if library is not None:
            titles = {str(entry.path): entry.title for entry in library.entries}
        if self.screen.library is not None:
            self._titles = titles
        return titles

    def library_read(self) -> None:
        """The library has been read: its titles are what links name from now on."""
        self._titles = None
        self._linked_cache = None

    def _read_more(self) -> set[int]:
        article = self.screen.article
        return set(read_more_items(article)) if article.complete else set()

    def choices(self, index: int) -> list[LinkChoice]:
        """Every link that can be followed from block ``index``."""
        screen = self.screen
        article = screen.article
        if not article.blocks:
            return []
        block = article.blocks[index]
        found: list[LinkChoice] = []
        folder = reader_app(screen).library_folder
        for span in block.spans:
            if span.kind is SpanKind.IMAGE and span.href:
                label = block.text[span.start : span.end]
                found.append(LinkChoice("image", label, span.href, span.href))
            elif span.href:
                target = resolve_href(span.href, article, folder)
                label = block.text[span.start : span.end] or span.href
                note = target.kind == "heading" and (
                    span.kind is SpanKind.NOTE or is_note_ref(label)
                )
                found.append(LinkChoice("note" if note else "markdown", label, span.href, target))
        if index in self._read_more():
            key = match_title(block.text, self._library_titles())
            if key is not None:
                title = self._library_titles()[key]
                found.append(LinkChoice("read-more", title, "in your library", Path(key)))
            else:
                found.append(LinkChoice("unresolved", block.text, "not in your library"))
        found.extend(self.cross_link_choices(index))
        if screen.annotations is not None:
            titles = None
            for placed in screen.annotations.in_range(block.start, block.end):
                for wiki in wiki_links(placed.highlight.note):
                    titles = titles if titles is not None else self._library_titles()
                    key = match_title(wiki.title, titles)
                    if key is None:
                        found.append(LinkChoice("unresolved", wiki.text, "not in your library"))
                    else:
                        found.append(LinkChoice("wiki", wiki.text, "from a note", (key, wiki)))
        return found

    def follow_here(self) -> None:
        """Follow the link here, or choose among several."""
        screen = self.screen
        if not screen.article.blocks:
            return
        found = self.choices(screen.view.cursor)
        followable = [choice for choice in found if choice.followable]
        if not followable:
            message = (
                "That link does not lead to anything in your library: it names no address "
                "to add. (+ in the library adds an article by its address.)"
                if found
                else "No links here. Press l to link this passage to another."
            )
            screen.notify(message)
            return
        if len(found) == 1:
            self.follow(found[0])
            return
        from reader.ui.dialogs.link_picker import LinkList

        def chosen(number: int | None) -> None:
            if number is not None:
                self.follow(found[number])

        screen.app.push_screen(LinkList(found), chosen)

    def follow(self, choice: LinkChoice) -> None:
        """Go where a link leads (asking first before leaving reader)."""
        screen = self.screen
        go = screen.app.post_message
        if choice.kind == "markdown":
            target = choice.payload
            assert isinstance(target, Target)
            if target.kind == "article" and target.path is not None:
                go(GoTo(target.path, Place(fragment=target.fragment)))
            elif target.kind == "missing":
                screen.notify(
                    f"The linked file is not there: {target.path}",
                    severity="warning",
                )
            elif target.kind == "heading":
                if target.block is None:
                    screen.notify(f"No heading “{target.fragment}” in this article.")
                else:
                    go(GoTo(screen.article.meta.path, Place(block=target.block)))
            else:
                self._leave_reader(target.url, openable=target.kind == "external")
        elif choice.kind == "note":
            target = choice.payload
            assert isinstance(target, Target)
            if target.block is None:
                screen.notify(f"No note “{target.fragment}” in this article.")
            else:
                self._show_note(choice.label, target.block)
        elif choice.kind == "image":
            assert isinstance(choice.payload, str)
            self._open_image(choice.payload)
        elif choice.kind == "read-more":
            assert isinstance(choice.payload, Path)
            go(GoTo(choice.payload))
        elif choice.kind in ("outgoing", "backlink"):
            _link, other = choice.payload  # type: ignore[misc]
            go(GoTo(Path(other.path), Place(anchor=other.anchor)))
        elif choice.kind == "wiki":
            key, wiki = choice.payload  # type: ignore[misc]
            go(GoTo(Path(key), Place(quote=wiki.quote) if wiki.quote else None))

    def _open_image(self, src: str) -> None:
        """Open an image with the system's viewer: a web address as any other (asked
        first), a file beside the article, or a picture inside the book it was added from."""
        screen = self.screen
        kind = resolve_href(src, screen.article, None).kind
        if kind in ("external", "unsupported"):
            self._leave_reader(src, openable=kind == "external")
            return
        try:
            path = image_file(screen.article, src)
        except ImageError as error:
            screen.notify(str(error), severity="warning")
            return
        viewer = system_viewer()
        if viewer is None:
            screen.notify(f"No image viewer here (xdg-open or open): the image is {path}")
            return
        try:
            # A viewer found on PATH, given a file path: no shell, nothing of the text run.
            subprocess.Popen(
                [viewer, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            screen.notify(f"Could not open the image: {error}", severity="warning")
            return
        screen.notify(f"Opened {path.name} in the image viewer.")

    def _show_note(self, mark: str, block: int) -> None:
        """Show the note a footnote mark leads to; enter there goes to it."""
        from reader.ui.dialogs.footnote import FootnoteScreen

        screen = self.screen
        path = screen.article.meta.path

        def answered(go: bool | None) -> None:
            if go:
                screen.app.post_message(GoTo(path, Place(block=block)))

        text = note_text(screen.article, block)
        view = screen.view
        # Just below the paragraph that cites it (above it, near the screen's foot).
        cited = view.column.top_of(view.cursor) - int(view.scroll_offset.y)
        below = view.column.top_of(view.cursor + 1) - int(view.scroll_offset.y)
        rows = (view.region.y + max(0, cited), view.region.y + min(below, view.size.height))
        screen.app.push_screen(FootnoteScreen(mark.strip(), text, rows), answered)

    def _leave_reader(self, url: str, *, openable: bool) -> None:
        from reader.ui.dialogs.link_picker import UrlScreen

        app = self.screen.app

        def answered(answer: str | None) -> None:
            if answer == "open" and openable:
                app.open_url(url)
                self.screen.notify("Opened in your browser.")
            elif answer == "copy":
                app.copy_to_clipboard(url)
                self.screen.notify("Link copied to the clipboard.")
            elif answer == "add" and openable:
                app.post_message(AddSource(url, open_after=True))

        app.push_screen(UrlScreen(url, openable), answered)

    # --- stepping between linked paragraphs, and the history --------------------------------

    def _linked_blocks(self) -> list[int]:
        if self._linked_cache is None:
            screen = self.screen
            article = screen.article
            blocks = set(self._link_blocks)
            blocks.update(
                i for i, b in enumerate(article.blocks) if any(span.href for span in b.spans)
            )
            titles = None
            for index in self._read_more():
                titles = titles if titles is not None else self._library_titles()
                if match_title(article.blocks[index].text, titles) is not None:
                    blocks.add(index)
            if screen.annotations is not None:
                for placed in screen.annotations.placed():
                    if placed.start is not None and wiki_links(placed.highlight.note):
                        blocks.add(article.block_at(placed.start))
            self._linked_cache = sorted(blocks)
        return self._linked_cache

    def next_linked(self) -> None:
        """The next paragraph that carries a link."""
        blocks = self._linked_blocks()
        view = self.screen.view
        index = bisect_right(blocks, view.cursor)
        if index < len(blocks):
            view.move_to(blocks[index])
        else:
            self.screen.notify("No more links that way.")

    def previous_linked(self) -> None:
        """The previous paragraph that carries a link."""
        blocks = self._linked_blocks()
        view = self.screen.view
        index = bisect_left(blocks, view.cursor) - 1
        if index >= 0:
            view.move_to(blocks[index])
        else:
            self.screen.notify("No more links that way.")

    def back(self) -> None:
        """Back to where the last jump started."""
        self.screen.app.post_message(GoBack())

    def forward(self) -> None:
        """Forward again."""
        self.screen.app.post_message(GoForward())

    # --- making a link -----------------------------------------------------------------------

    def _link_source(self) -> tuple[int, int] | None:
        """The passage a new link starts from: the selection, the highlight, or the paragraph."""
        screen = self.screen
        view = screen.view
        if not screen.article.blocks:
            return None
        span = view.selection
        if span is not None and span[1] > span[0]:
            return span
        current = screen.current_highlight()
        if current is not None and screen.annotations is not None:
            place = screen.annotations.place_of(current)
            if place is not None:
                return place
        block = screen.article.blocks[view.cursor]
        return (block.start, block.end)

    def link(self) -> None:
        """Link this passage to another, anywhere in the library."""
        screen = self.screen
        source = self._link_source()
        folder = reader_app(screen).library_folder
        if source is None or folder is None or screen.annotations is None:
            screen.notify("There is nothing here to link from.")
            return
        from reader.ui.dialogs.link_picker import LinkPicker, TextPrompt

        quote = screen.article.text[source[0] : source[1]]

        def labelled(candidate: Candidate, label: str | None) -> None:
            if label is None:
                return
            self._make_link(source, candidate, label)

        def chosen(candidate: Candidate | None) -> None:
            if candidate is None:
                return
            screen.view.clear_selection()
            screen.app.push_screen(
                TextPrompt(
                    "Label for this link (optional)", candidate.text, "e.g. answers, see also"
                ),
                lambda label: labelled(candidate, label),
            )

        screen.app.push_screen(LinkPicker(reader_app(screen).link_candidates, quote), chosen)

    def _make_link(self, source: tuple[int, int], candidate: Candidate, label: str) -> None:
        screen = self.screen
        assert screen.annotations is not None
        article = screen.article
        start, end = source
        here = LinkEnd(
            article.id,
            str(article.meta.path),
            article.title,
            describe(
                article.text,
                start,
                end,
                block=article.block_at(start),
                fingerprint=article.fingerprint,
            ),
        )
        if candidate.anchor is not None:
            target_anchor = candidate.anchor
        else:
            other = article if same_file(candidate.path, article.meta.path) else None
            try:
                other = other or load_article(candidate.path)
            except DocumentError as error:
                screen.notify(str(error), severity="error")
                return
            if not other.blocks:
                screen.notify(f"“{candidate.title}” is empty: nothing to link to.")
                return
            block = other.blocks[min(candidate.block, len(other.blocks) - 1)]
            target_anchor = describe(
                other.text,
                block.start,
                block.end,
                block=candidate.block,
                fingerprint=other.fingerprint,
            )
        there = LinkEnd(candidate.article_id, str(candidate.path), candidate.title, target_anchor)
        link = CrossLink(str(uuid.uuid4()), here, there, label, now())
        try:
            screen.annotations.add_link(link)
        except StoreError as error:
            screen.store_failed(error)
            return
        self.reload()
        screen.notify(f"Linked to “{candidate.title}”. o follows it.")


def find_link_ends(text: str, fingerprint: str, pending: list[tuple[str, str, Anchor]]) -> Ends:
    """Where the ends of links made on an earlier text are in ``text`` (slow: for a worker
    thread)."""
    found: Ends = {}
    for link_id, side, anchor in pending:
        placement = locate(text, anchor, fingerprint=fingerprint)
        found[(link_id, side)] = None if placement is None else (placement.start, placement.end)
    return found
