"""``painpath serve --workers 2``: two server processes on one port that agree on sessions
(stored in the database), so a signed-in client is served whichever process answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from painpath.adapters.db.migrate import upgrade_database
from painpath.bootstrap import build_container
from painpath.config import Settings
from painpath.domain.accounts import Role
from painpath.services.system import create_staff_user
from tests.conftest import PASSWORD, fast_hasher


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_workers_share_sessions(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data, database_url=None, secret_key=None)
    container = build_container(settings, hasher=fast_hasher(), worker_threads=0)
    upgrade_database(container.engine)
    create_staff_user(
        container.context(),
        email="w@a.test",
        name="W",
        role=Role.CLINICIAN,
        clinic_name="A",
        password=PASSWORD,
    )
    container.engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "PAINPATH_DATA_DIR": str(data),
        "PAINPATH_SCHEDULER_SECONDS": "0",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "painpath", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        with httpx.Client(base_url=base, timeout=30) as client:
            resp = client.post("/api/v1/session", json={"email": "w@a.test", "password": PASSWORD})
            assert resp.status_code == 200
            statuses = {client.get("/api/v1/me").status_code for _ in range(30)}
        assert statuses == {200}
        children = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(children) >= 2  # the uvicorn supervisor runs two worker processes
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_busy_workers_are_given_time_to_answer_the_supervisor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uvicorn's supervisor kills a worker that misses its health check (5 s by default,
    answered by a thread that needs the GIL); under the load benchmark on a busy 2-core host
    that killed working servers mid-request. ``serve`` gives them a minute."""
    import uvicorn
    from typer.testing import CliRunner

    from painpath.cli import app as cli_app

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("PAINPATH_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(cli_app, ["serve", "--workers", "2", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls and calls[0]["workers"] == 2
    assert int(calls[0]["timeout_worker_healthcheck"]) >= 30  # type: ignore[call-overload]


@pytest.mark.postgres
@pytest.mark.parametrize(("pool_size", "warned"), [(60, True), (5, False)])
def test_serve_warns_when_the_pools_could_exceed_postgres_max_connections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool_size: int, warned: bool
) -> None:
    """Two processes with 60 + 30 connections each could ask for 180; the server allows 100
    less 3 reserved: said at start-up, with the setting to change, not found out under load."""
    import uvicorn
    from typer.testing import CliRunner

    from painpath.cli import app as cli_app
    from tests.conftest import POSTGRES_URL

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    monkeypatch.setenv("PAINPATH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PAINPATH_DATABASE_URL", POSTGRES_URL)
    monkeypatch.setenv("PAINPATH_DB_POOL_SIZE", str(pool_size))
    monkeypatch.setenv("PAINPATH_DB_MAX_OVERFLOW", "30" if warned else "5")
    result = CliRunner().invoke(cli_app, ["serve", "--workers", "2", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert ("PAINPATH_DB_POOL_SIZE" in result.output) is warned, result.output
    if warned:
        assert "180 database connections" in result.output and "max_connections" in result.output


@pytest.mark.postgres
def test_serve_fits_the_default_pools_of_two_processes_to_max_connections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the default sizes (20 + 30), two processes could ask for 100 connections of the
    97 usable: ``serve`` gives each process 20 + 28 (through the environment its workers
    read) instead of warning."""
    import uvicorn
    from typer.testing import CliRunner

    from painpath.cli import app as cli_app
    from tests.conftest import POSTGRES_URL

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    monkeypatch.setenv("PAINPATH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PAINPATH_DATABASE_URL", POSTGRES_URL)
    for name in ("PAINPATH_DB_POOL_SIZE", "PAINPATH_DB_MAX_OVERFLOW"):
        monkeypatch.setenv(name, "0")  # recorded as unset, so the test leaves it unset
        monkeypatch.delenv(name)
    result = CliRunner().invoke(cli_app, ["serve", "--workers", "2", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "20 pooled + 28 overflow" in result.output and "warning" not in result.output
    assert os.environ["PAINPATH_DB_MAX_OVERFLOW"] == "28"
