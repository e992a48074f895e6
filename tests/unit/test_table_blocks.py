"""Tables as blocks of their own: read from GFM pipe tables, laid out in columns (cells
wrapped, wide tables shared out or stacked), and exported as Markdown tables."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from reader.model import BlockKind, Highlight
from reader.notes import export
from reader.text.anchoring import describe
from reader.text.documents import load_text
from reader.text.tables import MIN_COLUMN, layout

TABLE = """\
# Budget

Intro.

| Item | Cost (€m) | Share |
|:-----|----------:|:-----:|
| Roads and bridges across the whole northern region | 12.5 | 40% |
| Schools and *libraries* | 3 | 10% |
| Pipes \\| drains | | 50% |

After.
"""


def test_a_pipe_table_is_one_block_of_rows_and_cells() -> None:
    article = load_text(TABLE, Path("budget.md"))
    kinds = [block.kind for block in article.blocks]
    assert kinds == [BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.PARAGRAPH]
    table = article.blocks[2]
    assert table.text.split("\n") == [
        "Item\tCost (€m)\tShare",
        "Roads and bridges across the whole northern region\t12.5\t40%",
        "Schools and libraries\t3\t10%",
        "Pipes | drains\t\t50%",
    ]
    assert (table.level, table.marker) == (1, "lrc")  # one header row; the alignments
    emphasis = table.spans[0]
    assert table.text[emphasis.start : emphasis.end] == "libraries"


def test_columns_are_aligned_and_cells_wrapped_to_their_width() -> None:
    table = load_text(TABLE, Path("budget.md")).blocks[2]
    laid = layout(table.text, table.level, table.marker, 40)
    assert sum(laid.widths) + 3 * (len(laid.widths) - 1) <= 40
    assert laid.widths[1:] == [9, 5]  # the narrow columns keep what they need
    assert laid.pieces[laid.header] is None  # the rule under the header
    roads = [line for line in laid.pieces[laid.header + 1 :] if line][:3]
    words = [table.text[piece[0] : piece[1]] for piece in (line[0] for line in roads)]
    assert " ".join(words) == "Roads and bridges across the whole northern region"
    assert all(piece[1] - piece[0] <= laid.widths[0] for line in roads for piece in line[:1])
    # The lines go forward through the text, as the view looks them up by offset.
    starts = [start for start, _end in laid.lines]
    assert starts == sorted(starts)


def test_a_table_too_wide_for_any_share_is_stacked() -> None:
    header = "|" + "|".join(f" c{n} " for n in range(12)) + "|"
    rule = "|" + "---|" * 12
    row = "|" + "|".join(f" value {n} " for n in range(12)) + "|"
    table = load_text(f"{header}\n{rule}\n{row}\n", Path("wide.md")).blocks[0]
    laid = layout(table.text, table.level, table.marker, 12 * MIN_COLUMN)
    assert laid.widths == []
    cells = [table.text[line[0][0] : line[0][1]] for line in laid.pieces if line]
    assert cells[:2] == ["c0", "c1"] and "value 11" in cells
    labelled = {
        laid.labels.get(n, "") + table.text[slice(*line[0][:2])]
        for n, line in enumerate(laid.pieces)
        if line
    }
    assert "c11: value 11" in labelled and "c0" in labelled  # not the header's own cells


def test_an_export_writes_a_highlighted_row_as_a_markdown_table(tmp_path: Path) -> None:
    article = load_text(TABLE, tmp_path / "budget.md")
    table = article.blocks[2]
    start = table.start + table.text.index("Schools")
    end = table.start + len(table.text)
    anchor = describe(article.text, start, end, block=2)
    text = export.to_markdown(
        export.gather(article, [Highlight("h1", article.id, anchor)]), exported="2026-12-04"
    )
    assert "> | Schools and libraries | 3 | 10% |\n> | --- | --- | --- |\n" in text
    assert "> | Pipes \\| drains |  | 50% |" in text
    html = MarkdownIt("commonmark").enable("table").render(text.split("---\n", 2)[2])
    assert "<table>" in html and "<td>Pipes | drains</td>" in html


def test_reader_add_writes_a_page_s_table_as_a_gfm_table(tmp_path: Path) -> None:
    from reader.intake import add_source

    page = tmp_path / "budget.html"
    words = " ".join(["The council published its budget for the coming year today."] * 12)
    page.write_text(
        f"""<html><head><title>The budget</title></head><body><article>
<h1>The budget</h1><p>{words}</p>
<table><tr><th>Item</th><th>Cost (€m)</th><th>Share</th></tr>
<tr><td>Roads | bridges</td><td>12.5</td><td>40%</td></tr>
<tr><td>Schools</td><td>3</td><td>10%</td></tr></table>
<p>{words}</p></article></body></html>""",
        encoding="utf-8",
    )
    result = add_source(str(page), tmp_path / "library")
    assert result.path is not None, result.message()
    markdown = result.path.read_text(encoding="utf-8")
    assert "| Item | Cost (€m) | Share |\n| --- | --- | --- |\n" in markdown
    tables = [b for b in load_text(markdown, result.path).blocks if b.kind is BlockKind.TABLE]
    assert [t.text for t in tables] == [
        "Item\tCost (€m)\tShare\nRoads | bridges\t12.5\t40%\nSchools\t3\t10%"
    ]
