"""Regenerate docs/screenshot.svg: the sample article with highlights, a note and tags.

Run from the project root: ``python docs/screenshot.py``. Uses a throwaway data folder.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def main() -> None:
    os.environ["READER_DATA_DIR"] = tempfile.mkdtemp(prefix="reader-shot-")
    from reader.db.store import Store
    from reader.paths import resolve
    from reader.ui.app import ReaderApp

    article = ROOT / "articles" / "canada-us-talks-digital-services-tax.md"
    app = ReaderApp(Store(resolve().db), article=article)
    async with app.run_test(size=(140, 36)) as pilot:
        await pilot.press("j", "h", "j", "v", "s", "h", "3", "a")
        app.screen.query_one("#note-text").insert("Why retreat within two days?")
        await pilot.press("ctrl+s", "t", *"trade, sovereignty", "enter")
        await pilot.press("j", "j", "v", "w", "w", "w", "w", "h", "2", "k", "k")
        await pilot.pause(0.3)
        app.save_screenshot("screenshot.svg", path=str(ROOT / "docs"))


if __name__ == "__main__":
    asyncio.run(main())
