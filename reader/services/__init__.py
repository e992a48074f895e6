"""Use cases over the store and the text, with no Textual: one article's annotations, the
library scan, moves, the link index, the notes index, import, drafts.
"""
