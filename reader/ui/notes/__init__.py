"""The notes screen: every highlight and note of the library."""
