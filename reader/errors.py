"""What can go wrong with the database, explained for the user (each message names the file)."""

from __future__ import annotations


class StoreError(Exception):
    """A problem with the database, explained for the user (the message names the file)."""


class DamagedError(StoreError):
    """The database file cannot be read as JSON of the shape reader writes."""


class ForeignError(StoreError):
    """The file is JSON, but not a reader database (no reader meta table): never touched."""


class BusyError(StoreError):
    """Another process held the database's lock for longer than this change would wait."""
