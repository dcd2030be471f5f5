"""Load benchmark (issue 12): seed a caseload, start the real server, drive it with clients.

    python benchmarks/load.py --patients 200 --weeks 52 --clients 10,50 \\
        [--backend sqlite|postgresql] [--seconds 20] [--workers 1] [--pages ...] --json

Seeding: a clinic, one clinician, ``--patients`` patients with a walking programme that started
``--weeks`` weeks ago and the simulated daily check-ins of one of the five archetypes
(``domain/progression/simulation.py``), bulk-inserted as current check-in records in one
transaction per patient; the caseload summaries are computed once at the end. On PostgreSQL a
fresh database ``pp_load_<random>`` is created and dropped afterwards.

Then ``painpath serve`` runs as a subprocess and, per client count, that many async httpx
clients (each signed in as the clinician) request in turn: the health check, the caseload, a
patient's chart, their progress tab and a check-in (POST, a recent day, so a revision). Each
client runs for ``--seconds``, timed from the moment every client has signed in (argon2 is
not in the rates), and the run reports the CPU milliseconds per request of the client process,
the server's processes and (PostgreSQL) the database's backends, with the load average.
``--pages checkin`` (any comma-separated subset of the pages) drives only those pages, e.g. to
measure the check-in rate on its own; given more than once (``--pages all --pages checkin``),
each mix runs at every client count against the same seeded server, so one seeding serves
both. ``--client raw`` drives the pages with ``RawClient`` (a minimal HTTP/1.1 keep-alive
client) instead of httpx, whose ~2 ms of CPU per request competes with the server on a small
machine; the default stays httpx, so earlier figures remain comparable. Output: one JSON
object ``{"seed_s", "client", "runs": [{"clients", "pages": {page: {p50_ms, p95_ms, p99_ms,
rps, errors}}, "cpu_ms_per_request", "load_average"}]}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert, text

PAGES = ("health", "caseload", "chart", "progress", "checkin")
PG_ADMIN = os.environ.get("PAINPATH_LOAD_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
EMAIL = "load-clinician-{n}@clinic.test"  # one account per client: a new sign-in ends the
# account's earlier sessions, so clients must not share one
PASSWORD = secrets.token_urlsafe(16)


def _pg_database() -> tuple[str, str]:
    name = f"pp_load_{secrets.token_hex(4)}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg_database(name: str) -> None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def seed(env: dict[str, str], *, patients: int, weeks: int, clinicians: int = 1) -> list[str]:
    """Create the clinic, clinician and patients with their check-ins; return patient ids."""
    from painpath.adapters.db.migrate import upgrade_database
    from painpath.adapters.db.tables import RecordRow
    from painpath.bootstrap import build_container
    from painpath.config import Settings
    from painpath.demo import FixedClock
    from painpath.domain.accounts import Role
    from painpath.domain.progression.policy import GradedActivityPolicy
    from painpath.domain.progression.simulation import Archetype, simulate_patient
    from painpath.domain.records import RecordKind
    from painpath.services.caseload import refresh_summaries
    from painpath.services.patients import NewPatient, create_patient
    from painpath.services.progress import start_programme
    from painpath.services.progress.checkins import checkin_to_payload
    from painpath.services.system import create_staff_user

    settings = Settings(
        data_dir=Path(env["PAINPATH_DATA_DIR"]), database_url=env.get("PAINPATH_DATABASE_URL")
    )
    container = build_container(settings, worker_threads=0)
    upgrade_database(container.engine)
    users = [
        create_staff_user(
            container.context(),
            email=EMAIL.format(n=n),
            name=f"Load Clinician {n}",
            role=Role.CLINICIAN,
            clinic_name="Load Clinic",
            password=PASSWORD,
        )
        for n in range(max(clinicians, 1))
    ]
    user = users[0]
    from painpath.domain.accounts import Actor

    actor = Actor(user.id, user.role, user.clinic_id, user.name)
    ctx = container.context().acting_as(actor)
    today = container.clock.today()
    start = today - timedelta(weeks=weeks)
    archetypes = list(Archetype)
    ids = []
    for n in range(patients):
        patient = create_patient(  # admitted when the programme started (entries are not
            # accepted from before the episode's start)
            replace(ctx, clock=FixedClock(start)),
            new=NewPatient(f"Person{n:03d}", f"Load{n:03d}", None, None, f"L{n:05d}", None),
        )
        archetype = archetypes[n % len(archetypes)]
        goal = 30.0
        start_programme(
            replace(ctx, clock=FixedClock(start)),
            patient_id=patient.id,
            activity="walking",
            unit="minutes",
            goal=goal,
        )
        course = simulate_patient(
            archetype,
            weeks=weeks,
            seed=n,
            policy=GradedActivityPolicy(goal_quota=goal),
            start=start,
        )
        rows = [
            {
                "record_id": secrets.token_hex(16),
                "version": 1,
                "kind": RecordKind.CHECKIN.value,
                "patient_id": patient.id,
                "natural_key": d.day.isoformat(),
                "payload": checkin_to_payload(d.checkin),
                "meta": {"entered_by_role": "patient"},
                "created_by": user.id,
                "is_current": True,
                "voided": False,
            }
            for d in course.days
            if d.checkin is not None and d.day < today
        ]
        with container.uow() as uow:
            if rows:
                uow.session.execute(insert(RecordRow), rows)  # type: ignore[attr-defined]
            refresh_summaries(uow, [patient.id], today)
            uow.commit()
        ids.append(patient.id)
    container.engine.dispose()
    return ids


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    """Start ``painpath serve`` in its own process group (stopped as a group: its worker
    processes too); its log goes to ``server.log`` in the data directory, never to a pipe
    nobody reads (a full pipe stalls the server)."""
    cmd = [
        sys.executable,
        "-m",
        "painpath",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    log = Path(env["PAINPATH_DATA_DIR"]) / "server.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("the server did not start: " + log.read_text(errors="replace")[-2000:])


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    except ProcessLookupError:
        pass


async def _signed_in(
    base: str, n: int, out: dict[str, list[Any]]
) -> tuple[httpx.Cookies, str] | None:
    """Sign client ``n`` in as its own clinician: its cookies and CSRF token (None if refused).

    The connection is closed afterwards: clients wait for the others' sign-ins (argon2, seconds
    on a busy machine), longer than the server keeps an idle connection open (uvicorn's 5 s),
    and a request sent just as the server closes such a connection fails with no response."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        resp = await client.post(
            "/api/v1/session", json={"email": EMAIL.format(n=n), "password": PASSWORD}
        )
        if resp.status_code != 200:
            out["signin_errors"].append(resp.status_code)
            out["failures"].append(f"sign-in {resp.status_code} {resp.text[:160]}")
            return None
        return httpx.Cookies(client.cookies), str(resp.json()["csrf_token"])


