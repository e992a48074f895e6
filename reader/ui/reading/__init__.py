"""The reading screen: the article view, its header and paint, the notes pane, and the
feature controllers (annotating, links, search, exporting, the article's life).
"""
