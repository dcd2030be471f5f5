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
painpath (goal >= 2), the same ratio of CPU time (user + system of the whole process: what
it costs the machine, steadier than wall time when other processes compete), and the time
from spawn to the first frame's landmarks in painpath (goal <= 1.5 s; given
``PAINPATH_SPAWNED_AT``, the CLI prints it on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from realvideo.videos import fetch_pose2sim_demo, fetch_sports2d_demo

SRC = Path(__file__).resolve().parents[1] / "src"

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


def run_timed(cmd: list[str]) -> tuple[float, str, float]:
    """Wall seconds from spawn to exit of ``cmd`` as a fresh process, its stderr, and the CPU
    seconds (user + system) it and its threads used: on a shared machine the CPU time is the
    steadier figure, since waiting for a core does not count in it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # the checkout's own code (the venv's editable install may point at another worktree)
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "GLOG_minloglevel": "2", "PYTHONPATH": path,
           "PAINPATH_SPAWNED_AT": repr(time.time())}  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed: {done.stderr[-800:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, done.stderr, cpu


def first_frame_s(stderr: str) -> float | None:
    """The CLI's ``first-frame-since-start-s`` line (printed given ``PAINPATH_SPAWNED_AT``)."""
    for line in stderr.splitlines():
        if line.startswith("first-frame-since-start-s "):
            return float(line.split()[1])
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    demo = fetch_pose2sim_demo()
    clips = [(f"pose2sim {c}", p, "single-leg-squat") for c, p in demo.videos.items()]
    clips.append(("sports2d demo", fetch_sports2d_demo(), "gait"))
    py = sys.executable
    print(f"machine: {os.cpu_count()} logical cores, load average {os.getloadavg()}")
    # every figure is a whole process from spawn to exit: nothing is warmed up
    print("| clip | baseline s (median) | painpath s (median) | ratio baseline/painpath "
          "(median of pairs) | CPU-time ratio | first frame s |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    for name, path, test in clips:
        base, ours, pairs, firsts, cpu_pairs = [], [], [], [], []
        for _ in range(args.repeat):
            b, _, b_cpu = run_timed([py, "-c", BASELINE, str(path)])
            o, err, o_cpu = run_timed([py, "-m", "painpath", "analyze", str(path), "--test",
                                       test, "--json"])  # fmt: skip
            base.append(b)
            ours.append(o)
            pairs.append(b / o)
            cpu_pairs.append(b_cpu / o_cpu)
            first = first_frame_s(err)
            if first is not None:
                firsts.append(first)
        ratio = statistics.median(pairs)
        ratios.append(ratio)
        cpu_ratios.append(statistics.median(cpu_pairs))
        first_txt = f"{statistics.median(firsts):.2f}" if firsts else "-"
        print(f"| {name} | {statistics.median(base):.2f} | {statistics.median(ours):.2f} "
              f"| {ratio:.2f} | {cpu_ratios[-1]:.2f} | {first_txt} |")  # fmt: skip
    overall = statistics.median(ratios)
    print(f"load average after: {os.getloadavg()}")
    print(json.dumps({"median_ratio": round(overall, 2), "goal": 2.0,
                      "median_cpu_ratio": round(statistics.median(cpu_ratios), 2)}))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
