"""Regenerate docs/screenshot.svg: the sample article as a new user sees it.

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
    from reader.paths import resolve
    from reader.store import Store
    from reader.ui.app import ReaderApp

    article = ROOT / "articles" / "canada-us-talks-digital-services-tax.md"
    app = ReaderApp(Store(resolve().db), article=article)
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.press("j", "j", "j", "slash", *"Golden Dome", "enter")
        await pilot.pause(0.2)
        app.save_screenshot("screenshot.svg", path=str(ROOT / "docs"))


if __name__ == "__main__":
    asyncio.run(main())
