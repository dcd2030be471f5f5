"""What one analysed video leaves behind: a JSON payload, key-frame and plot PNGs, an MP4.

The JSON payload always has these keys (the CLI prints it, the web API stores it)::

    test, side, roi, source, elapsed_s,
    video: {fps, frames, duration_s, width, height, rotation_deg, codec},
    view, frames_with_person, t_s, series, reps, metrics, findings, quality

``frames`` counts decoded frames (one per entry of ``t_s`` and of every series);
``series`` maps a name with its unit (``knee_flexion_left_deg``) to per-frame values, null
where unknown; ``quality`` merges the analyzer's checks and the adapter's framing notes (one
entry per cause);
``--test kinematics`` gives the series alone (``reps`` [], ``metrics`` {}, ``findings`` []).
"""

from __future__ import annotations

import dataclasses
import enum
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from painpath.adapters.pose.pipeline import KINEMATICS, SAME_CAUSE

if TYPE_CHECKING:
    from painpath.adapters.pose.pipeline import VideoAnalysis

__all__ = ["build_payload", "jsonable", "write_outputs"]

_DECIMALS = 2  # angles in degrees to 0.01: far below the method's error, keeps JSON small


def jsonable(value: Any) -> Any:
    """Dataclasses, enums, NumPy values, tuples -> JSON types; NaN and inf -> None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):  # NumPy arrays and scalars
        return jsonable(value.tolist())
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    return value


def _series_values(values: Any) -> list[float | None]:
    out: list[float | None] = []
    for v in list(values):
        if v is None:
            out.append(None)
            continue
        f = float(v)
        out.append(round(f, _DECIMALS) if math.isfinite(f) else None)
    return out


def _quality(result: VideoAnalysis) -> list[dict[str, Any]]:
    """The domain's checks, then the framing notes whose cause is not already among them
    (one entry per cause: ``person_detected`` is said by ``person_visible``, ...)."""
    checks = [jsonable(q) for q in result.analysis.quality]
    seen = {c.get("id") for c in checks}
    checks.extend(
        jsonable(n) for n in result.framing if n.id not in seen and SAME_CAUSE.get(n.id) not in seen
    )
    return checks


def _analysed_rate(t_s: Any, video_fps: float) -> float:
    """Frames analysed per second: the median gap between analysed frames, else the video's."""
    import numpy as np

    times = np.asarray(t_s, dtype=float)
    gaps = np.diff(times[np.isfinite(times)])
    gaps = gaps[gaps > 0]
    return float(1.0 / np.median(gaps)) if gaps.size else float(video_fps)


def build_payload(result: VideoAnalysis) -> dict[str, Any]:
    """The JSON-ready dict described in the module docstring."""
    analysis = result.analysis
    info = result.video
    roi = result.roi
    series = analysis.series
    return {
        "test": result.test,
        "side": jsonable(analysis.side or result.side),
        "roi": None if roi is None else [roi.x0, roi.y0, roi.x1, roi.y1],
        "source": result.pose.source,
        "elapsed_s": round(result.elapsed_s, 3),
        "video": {
            "fps": round(info.fps, 3),
            # ``frames`` are those analysed (one per entry of ``t_s``); faster clips are
            # analysed at up to ``analysed_fps``, so the video's own count can be larger.
            "frames": result.pose.n_frames,
            "frames_in_video": info.frames,
            "analysed_fps": round(_analysed_rate(result.pose.t_s, info.fps), 3),
            "duration_s": round(info.duration_s, 3),
            "width": info.width,
            "height": info.height,
            "rotation_deg": info.rotation_deg,
            "codec": info.codec,
        },
        "view": getattr(analysis, "view", None),
        "frames_with_person": int(analysis.frames_with_person),
        "t_s": [round(float(t), 4) for t in result.pose.t_s],
        "series": {str(name): _series_values(vals) for name, vals in series.items()},
        "reps": jsonable(list(analysis.reps)),
        "metrics": {} if result.test == KINEMATICS else jsonable(dict(analysis.metrics or {})),
        "findings": jsonable(list(analysis.findings)),
        "quality": _quality(result),
    }


def write_outputs(
    result: VideoAnalysis, out_dir: str | Path, *, mp4: bool = False
) -> dict[str, str]:
    """Write ``analysis.json``, ``keyframes.png``, ``angles.png`` (and ``annotated.mp4``).

    Returns the name -> path of each file written; images are skipped when no person was
    found (there is nothing to draw).
    """
    import json

    from painpath.adapters.pose import render

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    payload = build_payload(result)
    written = {"json": str(out / "analysis.json")}
    Path(written["json"]).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    if not result.pose.confidence.any():  # no person: nothing to draw
        return written
    keyframes = render.write_keyframes(result, payload, out / "keyframes.png")
    if keyframes is not None:
        written["keyframes"] = str(keyframes)
    written["plot"] = str(render.write_angle_plot(payload, out / "angles.png"))
    if mp4:
        written["mp4"] = str(render.write_annotated_mp4(result, payload, out / "annotated.mp4"))
    return written
