# Narrow stubs for EbookLib 0.20, which ships no types: see epub.pyi.
