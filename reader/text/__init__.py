"""Files into articles, and the text's own logic: reading and decoding files, safe
text and wrapping, the column, selection, search, anchoring, links and addresses.

Pure: no store, no Textual.
"""
