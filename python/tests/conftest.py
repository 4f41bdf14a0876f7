"""Shared fixtures: the checkout, the `polytope` CLI (built by scripts/test.sh), the default model."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli_path():
    if os.environ.get("POLYTOPE_BIN"):
        return Path(os.environ["POLYTOPE_BIN"])
    for conf in ("debug", "release"):
        p = ROOT / ".build" / conf / "polytope"
        if p.exists():
            return p
    return None


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def cli():
    """Runs the CLI: cli("run", "--text", ...) -> CompletedProcess (checked)."""
    path = cli_path()
    if path is None:
        pytest.skip("the polytope CLI is not built (swift build)")

    def run(*args, check=True):
        return subprocess.run([str(path), *map(str, args)], cwd=ROOT, capture_output=True, text=True, check=check)
    return run


@pytest.fixture(scope="session")
def model_path():
    return ROOT / "models" / "gpt2-relu.pb"
