"""The library screen: its list of articles, reading the folder, watching it, adding."""
