"""A page script's logic run in Node.js, loaded as the browser loads it (an ES module)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any


def run_module(source: str, script: Path, stdin: str | None = None, timeout_s: float = 120) -> Any:
    """Run `source` as an ES module, its `%s` standing for the URL of `script` (a literal `%` is
    `%%`), and read what it prints as JSON."""
    done = subprocess.run(
        [
            "node",
            "--no-warnings",
            "--input-type=module",
            "-e",
            source % json.dumps(script.as_uri()),
        ],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout_s,
    )
    return json.loads(done.stdout)
