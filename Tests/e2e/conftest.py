"""Shared fixtures: the built `kampagne` binary and a fresh working folder per test."""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("KAMPAGNE_BIN", str(ROOT / ".build" / "debug" / "kampagne"))


class Kampagne:
    """Runs the real binary in a temporary folder, like a user in a terminal would."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KAMPAGNE_")}

    def run(self, *args, check=True, input=None):
        result = subprocess.run([BIN, *map(str, args)], cwd=self.folder, env=self.env,
                                capture_output=True, text=True, input=input, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"kampagne {' '.join(map(str, args))} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def json(self, *args):
        return json.loads(self.run(*args, "--json").stdout)

    def write(self, name, data, encoding="utf-8"):
        path = self.folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
        return path


@pytest.fixture
def k(tmp_path):
    return Kampagne(tmp_path)


@pytest.fixture
def contacts_dir():
    return ROOT / "Contacts"


import email
import socket
import subprocess as _subprocess
import sys
import time
from email import policy

SERVER = ROOT / "Tests" / "e2e" / "smtp_server.py"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    """A real aiosmtpd process on a free loopback port, recording what it accepts."""

    def __init__(self, folder: Path, port=None, **options):
        self.folder = folder
        self.store = folder / "received"
        self.rules_file = folder / "rules.json"
        self.port = port or free_port()
        self.options = options
        self.process = None
        self.start()

    def start(self):
        args = ["/usr/bin/python3", str(SERVER), "--port", str(self.port), "--store", str(self.store),
                "--rules", str(self.rules_file)]
        for key, value in self.options.items():
            flag = "--" + key.replace("_", "-")
            args += [flag] if value is True else [flag, str(value)]
        self.process = _subprocess.Popen(args, stdout=_subprocess.PIPE, stderr=_subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("READY"):
            raise RuntimeError(f"SMTP test server did not start: {line} {self.process.stderr.read()}")

    def set_rules(self, **rules):
        self.rules_file.write_text(json.dumps(rules))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def alive(self):
        return self.process.poll() is None

    def messages(self):
        if not self.store.exists():
            return []
        out = []
        for path in sorted(self.store.glob("*.eml")):
            with open(path, "rb") as f:
                out.append(email.message_from_binary_file(f, policy=policy.default))
        return out


@pytest.fixture
def smtp(tmp_path):
    servers = []

    def start(**options):
        server = SMTPServer(tmp_path / f"smtp{len(servers)}", **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
