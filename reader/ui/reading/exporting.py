"""Export from the app (e): this article's notes as Markdown, into the export folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from reader.ui.host import reader_app

if TYPE_CHECKING:
    from reader.ui.reading.host import ReadingHost


class Exporting:
    """Writes the notes of the article on screen to a file, and says where."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export notes", show=False, id="export-notes"),
    ]

    def __init__(self, screen: ReadingHost) -> None:
        self.screen = screen

    def _export_name(self, folder: Path) -> str:
        """This article's file name in the export folder: the one its export has there, or
        one distinct from any other article's of the library with the same title (the first
        by file name keeps the plain one), so exporting one never replaces another's notes."""
        from reader.notes import export

        app = reader_app(self.screen)
        article = self.screen.article
        library = self.screen.library_now()
        entries = [(e.id, e.title) for e in library.entries] if library is not None else []
        if all(ident != article.id for ident, _title in entries):
            entries.append((article.id, article.title))
        names = export.file_names(entries, folder=folder, formerly=app.former_ids())
        return names[article.id]

    def export(self) -> None:
        """Write this article's notes as Markdown to the export folder."""
        from reader.notes import export

        screen = self.screen
        annotations = screen.annotations
        if annotations is None or not screen.article.complete:
            screen.notify("Wait for the article to finish loading, then export.")
            return
        notes = export.gather(
            screen.article, annotations.saved(), screen.article_note, annotations.links()
        )
        folder = reader_app(screen).export_folder
        from reader.notes.placing import recover

        recover(folder)  # what an export killed there left: put right, swept
        path = folder / self._export_name(folder)
        text = export.to_markdown(notes, exported=export.exported_now())
        try:
            export.write_file(path, text, force=True)
        except export.ExportError as error:
            screen.notify(f"Not exported: {error}", severity="error")
            return
        count = len(notes.entries)
        screen.notify(f"Exported {count} highlight{'s' * (count != 1)} to {path}", timeout=8)
