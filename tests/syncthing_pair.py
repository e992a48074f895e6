"""Two Syncthing daemons on 127.0.0.1 that keep two folders in step: a tool of the tests.

Adapted from the project's reference script (``shared/syncthing/pair.py``, written for
reader; same terms as reader). Tested with the Debian package ``syncthing`` 1.19: a file
written in one folder appears in the other within about 10-20 s. Local and global
discovery, relays, NAT traversal, usage reporting, crash reporting and upgrades are off;
each daemon is told the other's address and device id, on free ports (two test runs on one
machine must not share them). Each daemon runs in a process group of its own and is ended
by its id, never by name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

INSTALL = "install it with: apt-get install -y syncthing"


def available() -> bool:
    """Whether the ``syncthing`` program is on this machine."""
    return shutil.which("syncthing") is not None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Pair:
    """Two daemons keeping ``folder_a`` and ``folder_b`` in step (homes under ``work``)."""

    def __init__(self, work: Path, folder_a: Path, folder_b: Path) -> None:
        self.work = work
        self.folders = {"A": folder_a, "B": folder_b}
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        sides: dict[str, dict[str, str | int]] = {}
        for name, folder in self.folders.items():
            home = self.work / f"syncthing-{name}"
            subprocess.run(
                ["syncthing", "generate", f"--home={home}"],
                check=True,
                capture_output=True,
                timeout=120,
            )
            root = ET.parse(home / "config.xml").getroot()
            device = root.find("device")
            assert device is not None
            folder.mkdir(parents=True, exist_ok=True)
            (folder / ".stfolder").mkdir(exist_ok=True)  # the marker Syncthing wants
            sides[name] = {
                "home": str(home),
                "folder": str(folder),
                "device": str(device.get("id")),
                "port": free_port(),
                "gui": free_port(),
            }
        for me, other in (("A", "B"), ("B", "A")):
            self._configure(sides[me], sides[other], other)
        for name in sides:
            log = open(self.work / f"syncthing-{name}.log", "wb")  # noqa: SIM115
            self.processes.append(
                subprocess.Popen(
                    [
                        "syncthing",
                        "serve",
                        f"--home={sides[name]['home']}",
                        "--no-browser",
                        "--no-restart",
                        "--no-upgrade",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a process group of its own, ended by its id
                    env={**os.environ, "STNOUPGRADE": "1", "HOME": sides[name]["home"]},
                )
            )
            log.close()

    @staticmethod
    def _configure(me: dict[str, str | int], other: dict[str, str | int], name: str) -> None:
        path = Path(str(me["home"])) / "config.xml"
        tree = ET.parse(path)
        root = tree.getroot()
        for old in root.findall("folder"):
            root.remove(old)
        folder = ET.SubElement(
            root,
            "folder",
            id="shared",
            label="shared",
            path=str(me["folder"]),
            type="sendreceive",
            rescanIntervalS="2",
            fsWatcherEnabled="true",
            fsWatcherDelayS="1",
        )
        ET.SubElement(folder, "device", id=str(me["device"]))
        ET.SubElement(folder, "device", id=str(other["device"]))
        peer = ET.SubElement(
            root,
            "device",
            id=str(other["device"]),
            name=name,
            compression="metadata",
            introducer="false",
        )
        ET.SubElement(peer, "address").text = f"tcp://127.0.0.1:{other['port']}"
        gui = root.find("gui")
        address = gui.find("address") if gui is not None else None
        assert address is not None
        address.text = f"127.0.0.1:{me['gui']}"
        options = root.find("options")
        assert options is not None
        for old in options.findall("listenAddress"):
            options.remove(old)
        ET.SubElement(options, "listenAddress").text = f"tcp://127.0.0.1:{me['port']}"
        for key, value in (
            ("globalAnnounceEnabled", "false"),
            ("localAnnounceEnabled", "false"),
            ("relaysEnabled", "false"),
            ("natEnabled", "false"),
            ("urAccepted", "-1"),
            ("startBrowser", "false"),
            ("autoUpgradeIntervalH", "0"),
            ("crashReportingEnabled", "false"),
        ):
            element = options.find(key)
            if element is None:
                element = ET.SubElement(options, key)
            element.text = value
        tree.write(path)

    def stop(self) -> None:
        """End both daemons (their process groups, by id), waiting for them."""
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()

    def logs(self) -> str:
        """The end of both daemons' logs (for a failure's message)."""
        said = []
        for name in self.folders:
            path = self.work / f"syncthing-{name}.log"
            if path.exists():
                said.append(f"--- {name}\n" + path.read_text(errors="replace")[-3000:])
        return "\n".join(said)
