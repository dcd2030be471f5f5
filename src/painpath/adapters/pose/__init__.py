"""Video decoding (PyAV) and pose estimation backends; heavy libraries stay inside this package.

- ``video``: probe, limits, upright/downscaled/cropped frames (``iter_frames``), ``decode_only``
- ``limits``: ``VideoLimits`` and the ``VideoError`` subclasses for each unusable input
- ``ports``: the ``PoseEstimator`` protocol; ``mediapipe_estimator``: the BlazePose backend
- ``person_select`` (rule, pure) / ``person_detect`` (sampled frames, BlazePose's detector):
  automatic choice of the person to analyse when several are in view
- ``framing``: quality notes on whom the estimator tracked
- ``pipeline``: ``analyze_video`` (streamed decode + pose + analysis), ``pose_only``
- ``outputs`` / ``render``: JSON payload, key frames, angle plots, annotated MP4
"""
