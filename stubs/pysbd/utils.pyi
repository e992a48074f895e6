# Narrow stubs for pysbd 0.3.4 (see __init__.pyi).

class TextSpan:
    sent: str
    start: int
    end: int
    def __init__(self, sent: str, start: int, end: int) -> None: ...
