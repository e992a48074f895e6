"""An article's notes in the formats they travel in: gathered, Markdown out (escaping,
file names), W3C Web Annotation JSON out and in.

No store, no Textual.
"""
