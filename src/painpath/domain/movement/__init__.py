"""Movement analysis maths: pose sequences, filtering, joint angles and one analyzer per test.

Pure NumPy. Video decoding and pose estimation live in ``painpath.adapters.pose``.
"""
