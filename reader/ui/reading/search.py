"""Search in the article: the search bar (/), its matches, and n / N between them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from reader.text.search import find_all, next_match, previous_match
from reader.ui.host import reader_app
from reader.ui.keynames import normalize

if TYPE_CHECKING:
    from textual.events import Key
    from textual.widget import AwaitMount

    from reader.ui.reading.host import ReadingHost


class Search:
    """Finds the query in the article, shows the matches and steps between them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="search"),
        Binding("n", "next_match", "Next match", show=False, id="next-match"),
        Binding("N", "previous_match", "Previous match", show=False, id="previous-match"),
    ]

    def __init__(self, screen: ReadingHost) -> None:
        self.screen = screen
        self.query = ""
        self.matches: list[int] = []

    def prepare(self) -> AwaitMount | None:
        """Mount the search field, hidden (after the first paint: the Input widget is not
        needed to paint the article). Once it is there, / opens it at once."""
        from reader.ui.widgets.search_bar import SearchBar

        if self.screen.query(SearchBar):
            return None
        bar = SearchBar(
            placeholder="Search this article (enter to find, escape to cancel)",
            select_on_focus=False,
            id="search",
        )
        return self.screen.mount(bar)

    async def open(self) -> None:
        """Open the search field."""
        mounting = self.prepare()
        if mounting is not None:
            await mounting
        self.open_now()

    def open_now(self) -> None:
        """Open the search field, mounted already."""
        from reader.ui.widgets.search_bar import SearchBar

        screen = self.screen
        bar = screen.query_one("#search", SearchBar)
        bar.add_class("-active")
        bar.display = True
        bar.value = self.query
        bar.select_all()  # typing replaces the last query; enter searches it again
        screen.set_focus(bar)

    def key(self, event: Key) -> bool:
        """Whether a key that reached the screen is the field's: the keys typed right after
        / were sent to the article before the field had them (they reach the screen one
        after the other, but the app's bindings only once the screen has seen them all).
        Then / opens the field at once, and the letters after it land in the field."""
        from reader.ui.widgets.search_bar import SearchBar

        screen = self.screen
        bar = next(iter(screen.query(SearchBar)), None)
        if bar is None:
            return False  # not mounted yet: / opens it the slower way, through its binding
        if screen.focused is bar:
            if event.is_printable and event.character:
                bar.insert_text_at_cursor(event.character)
                return True
            return False  # enter, escape, backspace: the field's bindings have them
        if event.key not in self._keys():
            return False  # most keys: the bindings in force are not worked out for them
        active = screen.active_bindings.get(event.key)
        if active is not None and active.node is screen and active.binding.action == "search":
            self.open_now()
            return True
        return False

    def _keys(self) -> set[str]:
        """The keys that search (/, or the settings' for the binding "search")."""
        declared = reader_app(self.screen).keys_in_force.get("search") or "slash"
        return {normalize(key) for key in declared.split(",")}

    def close(self) -> None:
        """Put the search field away and give the keys back to the article."""
        screen = self.screen
        bar = screen.query_one("#search")
        bar.remove_class("-active")
        bar.display = False
        screen.set_focus(screen.view)

    def submitted(self, query: str) -> None:
        """The reader pressed enter in the search field."""
        self.close()
        self.run(query)

    def run(self, query: str, *, announce: bool = True) -> None:
        """Find every match of ``query``; when ``announce``, go to the first after the
        cursor and say how many there are."""
        screen = self.screen
        article = screen.article
        self.query = query
        matches = find_all(article.text, query)
        self.matches = matches
        view = screen.view
        view.set_matches(matches, len(query))
        if not query:
            return
        if not matches:
            if announce:
                screen.notify(f"No matches for “{query}”", severity="warning")
            return
        if announce:
            start = article.blocks[view.cursor].start if article.blocks else 0
            reader_app(screen).record_jump(screen.here())
            view.show_match(next_match(matches, start))
            self._announce_match()

    def rerun(self) -> None:
        """Search again, quietly, in text that has grown (a book finished loading)."""
        if self.query:
            self.run(self.query, announce=False)

    def _announce_match(self) -> None:
        number = self.screen.view.current_match + 1
        self.screen.notify(f"Match {number} of {len(self.matches)} for “{self.query}”", timeout=2)

    def next(self) -> None:
        """Next search match."""
        self._step(next_match)

    def previous(self) -> None:
        """Previous search match."""
        self._step(previous_match)

    def _step(self, step: Callable[[list[int], int, int], int]) -> None:
        screen = self.screen
        if not self.matches:
            if self.query:
                screen.notify(f"No matches for “{self.query}”", severity="warning")
            else:
                screen.notify("Press / to search first")
            return
        view = screen.view
        article = screen.article
        start = article.blocks[view.cursor].start
        current = view.current_match
        if current >= 0 and article.block_at(self.matches[current]) != view.cursor:
            current = -1  # the reader moved on: search from the cursor instead
        view.show_match(step(self.matches, start, current))
        self._announce_match()
