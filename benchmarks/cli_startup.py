"""How long `painpath --help` takes, against bare `python -c pass` measured in the same run.

Run: .venv/bin/python benchmarks/cli_startup.py  (not a test; prints figures)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

PAINPATH = str(Path(sys.executable).parent / "painpath")


def _time(cmd: list[str], runs: int = 15) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    base = _time([sys.executable, "-c", "pass"])
    help_ = _time([PAINPATH, "--help"])
    print(f"python -c pass   median {statistics.median(base):.3f} s  min {min(base):.3f} s")
    print(f"painpath --help  median {statistics.median(help_):.3f} s  min {min(help_):.3f} s")
    print(f"ratio (median)   {statistics.median(help_) / statistics.median(base):.2f}x")


if __name__ == "__main__":
    main()
