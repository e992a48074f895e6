# Narrow stubs: only what reader uses of python-bidi (reader/text/direction.py).
