"""Video input, pose estimation, outputs and the ``painpath analyze`` command."""
