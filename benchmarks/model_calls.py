"""BlazePose model calls per clip in ``analyze_video`` (in-process), and the CPU time they take.

Usage (from the repository root; clips fetched once into the test-video cache)::

    PYTHONPATH=src .venv/bin/python benchmarks/model_calls.py

For each of the five real clips of ``benchmarks/speed.py``: frames analysed, frames with a
person, landmark-model and detector calls (the tracker's and person sampling's together:
8 sampled frames, 3 detector calls each on a landscape frame, 1 on a portrait one) and the
process CPU time of the call. Counts do not depend on the machine's load; the CPU time does.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from painpath.adapters.pose import blazepose
from painpath.adapters.pose.pipeline import analyze_video
from realvideo.videos import fetch_pose2sim_demo, fetch_sports2d_demo


def _counting(calls: Counter[str], lock: threading.Lock) -> None:
    """Wrap the two models' entry points so that every call is counted (both threads)."""
    run, detect = blazepose.LandmarkModel.run, blazepose.PoseDetector.detect

    def counted_run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            calls["landmark"] += 1
        return run(self, *args, **kwargs)

    def counted_detect(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            calls["detector"] += 1
        return detect(self, *args, **kwargs)

    blazepose.LandmarkModel.run = counted_run  # type: ignore[method-assign]
    blazepose.PoseDetector.detect = counted_detect  # type: ignore[method-assign]


def main() -> int:
    calls: Counter[str] = Counter()
    _counting(calls, threading.Lock())
    demo = fetch_pose2sim_demo()
    clips = [(f"pose2sim {c}", p, "single-leg-squat") for c, p in demo.videos.items()]
    clips.append(("sports2d demo", fetch_sports2d_demo(), "gait"))
    print(f"load average {os.getloadavg()}")
    print("| clip | frames | with a person | landmark calls | detector calls | CPU s |")
    print("|---|---|---|---|---|---|")
    for name, path, test in clips:
        calls.clear()
        started = time.process_time()
        result = analyze_video(path, test=test)
        cpu = time.process_time() - started
        seen = int(np.isfinite(result.pose.image_xy[:, :, 0]).any(axis=1).sum())
        print(f"| {name} | {result.pose.n_frames} | {seen} | {calls['landmark']} "
              f"| {calls['detector']} | {cpu:.2f} |")  # fmt: skip
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
