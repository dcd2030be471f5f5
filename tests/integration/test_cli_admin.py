"""The operating commands through the real console script."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

PAINPATH = str(Path(sys.executable).parent / "painpath")


def run(
    args: list[str], data_dir: Path, input_: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAINPATH_DATA_DIR": str(data_dir)}
    env.pop("PAINPATH_DATABASE_URL", None)
    return subprocess.run(
        [PAINPATH, *args], capture_output=True, text=True, env=env, input=input_, timeout=120
    )


HEAVY = (
    "numpy",
    "sqlalchemy",
    "fastapi",
    "av",
    "cv2",
    "mediapipe",
    "scipy",
    "matplotlib",
    "plotly",
    "fhir",
    "celery",
    "yaml",
    "pydantic_settings",
    "argon2",
    "jinja2",
)


def test_help_lists_the_commands_and_imports_nothing_heavy() -> None:
    # `painpath --help` must stay fast (< 0.3 s; timed in benchmarks/cli_startup.py): the
    # deterministic check here is that answering it loads none of the heavy libraries.
    probe = (
        "import sys\n"
        "from painpath.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    for command in ("serve", "demo", "db", "users", "audit"):
        assert command in result.stdout
    assert "HEAVY=\n" in result.stdout or result.stdout.rstrip().endswith("HEAVY=")


def test_db_upgrade_users_create_and_audit_verify(tmp_path: Path) -> None:
    assert run(["db", "upgrade"], tmp_path).returncode == 0
    created = run(
        [
            "users",
            "create",
            "--email",
            "ops@x.test",
            "--name",
            "Ops",
            "--role",
            "admin",
            "--clinic",
            "Ops Clinic",
            "--password",
            "long-password-1",
        ],
        tmp_path,
    )
    assert created.returncode == 0, created.stderr
    assert "created admin ops@x.test" in created.stdout
    bad_role = run(
        [
            "users",
            "create",
            "--email",
            "p@x.test",
            "--name",
            "P",
            "--role",
            "patient",
            "--password",
            "long-password-1",
        ],
        tmp_path,
    )
    assert bad_role.returncode == 2 and "must be admin or clinician" in bad_role.stderr
    short = run(
        [
            "users",
            "create",
            "--email",
            "s@x.test",
            "--name",
            "S",
            "--role",
            "clinician",
            "--password",
            "short",
        ],
        tmp_path,
    )
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    ok = run(["audit", "verify"], tmp_path)
    assert ok.returncode == 0 and "audit log intact: 1 events verified" in ok.stdout


@pytest.mark.slow
def test_demo_seeds_once_and_tampering_is_named(tmp_path: Path) -> None:
    assert run(["db", "upgrade"], tmp_path).returncode == 0
    seeded = run(["demo", "--if-empty"], tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    assert "clinician@demo.painpath.local" in seeded.stdout
    # the admin is told before signing in that an authenticator app is set up the first time
    assert "admin@demo.painpath.local" in seeded.stdout
    assert "authenticator app: the first sign-in shows a" in seeded.stdout
    again = run(["demo", "--if-empty"], tmp_path)
    assert "already present" in again.stdout
    verified = run(["audit", "verify"], tmp_path)
    assert verified.returncode == 0, verified.stderr
    db = sqlite3.connect(tmp_path / "painpath.sqlite3")
    with db:
        db.execute("UPDATE audit_events SET patient_id = NULL WHERE seq = 7")
    db.close()
    broken = run(["audit", "verify"], tmp_path)
    assert broken.returncode == 1 and "BROKEN at event 7" in broken.stderr
