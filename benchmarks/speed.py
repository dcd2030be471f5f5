"""Whole-process speed of ``painpath analyze`` against mediapipe's simplest loop, same run.

Usage (from the repository root; clips fetched once into the test-video cache)::

    .venv/bin/python benchmarks/speed.py [--repeat 3]

For each of the five real clips (four Pose2Sim views, the Sports2D demo) two commands run as
separate processes, in turn (A B A B ...), timed from the parent from spawn to exit:

- **baseline**: a fresh Python that imports mediapipe, reads the clip with OpenCV and runs
  ``mp.solutions.pose.Pose(model_complexity=1)`` on every frame, then writes the landmarks
  as JSON (mediapipe's own simplest loop);
- **painpath**: ``python -m painpath analyze CLIP --test T --json`` (probe, person sampling,
  two halves on two cores with LiteRT, analysis, JSON).

Printed per clip: the median of each and the median of the per-pair ratios baseline /
painpath (goal >= 2), and the time from spawn to the first frame's landmarks in painpath
(goal <= 1.5 s; given ``PAINPATH_SPAWNED_AT``, the CLI prints it on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from realvideo.videos import fetch_pose2sim_demo, fetch_sports2d_demo

BASELINE = r"""
import json, sys
import cv2, mediapipe as mp
cap = cv2.VideoCapture(sys.argv[1])
out = []
with mp.solutions.pose.Pose(model_complexity=1) as pose:
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        r = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        lm = r.pose_landmarks
        out.append(None if lm is None else [(p.x, p.y, p.visibility) for p in lm.landmark])
json.dump(out, sys.stdout)
"""


def _time(cmd: list[str]) -> tuple[float, str]:
    env = {**os.environ, "GLOG_minloglevel": "2", "PAINPATH_SPAWNED_AT": repr(time.time())}
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed: {done.stderr[-800:]}")
    return elapsed, done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    demo = fetch_pose2sim_demo()
    clips = [(f"pose2sim {c}", p, "single-leg-squat") for c, p in demo.videos.items()]
    clips.append(("sports2d demo", fetch_sports2d_demo(), "gait"))
    py = sys.executable
    print(f"machine: {os.cpu_count()} logical cores, load average {os.getloadavg()}")
    print("| clip | baseline s (median) | painpath s (median) | ratio baseline/painpath "
          "(median of pairs) | first frame s |")  # fmt: skip
    print("|---|---|---|---|---|")
    ratios: list[float] = []
    for name, path, test in clips:
        base, ours, pairs, firsts = [], [], [], []
        for _ in range(args.repeat):
            b, _ = _time([py, "-c", BASELINE, str(path)])
            o, err = _time([py, "-m", "painpath", "analyze", str(path), "--test", test, "--json"])
            base.append(b)
            ours.append(o)
            pairs.append(b / o)
            for line in err.splitlines():
                if line.startswith("first-frame-since-start-s "):
                    firsts.append(float(line.split()[1]))
        ratio = statistics.median(pairs)
        ratios.append(ratio)
        first = f"{statistics.median(firsts):.2f}" if firsts else "-"
        print(f"| {name} | {statistics.median(base):.2f} | {statistics.median(ours):.2f} "
              f"| {ratio:.2f} | {first} |")  # fmt: skip
    overall = statistics.median(ratios)
    print(json.dumps({"median_ratio": round(overall, 2), "goal": 2.0}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