class _Reply:
    """What ``_client`` reads of a response: the status and the body's text."""

    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code = status_code
        self.text = body.decode("utf-8", "replace")


class RawClient:
    """``--client raw``: a minimal HTTP/1.1 client on one keep-alive connection (asyncio
    streams, the request written by hand, the response read by Content-Length or chunks).

    httpx costs about 2 ms of CPU per request, on the same two cores as the server; this
    client does only what the benchmark's pages need (GET, a JSON POST, cookies sent as one
    header) for a fraction of that. A request that fails is a failure, never resent; the
    next one opens a new connection."""

    def __init__(self, base: str, cookies: httpx.Cookies) -> None:
        url = httpx.URL(base)
        self._host, self._port = url.host, url.port or 80
        cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
        self._fixed = f"Host: {self._host}:{self._port}\r\nCookie: {cookie}\r\n"
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> _Reply:
        return await self._send(f"GET {path} HTTP/1.1\r\n{self._fixed}\r\n".encode())

    async def post(self, path: str, *, json: Any, headers: dict[str, str]) -> _Reply:
        body = _json_bytes(json)
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head = (
            f"POST {path} HTTP/1.1\r\n{self._fixed}{extra}Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        return await self._send(head.encode() + body)

    async def _send(self, request: bytes) -> _Reply:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self._host, self._port)
        reader, writer = self._streams
        try:
            writer.write(request)
            reply, keep = await asyncio.wait_for(_read_reply(reader), 60)  # httpx's timeout
        except BaseException:
            await self.aclose()
            raise
        if not keep:
            await self.aclose()
        return reply

    async def aclose(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


async def _read_reply(reader: asyncio.StreamReader) -> tuple[_Reply, bool]:
    """One response: (reply, whether the connection stays open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    fields: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
    if fields.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await reader.readexactly(size + 2))
        await reader.readuntil(b"\r\n")  # the last chunk's (empty) trailer
        body = b"".join(p[:-2] for p in parts)
    else:
        body = await reader.readexactly(int(fields.get("content-length", "0")))
    return _Reply(status, body), fields.get("connection", "").lower() != "close"


async def _client(
    client: httpx.AsyncClient | RawClient,
    csrf: str,
    patient_ids: list[str],
    end: float,
    seed: int,
    out: dict[str, list[Any]],
    pages: tuple[str, ...] = PAGES,
) -> None:
    rng = random.Random(seed)
    turn = seed
    while time.monotonic() < end:
        page = pages[turn % len(pages)]
        turn += 1
        pid = rng.choice(patient_ids)
        started = time.perf_counter()
        try:
            if page == "health":
                r = await client.get("/healthz")
            elif page == "caseload":
                r = await client.get("/caseload")
            elif page == "chart":
                r = await client.get(f"/patients/{pid}")
            elif page == "progress":
                r = await client.get(f"/patients/{pid}/tab/progress")
            else:
                day = time.gmtime(time.time() - 86400 * rng.randint(0, 6))
                r = await client.post(
                    f"/api/v1/patients/{pid}/checkins",
                    json={
                        "day": time.strftime("%Y-%m-%d", day),
                        "pain_now": rng.randint(0, 10),
                        "pain_worst": 10,
                        "quota_done": rng.randint(0, 30),
                    },
                    headers={"X-CSRF-Token": csrf},
                )
            ok = r.status_code < 300  # a redirect to the sign-in page is a failure too
            if not ok:
                out["failures"].append(f"{page} {r.status_code} {r.text[:160]}")
        except (httpx.HTTPError, OSError, asyncio.IncompleteReadError, ValueError) as err:
            ok = False
            out["failures"].append(f"{page} {type(err).__name__}")
        elapsed = (time.perf_counter() - started) * 1000
        out[page].append((elapsed, ok))


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def _cpu_s(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds so far of each of these processes (Linux ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime (14, 15)
    return found


def _cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two samples; a process new in ``after`` counts in full."""
    return sum(v - before.get(pid, 0.0) for pid, v in after.items())


def _server_pids(proc: subprocess.Popen[bytes] | None) -> list[int]:
    """The server process and its worker processes."""
    if proc is None:
        return []
    found = [proc.pid]
    for pid in found:  # grows while walking: children of children too
        try:
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        found.extend(int(k) for k in kids)
    return found


def _pg_backend_pids(env: dict[str, str]) -> list[int]:
    """The PostgreSQL server processes serving the benchmark's database (same host)."""
    url = env.get("PAINPATH_DATABASE_URL")
    if not url:
        return []
    engine = create_engine(PG_ADMIN)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :db"),
                {"db": url.rsplit("/", 1)[1]},
            )
            return [int(r[0]) for r in rows]
    finally:
        engine.dispose()


