"""CPU time of one check-in through the web app, in process, and its statements.

    PYTHONPATH=src:. python benchmarks/checkin_request_cpu.py [--days 365] [--requests 200] \\
        [--backend postgres|sqlite] [--sql]

``benchmarks/checkin_cpu.py`` times the service call; this times the whole request as the
server runs it (middleware, routing, the guard's session lookup and patient check, body
validation, the handler in the thread pool, the response), calling the ASGI app directly with
no HTTP client or server, so the CPU is the app's own. Seeds one patient as ``checkin_cpu.py``
does, signs in as the clinician (as the load benchmark's clients), then POSTs check-ins for
one of the last 7 days (most are revisions) and prints the median CPU ms of this process per
request (``time.process_time``: every thread of the process, not the database server) and
the statements per request (``before_cursor_execute``). ``--sql``: also print one request's
statements. Runs against whichever ``src`` is on the path, so one command compares checkouts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.checkin_cpu import seed_year
from sqlalchemy import event
from tests.conftest import PASSWORD, make_container

from painpath.web.app import create_app

_WARM = 20  # requests before the timed ones (statement caches, prepared statements)


async def _call(
    app: Any, method: str, path: str, body: bytes, headers: list[tuple[bytes, bytes]]
) -> dict[str, Any]:
    """One HTTP request through the ASGI app; its status, headers and body."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"content-length", str(len(body)).encode()), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
        "state": {},
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)  # the client never disconnects
        return {"type": "http.disconnect"}

    out: dict[str, Any] = {"status": None, "headers": [], "body": b""}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"], out["headers"] = message["status"], message.get("headers", [])
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return out


async def _run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    rng = random.Random(12)
    if args.backend == "postgres":
        container = make_container(tmp, backend="postgres", pg_base="pp_rcpu")
    else:
        container = make_container(tmp)
    world, today = seed_year(container, args.days, rng)
    app = create_app(container.settings, container=container)
    signin = json.dumps({"email": "clin@a.test", "password": PASSWORD}).encode()
    reply = await _call(
        app, "POST", "/api/v1/session", signin, [(b"content-type", b"application/json")]
    )
    assert reply["status"] == 200, reply
    cookies = [v.decode().split(";")[0] for k, v in reply["headers"] if k == b"set-cookie"]
    headers = [
        (b"content-type", b"application/json"),
        (b"x-csrf-token", json.loads(reply["body"])["csrf_token"].encode()),
        (b"cookie", "; ".join(cookies).encode()),
    ]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        statements.append(sql)

    event.listen(container.engine, "before_cursor_execute", count)
    path = f"/api/v1/patients/{world.patient.id}/checkins"
    cpu = []
    for n in range(_WARM + args.requests):
        if n == _WARM:
            statements.clear()
        day = today - timedelta(days=rng.randint(0, 6))
        body = {
            "day": day.isoformat(),
            "pain_now": rng.randint(0, 10),
            "pain_worst": 10,
            "quota_done": rng.randint(0, 30),
        }
        started = time.process_time()
        reply = await _call(app, "POST", path, json.dumps(body).encode(), headers)
        if n >= _WARM:
            cpu.append(time.process_time() - started)
        assert reply["status"] == 201, reply
    container.engine.dispose()
    per = len(statements) // args.requests
    return {
        "backend": args.backend,
        "days": args.days,
        "requests": args.requests,
        "cpu_ms_median": round(statistics.median(cpu) * 1000, 2),
        "cpu_ms_mean": round(statistics.mean(cpu) * 1000, 2),
        "statements_per_request": len(statements) / args.requests,
        "statements": [s[:160].replace("\n", " ") for s in statements[-per:]] if args.sql else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--sql", action="store_true", help="print one request's statements")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(_run(args, Path(tmp)))
    if args.backend == "postgres":
        from benchmarks.checkin_cpu import _drop_schemas

        _drop_schemas("pp_rcpu_")
    if not args.sql:
        result.pop("statements")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
