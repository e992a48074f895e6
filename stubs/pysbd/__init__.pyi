# Narrow stubs for pysbd 0.3.4, which ships no types: only what reader uses of it.
# reader always asks for character spans, so this stub allows only that call.

from typing import Literal

from pysbd.utils import TextSpan

class Segmenter:
    def __init__(
        self,
        language: str = "en",
        clean: bool = False,
        doc_type: str | None = None,
        *,
        char_span: Literal[True],
    ) -> None: ...
    def segment(self, text: str) -> list[TextSpan]: ...