async def run_clients(
    base: str,
    patient_ids: list[str],
    clients: int,
    seconds: float,
    pages: tuple[str, ...] = PAGES,
    *,
    server: subprocess.Popen[bytes] | None = None,
    env: dict[str, str] | None = None,
    client: str = "httpx",
) -> dict[str, Any]:
    """Sign every client in, then drive the pages for ``seconds``: the timed window (rates,
    latencies and CPU) starts after the last sign-in, so argon2 is not in it. ``client``:
    ``httpx`` (an ``httpx.AsyncClient`` per client) or ``raw`` (``RawClient``)."""
    out: dict[str, list[Any]] = {p: [] for p in PAGES}
    out["signin_errors"] = []
    out["failures"] = []
    signed = await asyncio.gather(*(_signed_in(base, n, out) for n in range(clients)))
    ready = [
        (
            n,
            (
                RawClient(base, s[0])
                if client == "raw"
                else httpx.AsyncClient(base_url=base, timeout=60, cookies=s[0]),
                s[1],
            ),
        )
        for n, s in enumerate(signed)
        if s is not None
    ]
    pg0 = _cpu_s(_pg_backend_pids(env or {}))
    server_pids = _server_pids(server)
    cpu0 = (time.process_time(), _cpu_s(server_pids), os.getloadavg()[0])
    started = time.monotonic()
    try:
        await asyncio.gather(
            *(
                _client(c, csrf, patient_ids, started + seconds, n, out, pages)
                for n, (c, csrf) in ready
            )
        )
        wall = time.monotonic() - started
        cpu1 = (time.process_time(), _cpu_s(server_pids), os.getloadavg()[0])
        pg1 = _cpu_s(_pg_backend_pids(env or {}))
    finally:
        await asyncio.gather(*(c.aclose() for _, (c, _csrf) in ready))
    results = {}
    for page in pages:
        times = [t for t, _ in out[page]]
        results[page] = {
            "requests": len(times),
            "p50_ms": round(statistics.median(times), 1) if times else 0.0,
            "p95_ms": _pct(times, 0.95),
            "p99_ms": _pct(times, 0.99),
            "rps": round(len(times) / wall, 1),
            "errors": sum(1 for _, ok in out[page] if not ok),
        }
    requests = max(1, sum(r["requests"] for r in results.values()))
    return {
        "clients": clients,
        "signin_errors": len(out["signin_errors"]),
        "first_failures": sorted(set(out["failures"]))[:5],
        "pages": results,
        # CPU per request in the timed window: this client process, the server's processes,
        # and (PostgreSQL) the backends serving this database at the start or the end (one
        # that opened and closed in between is missed); other users of the machine are in
        # none of them. The one-minute load average at the start and the end.
        "cpu_ms_per_request": {
            "client": round((cpu1[0] - cpu0[0]) * 1000 / requests, 2),
            "server": round(_cpu_delta(cpu0[1], cpu1[1]) * 1000 / requests, 2),
            "postgres": round(_cpu_delta(pg0, pg1) * 1000 / requests, 2) if pg1 else None,
        },
        "load_average": [round(cpu0[2], 1), round(cpu1[2], 1)],
    }


