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
