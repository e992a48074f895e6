"""``reader devices``: the devices that keep notes in the library's vault, when each last
changed something, in how many articles, and the notes written apart on two devices that
wait for the reader to keep one."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import UserError, library_of, paths_of, say
from reader.services.devices import devices_of


def run_devices(options: argparse.Namespace) -> int:
    """Print the devices seen in the library's vault."""
    paths = paths_of(options)
    library = library_of(options, paths)
    if not library.is_dir():
        raise UserError(f"{library}: no such folder")
    found = devices_of(library, paths.data_dir)
    for notice in found.notices:
        say(f"reader: {notice}", sys.stderr)
    if not found.devices:
        say(f"No device keeps notes in {found.root} yet.")
        return 0
    say(f"Devices that keep notes in {found.root}:")
    width = max(len(_name(d.name, d.own)) for d in found.devices)
    for device in found.devices:
        when = device.last_change.replace("T", " ").replace("Z", " UTC") or "nothing yet"
        articles = f"{device.articles:,} article{'s' if device.articles != 1 else ''}"
        line = f"  {_name(device.name, device.own):<{width}}  last change {when}, {articles}"
        if device.conflicts:
            line += f", {device.conflicts:,} note{'s' if device.conflicts != 1 else ''} waiting"
        say(line)
    if found.waiting:
        notes = found.waiting
        say(
            f"{notes:,} note{' was' if notes == 1 else 's were'} written on two devices apart; "
            "both texts are kept until you keep one."
        )
    return 0


def _name(name: str, own: bool) -> str:
    return f"{name} (this device)" if own else name
