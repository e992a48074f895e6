"""Write the damaged databases of this folder (run it from the project root to remake them).

Each starts as a real database that reader.db.store.Store wrote for the two sample articles
(reading positions, cached titles, highlights with notes and tags, an article note, a
cross-link), and is then damaged the way a crash, another program or a mistake would.
The files are kept in the repository: this script only says how they were made.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from reader.db.single_file import ReadingPosition
from reader.db.single_file import SingleFileStore as Store
from reader.model import Colour, CrossLink, LinkEnd
from reader.notes import export
from reader.services.annotations import Annotations
from reader.services.library import scan
from reader.text.documents import load_article

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
SAMPLE = ROOT / "articles" / "canada-us-talks-digital-services-tax.md"
WELCOME = ROOT / "articles" / "welcome-to-reader.md"
STAMP = "2026-01-05T09:30:00Z"


def real_database(folder: Path, extra_note: str = "") -> bytes:
    """The bytes of a database written by Store, as a user's would be after some reading."""
    path = folder / "reader.json"
    store = Store(path)
    scan(ROOT / "articles", store)  # caches titles and word counts, as the library does
    article = load_article(SAMPLE)
    annotations = Annotations(store, article)
    annotations.load()
    made = []
    for number, colour in ((2, Colour.YELLOW), (5, Colour.GREEN), (9, Colour.PINK)):
        block = article.blocks[number]
        made.append(annotations.create(block.start, block.end, colour))
    annotations.update(made[0].id, "note", note="Why now? Compare the *2019* talks." + extra_note)
    annotations.update(made[1].id, "tags", tags=("trade", "tax"))
    store.set_article_note(article.id, SAMPLE, "Follow up after the next round of talks.")
    welcome = load_article(WELCOME)
    store.save_link(
        CrossLink(
            id="link-1",
            source=LinkEnd(article.id, str(SAMPLE), "Canada-US talks", made[2].anchor),
            target=LinkEnd(welcome.id, str(WELCOME), "Welcome", made[2].anchor),
            label="see also",
            created=STAMP,
        )
    )
    store.save_position(article.id, SAMPLE, article.fingerprint, ReadingPosition(9, 0, 0.4))
    notes = export.gather(article, store.highlights(article.id), "", [])
    collection = export.to_collection([notes], exported=STAMP, label="reader export")
    (folder / "export.json").write_text(export.dumps(collection), encoding="utf-8")
    store.close()
    return path.read_bytes()


def foreign_shapes(data: dict) -> dict[str, object]:
    """JSON files a database path may point at by mistake, none of them reader's."""
    return {
        # Another program's TinyDB file: TinyDB's shape, its own tables.
        "other-tinydb.json": {"_default": {"1": {"name": "Ada", "visits": 36}}},
        # A format written under other names (a future or forked reader, say): no meta.
        "future-format.json": {
            ("items" if name == "articles" else name.replace("highlights/", "marks/")): table
            for name, table in data.items()
            if name != "meta"
        },
        # An empty JSON object is not an empty file.
        "empty-object.json": {},
    }


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="reader-fixtures-"))
    longer_folder = Path(tempfile.mkdtemp(prefix="reader-fixtures-"))
    try:
        good = real_database(folder)
        # The same database a moment earlier, with a longer note: what a careless program
        # overwrites in place without truncating leaves its tail after the new end.
        longer = real_database(longer_folder, extra_note=" And the 2024 ones." * 8)
        data = json.loads(good)
        write = {
            "good.json": good,
            # Cut mid-way, as by a full disk or a crash of a program that does not fsync.
            "truncated.json": good[: len(good) // 2],
            # A shorter file written over a longer one in place: valid JSON, then its tail.
            "trailing-garbage.json": good + longer[len(good) :],
            # Zeroed by a crash: the size was recorded, the data never reached the disk.
            "zeroed.json": b"\0" * len(good),
            # The first page reached the disk, the rest is zeros.
            "nul-tail.json": good[:1024] + b"\0" * (len(good) - 1024),
            # One byte flipped inside a note: no longer UTF-8.
            "not-utf8.json": good.replace(b"Why now?", b"Why now\xff", 1),
            # Nested deeper than Python's parser goes.
            "deeply-nested.json": good.replace(b'"articles":', b'"articles":' + b"[" * 5000, 1),
            # Cut to nothing (the backup, if any, still holds the data).
            "empty.json": b"",
        }
        shapes = {
            "list.json": [data],
            "table-is-a-list.json": {**data, "articles": list(data["articles"].values())},
            "document-is-a-string.json": {
                **data,
                "links": {"1": "see also: the welcome article"},
            },
            "schema-is-text.json": {**data, "meta": {"1": {"schema": "one"}}},
            "newer-schema.json": {
                **data,
                "meta": {"1": {"schema": 99}},
                "collections": {"1": {"id": "c1", "name": "Trade", "articles": []}},
            },
        }
        # JSON files that are not reader's (no reader meta table): never migrated or written.
        shapes.update(foreign_shapes(data))
        # Right in shape, odd in a few fields (as a hand edit could leave them): opened, the
        # odd fields skipped.
        odd = json.loads(good)
        first, second = odd["articles"]["1"], odd["articles"]["2"]
        first["position"] = "near the end"
        second["info"] = ["Welcome to reader", 750]
        table = next(name for name in odd if name.startswith("highlights/"))
        next(iter(odd[table].values()))["tags"] = 7
        shapes["odd-fields.json"] = odd
        for name, shape in shapes.items():
            write[name] = json.dumps(shape, ensure_ascii=False, separators=(",", ":")).encode()
        # reader's own JSON export given as the database (--db export.json): a mistake.
        write["export-as-database.json"] = (folder / "export.json").read_bytes()
        for name, content in write.items():
            (HERE / name).write_bytes(content)
            print(f"{name}: {len(content):,} bytes")
    finally:
        shutil.rmtree(folder)
        shutil.rmtree(longer_folder)


if __name__ == "__main__":
    main()
