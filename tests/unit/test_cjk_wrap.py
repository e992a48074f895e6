"""Chinese and Japanese lines break between any two characters, with the rules of kinsoku
shori: no closing mark at a line's start, no opening mark at its end. The Japanese is from
the IDPF's internallinks.epub sample (tests/data/epub, CC BY-SA); the Chinese from 《论语》
(public domain)."""

from __future__ import annotations

import unicodedata

import pytest
from rich.cells import cell_len

from reader.text.display import wrap

JAPANESE = (
    "さて、このKindle for PCでの表示を確認してみましょう。10月の主要EPUBリーダの新版登場で"
    "ひとつ注目したいのが数式のサポート強化です。Readiumは3月にMathJaxを使ったMathML表示を"
    "サポートしました（「Readium 0.19 update adds MathML support」）。これに対して、iBooksは"
    "MathMLの直接レンダリングを強化したようです！本当に？はい。"
)
CHINESE = (
    "子曰：「學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？人不知而不慍，不亦君子乎？」"
    "有子曰：「其為人也孝弟，而好犯上者，鮮矣；不好犯上，而好作亂者，未之有也。"
    "君子務本，本立而道生。孝弟也者，其為仁之本與！」"
)
NO_START = "。、，．」』）！？：；"
NO_END = "「『（"


@pytest.mark.parametrize("text", [JAPANESE, CHINESE], ids=["japanese", "chinese"])
@pytest.mark.parametrize("width", range(20, 161, 7))
def test_lines_break_between_characters_but_never_before_a_closing_mark(
    text: str, width: int
) -> None:
    lines = [text[start:end] for start, end in wrap(text, width)]
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for number, line in enumerate(lines):
        assert cell_len(line) <= width, line
        assert not line.startswith(tuple(NO_START)), (number, line)
        assert not line.endswith(tuple(NO_END)), (number, line)
        after = lines[number + 1][:2] if number + 1 < len(lines) else ""
        if len(after) == 2 and all(unicodedata.category(c) == "Lo" for c in after):
            # Full lines: a break may give back a character and the marks that hold on
            # to it (a Latin word stays whole), never half a line as when only spaces
            # could break.
            assert cell_len(line) >= width - 6, (number, line)


def test_latin_words_inside_japanese_stay_whole() -> None:
    lines = [JAPANESE[start:end] for start, end in wrap(JAPANESE, 30)]
    words = {word for line in lines for word in line.split()}
    assert not any(word.endswith(("Kin", "Math", "Read")) for word in words)