def _mix(parser: argparse.ArgumentParser, text: str) -> tuple[str, ...]:
    pages = (
        PAGES if text.strip() == "all" else tuple(p.strip() for p in text.split(",") if p.strip())
    )
    if not pages or set(pages) - set(PAGES):
        parser.error(f"--pages takes 'all' or a comma-separated subset of {','.join(PAGES)}")
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--clients", default="10,50")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=20.0, help="per client count")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--pages",
        action="append",
        help=f"'all' or a comma-separated subset of {','.join(PAGES)}; repeat for several mixes",
    )
    parser.add_argument(
        "--client",
        choices=("httpx", "raw"),
        default="httpx",
        help="httpx: an httpx.AsyncClient per client (about 2 ms CPU a request); raw: a"
        " minimal HTTP/1.1 keep-alive client (RawClient), leaving more CPU to the server",
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args()
    mixes = [_mix(parser, text) for text in args.pages or ["all"]]
    data_dir = Path(tempfile.mkdtemp(prefix="pp-load-"))
    env = {
        **os.environ,
        "PAINPATH_DATA_DIR": str(data_dir),
        "PAINPATH_SECRET_KEY": secrets.token_urlsafe(32),
        "PAINPATH_SCHEDULER_SECONDS": "0",
        # Every client signs in from 127.0.0.1 at once, and attempts still being checked count
        # towards the per-address and total limits (concurrent guessing must not get round
        # them): 50 simultaneous sign-ins would meet the limit of 20 per address.
        "PAINPATH_SIGNIN_ATTEMPTS_PER_WINDOW": "1000",
        "PAINPATH_SIGNIN_CLIENT_ATTEMPTS_PER_WINDOW": "10000",
        "PAINPATH_SIGNIN_GLOBAL_ATTEMPTS_PER_WINDOW": "10000",
    }
    pg_name = None
    if args.backend == "postgresql":
        pg_name, env["PAINPATH_DATABASE_URL"] = _pg_database()
    os.environ.update({k: v for k, v in env.items() if k.startswith("PAINPATH_")})
    proc = None
    try:
        started = time.monotonic()
        counts = [int(c) for c in args.clients.split(",") if c.strip()]
        ids = seed(env, patients=args.patients, weeks=args.weeks, clinicians=max(counts))
        seed_s = round(time.monotonic() - started, 1)
        if not args.json:
            print(f"seeded {len(ids)} patients x {args.weeks} weeks in {seed_s} s", file=sys.stderr)
        port = _free_port()
        proc = start_server(env, port, args.workers)
        runs = []
        for pages in mixes:
            for clients in counts:
                run = asyncio.run(
                    run_clients(
                        f"http://127.0.0.1:{port}",
                        ids,
                        clients,
                        args.seconds,
                        pages,
                        server=proc,
                        env=env,
                        client=args.client,
                    )
                )
                runs.append({"mix": list(pages), **run})
                if not args.json:
                    print(json.dumps(runs[-1]), file=sys.stderr)
        result = {
            "backend": args.backend,
            "patients": args.patients,
            "weeks": args.weeks,
            "workers": args.workers,
            "seconds": args.seconds,
            "client": args.client,
            "seed_s": seed_s,
            "runs": runs,
        }
        print(json.dumps(result, indent=None if args.json else 2))
    finally:
        if proc is not None:
            stop_server(proc)
            log = data_dir / "server.log"
            if log.exists() and log.stat().st_size:  # the server's warnings, before cleanup
                tail = log.read_text(errors="replace")[-3000:]
                print("server log (tail):", tail, file=sys.stderr)
        if pg_name:
            _drop_pg_database(pg_name)
        shutil.rmtree(data_dir, ignore_errors=True)  # the SQLite database is ~50 MB


if __name__ == "__main__":
    main()
