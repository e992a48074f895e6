"""Widgets shared by the screens: the cursor list, text fields and safe text."""
