"""Modal screens: the note and tag editors, questions, the link picker, the help."""
