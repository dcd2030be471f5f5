"""Motion-analysis time as whole processes, start-up included, against a baseline in the same run.

Usage (from the repository root; fetches the demo clips once into the test-video cache)::

    .venv/bin/python benchmarks/motion.py [--repeat 3]

Nothing is warmed up: every figure is a fresh Python process timed from spawn to exit by this
parent, so imports, model loading and thread start-up count as a user waiting for the JSON
would feel them. Per clip the commands run in turn (baseline, decode, analyze, baseline, ...)
``--repeat`` times, so a change of machine load hits them alike:

- **baseline**: mediapipe's own simplest loop (imports mediapipe, reads the clip with OpenCV,
  ``Pose(model_complexity=1)`` on every frame, landmarks to JSON: ``speed.BASELINE``);
- **decode**: a process that imports PainPath's video adapter and decodes + uprights +
  downscales the clip as the pipeline does (``video.decode_only``), the floor for any backend;
- **analyze**: ``python -m painpath analyze CLIP --test T --json`` (probe, decode, LiteRT pose
  in two halves, person sampling, analysis, JSON).

Printed per clip: the medians, the median of the per-repetition ratios baseline / analyze
(higher is faster; goal >= 2) and decode / analyze (the share of the process the decoding
floor takes), and the time from spawn to the first frame's landmarks. A start-up line times
``python -c pass`` and ``python -m painpath --help`` (interpreter and CLI imports alone). The
machine line gives the CPU count and model and the load average before and after (other
processes compete on a shared machine; quote ratios, not absolute times).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import BASELINE, first_frame_s, run_timed

from realvideo.videos import fetch_pose2sim_demo, fetch_sports2d_demo

DECODE = (
    "import sys\nfrom painpath.adapters.pose.video import decode_only\ndecode_only(sys.argv[1])\n"
)


def _load() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command per clip")
    args = parser.parse_args()
    demo = fetch_pose2sim_demo()
    clips = [(f"pose2sim {c}", p, "single-leg-squat") for c, p in demo.videos.items()]
    clips.append(("sports2d demo", fetch_sports2d_demo(), "gait"))
    py = sys.executable
    print(
        f"machine: {os.cpu_count()} logical cores, {_cpu_model()}, "
        f"Python {platform.python_version()}, load average {_load()}"
    )
    bare = statistics.median(run_timed([py, "-c", "pass"])[0] for _ in range(args.repeat))
    cli = statistics.median(
        run_timed([py, "-m", "painpath", "--help"])[0] for _ in range(args.repeat)
    )
    print(f"start-up: python -c pass {bare:.2f} s; python -m painpath --help {cli:.2f} s\n")
    print(
        "| clip | baseline s | decode s | analyze s | baseline / analyze (median of pairs) "
        "| decode / analyze | first frame s |"
    )
    print("|---|---|---|---|---|---|---|")
    overall: list[float] = []
    for name, path, test in clips:
        base, dec, ours, pairs, shares, firsts = [], [], [], [], [], []
        for _ in range(args.repeat):
            b, _, _ = run_timed([py, "-c", BASELINE, str(path)])
            d, _, _ = run_timed([py, "-c", DECODE, str(path)])
            o, err, _ = run_timed([py, "-m", "painpath", "analyze", str(path), "--test", test,
                                   "--json"])  # fmt: skip
            base.append(b)
            dec.append(d)
            ours.append(o)
            pairs.append(b / o)
            shares.append(d / o)
            first = first_frame_s(err)
            if first is not None:
                firsts.append(first)
        ratio = statistics.median(pairs)
        overall.append(ratio)
        first_txt = f"{statistics.median(firsts):.2f}" if firsts else "-"
        print(
            f"| {name} | {statistics.median(base):.2f} | {statistics.median(dec):.2f} "
            f"| {statistics.median(ours):.2f} | {ratio:.2f} | {statistics.median(shares):.2f} "
            f"| {first_txt} |"
        )
    print(f"\nload average after: {_load()}")
    print(json.dumps({"median_ratio_baseline_over_analyze": round(statistics.median(overall), 2),
                      "goal": 2.0}))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
