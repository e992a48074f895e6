# Narrow stubs for readability-lxml 0.9, which ships no types: only what reader uses.

from readability.readability import Document as Document
