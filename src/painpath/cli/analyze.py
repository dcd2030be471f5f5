"""``painpath analyze VIDEO --test squat``: movement analysis of a phone video.

Only typer and the standard library load at import time; PyAV, mediapipe, NumPy and the
analysis load inside the command so that ``painpath --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import typer

__all__ = ["register"]

_TESTS = (
    "kinematics",
    "squat",
    "single-leg-squat",
    "single-leg-stance",
    "sit-to-stand",
    "overhead-reach",
    "gait",
)


class _Progress:
    """A one-line ``\\r`` counter on stderr (stdout stays clean for ``--json``)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if total > 0:
            share = min(1.0, done / total)
            bar = "#" * int(share * 30)
            sys.stderr.write(f"\rpose [{bar:<30}] {done}/{total} frames")
        else:
            sys.stderr.write(f"\rpose {done} frames")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _summary(payload: dict[str, Any]) -> str:
    video = payload["video"]
    lines = [
        f"{payload['test']}: {video['frames']} frames analysed at {video['analysed_fps']:.0f}"
        f" per second ({video['frames_in_video']} in the video at {video['fps']:.0f}),"
        f" {video['duration_s']:.1f} s, person in {payload['frames_with_person']} frames",
    ]
    lines += [f"  rep {r['index']}: {r['start_s']:.2f}-{r['end_s']:.2f} s" for r in payload["reps"]]
    lines += [f"  {k}: {v}" for k, v in payload["metrics"].items()]
    lines += [f"  finding: {f['code']} ({f['side']})" for f in payload["findings"]]
    lines += [
        f"  quality {'ok ' if q['passed'] else 'NOT'} {q['message']}" for q in payload["quality"]
    ]
    return "\n".join(lines)


def analyze(
    video: Path = typer.Argument(..., help="Video file (MP4, MOV, WebM ...)."),
    test: str = typer.Option(..., "--test", help=f"One of: {', '.join(_TESTS)}."),
    side: str | None = typer.Option(None, "--side", help="left or right (one-leg tests)."),
    roi: str | None = typer.Option(
        None,
        "--roi",
        help="Crop to the patient: x0,y0,x1,y1 as fractions of the frame. Without it the "
        "most central, largest person is chosen (see quality: person_selection).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the analysis as JSON on stdout."),
    out: Path | None = typer.Option(
        None, "--out", help="Write analysis.json, keyframes.png, angles.png here."
    ),
    mp4: bool = typer.Option(False, "--mp4", help="Also write annotated.mp4 (needs --out)."),
    progress: bool | None = typer.Option(
        None, "--progress/--no-progress", help="Progress on stderr (default: when a terminal)."
    ),
    backend: str | None = typer.Option(
        None,
        "--backend",
        help=(
            "Pose backend: litert (default, BlazePose run directly), litert-flip (each region "
            "also run mirrored and averaged: slower), litert-heavy (image positions "
            "from BlazePose heavy, installed by `painpath models install`: closer angles, "
            "slower) or mediapipe (reference)."
        ),
    ),
    max_fps: float = typer.Option(
        30.0,
        "--max-fps",
        help="Frames analysed per second: faster clips skip frames (metrics use timestamps, "
        "so findings do not change); 0 analyses every frame.",
    ),
) -> None:
    """Measure a recorded movement test: joint-angle series, repetitions, metrics, findings."""
    from painpath.cli._common import cli_errors, print_json
    from painpath.domain.errors import InvalidInput

    with cli_errors():
        if test not in _TESTS:
            raise InvalidInput(f"--test must be one of {', '.join(_TESTS)} (got {test!r})")
        if side is not None and side not in ("left", "right"):
            raise InvalidInput(f"--side must be left or right (got {side!r})")
        if max_fps < 0:
            raise InvalidInput(f"--max-fps must be 0 (every frame) or positive (got {max_fps})")
        if mp4 and out is None:
            raise InvalidInput("--mp4 needs --out DIR to write the video into")
        payload = _run(
            video, test=test, side=side, roi=roi, out=out, mp4=mp4, progress=progress,
            backend=backend, max_fps=max_fps,
        )  # fmt: skip
    if payload["frames_with_person"] == 0:
        typer.echo("warning: no person was found in the video; nothing could be measured", err=True)
    if as_json:
        print_json(payload)
    else:
        typer.echo(_summary(payload))


def _run(
    video: Path,
    *,
    test: str,
    side: str | None,
    roi: str | None,
    out: Path | None,
    mp4: bool,
    progress: bool | None,
    backend: str | None = None,
    max_fps: float = 30.0,
) -> dict[str, Any]:
    from painpath.adapters.pose.outputs import build_payload, write_outputs
    from painpath.adapters.pose.pipeline import analyze_video, default_estimator
    from painpath.adapters.pose.video import parse_roi
    from painpath.domain.errors import InvalidInput

    region = parse_roi(roi) if roi is not None else None
    bar = _Progress(sys.stderr.isatty() if progress is None else progress)
    wall0 = time.time()
    try:
        result = analyze_video(
            video, test=test, side=side, roi=region, on_progress=bar,
            estimator=default_estimator(backend), max_fps=max_fps if max_fps > 0 else None,
        )  # fmt: skip
    finally:
        bar.close()
    spawned = os.environ.get("PAINPATH_SPAWNED_AT")  # benchmarks/speed.py: time to first frame
    if spawned and result.first_frame_s is not None:
        since = wall0 + result.first_frame_s - float(spawned)
        sys.stderr.write(f"first-frame-since-start-s {since:.3f}\n")
    if out is not None:
        try:
            written = write_outputs(result, out, mp4=mp4)
        except OSError as err:
            raise InvalidInput(f"cannot write the outputs to {out}: {err.strerror}") from err
        typer.echo("wrote " + ", ".join(written.values()), err=True)
    return build_payload(result)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
