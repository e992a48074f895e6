"""The review screen: today's highlights, each in its context."""
