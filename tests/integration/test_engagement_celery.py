"""With a broker, Celery beat drives the reminder run: real beat and worker processes on Redis,
the app's SQLite database and a real SMTP server; a reminder arrives once."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from painpath.services.engagement import save_reminder_settings
from painpath.worker.celery_app import beat_schedule
from tests.conftest import build_world, make_container
from tests.mailserver import SmtpTestServer


def test_beat_runs_every_scheduled_task() -> None:
    schedule = beat_schedule(45.0)
    assert schedule["painpath-reminders"] == {
        "task": "painpath.run_scheduled",
        "schedule": 45.0,
        "args": ["reminders"],
    }
    assert schedule["painpath-message-retention"]["schedule"] == 3600


def _celery(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    celery_bin = str(Path(sys.executable).parent / "celery")
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [celery_bin, "-A", "painpath.worker.celery_app:app", *args, "--loglevel", "WARNING"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.redis
def test_celery_beat_and_a_worker_send_the_reminder_once(
    tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    container = make_container(tmp_path)
    world = build_world(container)
    # Due all day today in real time (the processes run on the system clock): 00:00 UTC.
    save_reminder_settings(
        world.ctx(world.patient_actor),
        patient_id=world.patient.id,
        checkin=True,
        questionnaires=False,
        send_at="00:00",
        time_zone="UTC",
    )
    # A Redis database of its own, so another suite's worker on this machine cannot take the task.
    broker = f"redis://127.0.0.1:6379/{random.randint(10, 15)}"
    env = {
        **os.environ,
        "PAINPATH_DATA_DIR": str(tmp_path / "data"),
        "PAINPATH_BROKER_URL": broker,
        "PAINPATH_SMTP_HOST": smtp_server.host,
        "PAINPATH_SMTP_PORT": str(smtp_server.port),
        "PAINPATH_SMTP_STARTTLS": "false",
        "PAINPATH_SCHEDULER_SECONDS": "1",
    }
    env.pop("PAINPATH_DATABASE_URL", None)
    worker = _celery(
        [
            "worker",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"pp-beat-{os.getpid()}@localhost",
        ],
        env,
        tmp_path / "worker.log",
    )
    beat = _celery(["beat", "-s", str(tmp_path / "beat-schedule")], env, tmp_path / "beat.log")
    try:
        logs = lambda: (tmp_path / "worker.log").read_text() + (tmp_path / "beat.log").read_text()  # noqa: E731
        try:
            [mail] = smtp_server.wait_for(1, timeout_s=60)
        except AssertionError as err:
            raise AssertionError(f"{err}\n{logs()[-3000:]}") from None
        assert mail["To"] == "pat@a.test" and mail["Subject"] == "Your reminder from PainPath"
        time.sleep(2)  # beat keeps ticking every second: still one e-mail
        assert len(smtp_server.messages) == 1
    finally:
        _stop(beat)
        _stop(worker)
    with container.uow() as uow:
        [send] = uow.reminders.sends_for(world.patient.id, since=date(2000, 1, 1))
    assert send.status == "sent"
    container.engine.dispose()
