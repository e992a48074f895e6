"""Write the Hypothesis fixtures of this folder in the three shapes Hypothesis produces.

Run from the project root: ``python tests/data/hypothesis/make_fixtures.py``. The same
annotations, in the API's form (``text``, ``tags``, ``uri``, ``created``, ``updated``,
``document.title``, ``references``, ``target: [{source, selector: [RangeSelector,
TextPositionSelector, TextQuoteSelector]}]``), are written as:

- ``client-export.json``: the Hypothesis client's "Export annotations" file;
- ``api-search.json``: a response of the API's search endpoint (``{"total", "rows"}``);
- ``api-list.json``: a bare list of API annotations.

They are written for these tests (not downloaded), after the API's documented form.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGE = "https://www.example-news.org/2025/06/30/digital-tax/"
# The address as a browser had it: http, no www., a tracking query and a fragment.
VISITED = "http://example-news.org/2025/06/30/digital-tax?utm_source=feed&utm_medium=rss#top"


def selectors(exact: str, prefix: str, suffix: str, start: int) -> list[dict]:
    return [
        {
            "type": "RangeSelector",
            "startContainer": "/main[1]/article[1]/p[2]",
            "startOffset": 0,
            "endContainer": "/main[1]/article[1]/p[2]",
            "endOffset": len(exact),
        },
        # Counted in the browser's text of the page (menus, captions...), not reader's.
        {"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
        {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix},
    ]


def annotation(ident: str, text: str, target: list[dict], **more: object) -> dict:
    item = {
        "id": ident,
        "created": "2025-07-01T09:15:27.123456+00:00",
        "updated": "2025-07-01T09:20:00.000000+00:00",
        "user": "acct:alice@hypothes.is",
        "uri": VISITED,
        "text": text,
        "tags": [],
        "group": "__world__",
        "permissions": {"read": ["group:__world__"]},
        "target": target,
        "document": {"title": ["Ottawa drops its digital services tax | Example News"]},
        "links": {
            "html": f"https://hypothes.is/a/{ident}",
            "incontext": f"https://hyp.is/{ident}/example-news.org/2025/06/30/digital-tax/",
            "json": f"https://hypothes.is/api/annotations/{ident}",
        },
        "flagged": False,
        "hidden": False,
    }
    item.update(more)
    return item


ANNOTATIONS = [
    annotation(
        "Hl1aaaaaaaaaaaaaaaaaaa",
        "Why now? Compare the *2019* talks.",
        [
            {
                "source": VISITED,
                "selector": selectors(
                    "Canada quickly retreated",
                    "Stung by the president's action, ",
                    ". On Sunday",
                    1841,
                ),
            }
        ],
        tags=["tax", "trade"],
    ),
    # The quote as the page had it, one word different from the article's text.
    annotation(
        "Hl2bbbbbbbbbbbbbbbbbbb",
        "",
        [
            {
                "source": PAGE,
                "selector": selectors(
                    "the largest technology firms to pay on the profits",
                    "The tax would have forced ",
                    " they make from",
                    2210,
                ),
            }
        ],
    ),
    # A page note: a target with no selector.
    annotation(
        "PageNoteccccccccccccccc",
        "Read the follow-up piece next week.",
        [{"source": PAGE}],
        tags=["follow-up"],
    ),
    # A reply to the first annotation.
    annotation(
        "Replydddddddddddddddddd",
        "Because the tax was due on Monday.",
        [{"source": PAGE}],
        user="acct:bob@hypothes.is",
        references=["Hl1aaaaaaaaaaaaaaaaaaa"],
        created="2025-07-02T08:00:00.000000+00:00",
    ),
    # A reply to an annotation that is not in the file (someone else's, say).
    annotation(
        "Replyeeeeeeeeeeeeeeeeee",
        "I disagree.",
        [{"source": PAGE}],
        references=["Somebodyelsesffffffff"],
    ),
    # An annotation on a page that is not in the library.
    annotation(
        "Elsewhereggggggggggggggg",
        "Elsewhere.",
        [{"source": "https://other.example/story", "selector": selectors("x y z", "", "", 1)}],
        uri="https://other.example/story",
    ),
]


def main() -> None:
    shapes = {
        "client-export.json": {
            "export_date": "2025-07-03T10:00:00.000Z",
            "export_userid": "acct:alice@hypothes.is",
            "client_version": "1.1480.0",
            "annotations": ANNOTATIONS,
        },
        "api-search.json": {"total": len(ANNOTATIONS), "rows": ANNOTATIONS},
        "api-list.json": ANNOTATIONS,
    }
    for name, document in shapes.items():
        (HERE / name).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
