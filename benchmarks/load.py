"""Load benchmark (issue 9): realistic mixes of member, peer specialist, supervisor and trainee
requests against a real `peerpath serve` with several uvicorn workers, on the large dataset.

One command:

    .venv/bin/python benchmarks/load.py --engine both --clients 16,64 --duration 60 --workers 2
    .venv/bin/python benchmarks/load.py --engine sqlite --workers 1 --write-docs
    .venv/bin/python benchmarks/load.py --engine sqlite --profile "member's plan"

For each engine (SQLite file var/bench/large.db; PostgreSQL database peerpath_bench_large on
--postgres) it:

1. prepares the large dataset (`peerpath db upgrade`, then `peerpath demo --scale large` when
   the data is missing; --regenerate makes it again);
2. starts `peerpath serve --workers N` and signs a pool of generated accounts in through the
   login form: members, peer specialists, supervisors and trainees of different
   organizations, each client its own person;
3. for each client count (16, 64): runs the MIX for --duration seconds, each client replaying
   its role's pages by weight with a human pause between requests (--think, default 0.5-1 s),
   then the same with no pause (--no-pause-duration; 0 skips it). Before each, the FLOOR
   (GET /healthz: same app, middleware and server, no database, no session) is hammered by
   the same clients the same way;
4. runs each page ALONE at saturation (--alone-clients clients, no pause, --alone-seconds) and
   the floor the same way, and reports the page's throughput as a ratio of the floor's: the
   ratio, unlike absolute numbers, carries over between machines;
5. samples every worker's resident memory (RSS) throughout and reports the peak per worker.

The mix per role (weights; a page is a GET unless marked):

- member: home /my-recovery 3, check-in page 3, own plan /members/ID/plan 2 (where /my-plan
  redirects), progress 2, journal 1, check-in save (POST /check-in, today's check-in) 1
- peer specialist: caseload 3, a member's plan 2, a member's notes 2, a member's overview 1,
  note search 1, note draft autosave (POST /notes/autosave) 1; members taken from the
  specialist's own caseload page
- supervisor: review queue /supervision/queue 4, supervision home 2, outcomes dashboard 1
- trainee: next practice question /training/practice 4, training home 1

Prints markdown tables; --write-docs puts them into docs/benchmarks.md under "## Load
benchmark", between markers per engine and worker count (the written analysis around them
stays). --without PAGE leaves a page out. --profile PAGE runs
that page in process under cProfile (no server) and prints where the time goes.

Targets (issue 9): member and peer specialist pages p95 < 100 ms at 16 clients, no errors at
64, a worker's peak memory < 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    ROOT,
    MemorySampler,
    engine_url,
    environment,
    prepare,
    rss_mb,
    server_cpu,
    server_processes,
    sign_in,
    var_dir,
)
from checkin_save import _free_port, _machine, _percentile, _wait_until_up

TARGET_P95_MS = 100.0
TARGET_RSS_MB = 300.0
FLOOR = "floor /healthz"
MEMBER_LINK = re.compile(r'href="/members/(\d+)"')
RATING_INPUT = re.compile(r'name="r_([a-z_]+)"')
NOTE_ID = re.compile(r'name="note_id" value="(\d+)"')
NOTE_VERSION = re.compile(r'name="version" value="(\d+)"')
SEARCH_WORDS = ("garden", "housing forms", "sister", "warmline", "sleep", "budgeting", "library")
PURPOSES = (
    "Talked through the week and the bus route to the new job.",
    "Planned the call to the landlord together; practised what to say.",
    "Walked to the food pantry and talked about the Tuesday group.",
)


@dataclass
class Person:
    """One signed-in client: who it is and what it has learned from its own pages."""

    username: str
    role: str
    client: httpx2.AsyncClient
    token: str = ""
    me: int = 0  # the person's own user id
    members: list[int] = field(default_factory=list)  # a peer specialist's caseload
    dimensions: list[str] = field(default_factory=list)  # a member's check-in ratings
    draft: tuple[int, int] | None = None  # a peer specialist's note draft: id, version


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    data: dict[str, str] | None = None
    expect: int = 200


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    weight: int
    build: Callable[[Person, random.Random], Request]
    kind: str = "page"  # page or write


def _member_of(person: Person, rng: random.Random) -> int:
    return rng.choice(person.members)


def _checkin_save(person: Person, rng: random.Random) -> Request:
    form = {f"r_{d}": str(rng.randint(2, 9)) for d in person.dimensions}
    form.update(
        csrftoken=person.token,
        day=datetime.now(UTC).date().isoformat(),
        hope=str(rng.randint(3, 9)),
        connection=str(rng.randint(2, 9)),
        note=rng.choice(("", "", "Went for a walk after lunch and called my brother.")),
    )
    return Request("POST", "/check-in", form, expect=303)


def _note_autosave(person: Person, rng: random.Random) -> Request:
    form = {
        "csrftoken": person.token,
        "contact_date": datetime.now(UTC).date().isoformat(),
        "modality": "in_person",
        "purpose": rng.choice(PURPOSES),
        "intervention": "Listened, shared my own experience of starting over, planned a step.",
    }
    if person.draft is None:
        form["member_id"] = str(person.members[0])
    else:
        form.update(note_id=str(person.draft[0]), version=str(person.draft[1]))
    return Request("POST", "/notes/autosave", form)


def _get(path: str) -> Callable[[Person, random.Random], Request]:
    return lambda person, rng: Request("GET", path)


def _member_page(suffix: str) -> Callable[[Person, random.Random], Request]:
    return lambda person, rng: Request("GET", f"/members/{_member_of(person, rng)}{suffix}")


PAGES: tuple[Page, ...] = (
    Page("member home", "member", 3, _get("/my-recovery")),
    Page("check-in page", "member", 3, _get("/check-in")),
    # /my-plan redirects here
    Page("my plan", "member", 2, lambda person, rng: Request("GET", f"/members/{person.me}/plan")),
    Page("progress", "member", 2, _get("/progress")),
    Page("journal", "member", 1, _get("/journal")),
    Page("check-in save", "member", 1, _checkin_save, "write"),
    Page("caseload", "peer", 3, _get("/caseload")),
    Page("member's plan", "peer", 2, _member_page("/plan")),
    Page("member's notes", "peer", 2, _member_page("/notes")),
    Page("member overview", "peer", 1, _member_page("")),
    Page(
        "note search",
        "peer",
        1,
        lambda person, rng: Request("GET", f"/notes/search?q={rng.choice(SEARCH_WORDS)}"),
    ),
    Page("note draft autosave", "peer", 1, _note_autosave, "write"),
    Page("review queue", "supervisor", 4, _get("/supervision/queue")),
    Page("supervision home", "supervisor", 2, _get("/supervision")),
    Page("outcomes dashboard", "supervisor", 1, _get("/outcomes")),
    Page("next question", "trainee", 4, _get("/training/practice")),
    Page("training home", "trainee", 1, _get("/training")),
)
PAGE_BY_NAME = {p.name: p for p in PAGES}
FLOOR_PAGE = Page(FLOOR, "any", 1, _get("/healthz"))
ROLE_SHARE = {"member": 0.375, "peer": 0.375, "supervisor": 0.125, "trainee": 0.125}
ROLE_TITLE = {
    "member": "member",
    "peer": "peer specialist",
    "supervisor": "supervisor",
    "trainee": "trainee",
    "any": "anyone",
}


def _role_counts(clients: int) -> dict[str, int]:
    counts = {role: max(1, round(clients * share)) for role, share in ROLE_SHARE.items()}
    counts["member"] += clients - sum(counts.values())
    return counts


def _usernames(role: str, count: int) -> list[str]:
    """Generated accounts (peerpath.scale): spread over the 20 organizations."""
    if role == "member":
        return [f"scale{n % 20 + 1:02d}.member{n // 20 + 1}" for n in range(count)]
    if role == "peer":
        return [f"scale{n % 20 + 1:02d}.peer{n // 20 + 1}" for n in range(count)]
    if role == "supervisor":  # one per organization
        return [f"scale{n % 20 + 1:02d}.supervisor1" for n in range(count)]
    return [f"scale{n % 20 + 1:02d}.trainee{n // 20 % 2 + 1}" for n in range(count)]


# ---- measuring -----------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # ms, answered as expected
    errors: dict[str, dict[str, int]] = field(default_factory=dict)

    def ok(self, page: str, ms: float) -> None:
        self.latencies.setdefault(page, []).append(ms)

    def error(self, page: str, what: str) -> None:
        bucket = self.errors.setdefault(page, {})
        bucket[what] = bucket.get(what, 0) + 1

    def count(self, page: str) -> int:
        return len(self.latencies.get(page, []))

    def error_count(self, page: str) -> int:
        return sum(self.errors.get(page, {}).values())


async def _send(person: Person, page: Page, rng: random.Random) -> tuple[bool, str, float]:
    request = page.build(person, rng)
    began = time.perf_counter()
    try:
        if request.method == "GET":
            response = await person.client.get(request.path)
        else:
            response = await person.client.post(request.path, data=request.data)
        ok = response.status_code == request.expect
        what = str(response.status_code)
    except httpx2.HTTPError as exc:
        return False, type(exc).__name__, (time.perf_counter() - began) * 1000
    took = (time.perf_counter() - began) * 1000
    if ok and page.name == "note draft autosave":
        found_id, found_version = NOTE_ID.search(response.text), NOTE_VERSION.search(response.text)
        if found_id and found_version:
            person.draft = (int(found_id.group(1)), int(found_version.group(1)))
    elif response.status_code == 409 and page.name == "note draft autosave":
        person.draft = None  # start a new draft next time
    return ok, what, took


async def _client_loop(
    n: int,
    person: Person,
    pages: list[Page],
    think: tuple[float, float],
    measure_from: float,
    stop_at: float,
    tally: Tally,
) -> None:
    rng = random.Random(n * 7919 + 17)
    weights = [p.weight for p in pages]
    if think[1]:
        await asyncio.sleep(rng.uniform(0, think[1]))  # do not all start at once
    while time.perf_counter() < stop_at:
        page = rng.choices(pages, weights)[0]
        started = time.perf_counter()
        ok, what, ms = await _send(person, page, rng)
        if started >= measure_from:  # every request started in the window, however slow
            if ok:
                tally.ok(page.name, ms)
            else:
                tally.error(page.name, what)
        if think[1]:
            await asyncio.sleep(rng.uniform(*think))


@dataclass
class Run:
    label: str
    clients: int
    think: tuple[float, float]
    seconds: float
    tally: Tally
    cpu: float  # server CPU seconds
    load: tuple[float, float]
    rss_peak: dict[int, float]
    # --soak: (seconds into the measured run, {worker pid: RSS MB}) every --soak-interval
    timeline: list[tuple[float, dict[int, float]]] = field(default_factory=list)
    helpers_peak: float = 0.0  # the largest report process (db/reports.py), MB


async def _run(
    label: str,
    people: list[Person],
    pages_of: Callable[[Person], list[Page]],
    think: tuple[float, float],
    seconds: float,
    warmup: float,
    server_pid: int,
    memory: MemorySampler,
    timeline_every: float = 0.0,
) -> Run:
    tally = Tally()
    measure_from = time.perf_counter() + warmup
    stop_at = measure_from + seconds
    cpu_at: list[float] = []
    load_at: list[float] = []
    timeline: list[tuple[float, dict[int, float]]] = []

    def mark() -> None:
        cpu_at.append(server_cpu(server_pid))
        load_at.append(os.getloadavg()[0])
        memory.reset()

    async def follow_memory() -> None:
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        while True:
            at = time.perf_counter() - measure_from
            timeline.append((at, {pid: rss_mb(pid) for pid in server_processes(server_pid)}))
            if at >= seconds:
                return
            await asyncio.sleep(min(timeline_every, max(0.0, stop_at - time.perf_counter())))

    asyncio.get_running_loop().call_later(warmup, mark)
    follower = asyncio.create_task(follow_memory()) if timeline_every else None
    await asyncio.gather(
        *(
            _client_loop(n, person, pages_of(person), think, measure_from, stop_at, tally)
            for n, person in enumerate(people)
        )
    )
    if follower is not None:
        await follower
    cpu = server_cpu(server_pid) - (cpu_at[0] if cpu_at else 0.0)
    memory.sample()
    return Run(
        label,
        len(people),
        think,
        seconds,
        tally,
        cpu,
        (load_at[0] if load_at else float("nan"), os.getloadavg()[0]),
        dict(memory.peak),
        timeline,
        memory.helpers_peak,
    )


# ---- setting up the clients ----------------------------------------------------------------


async def _setup(people: list[Person]) -> None:
    """Sign everyone in (one after another: sign-in is a deliberately slow password check) and
    learn what each needs: a peer specialist's caseload, a member's check-in dimensions."""
    for person in people:
        person.token = await sign_in(person.client, person.username)
        person.me = int((await person.client.get("/api/v1/me")).json()["id"])
        if person.role == "peer":
            page = await person.client.get("/caseload")
            person.members = sorted({int(m) for m in MEMBER_LINK.findall(page.text)})
            if not person.members:
                raise SystemExit(f"{person.username} has nobody on the caseload page")
        elif person.role == "member":
            page = await person.client.get("/check-in")
            person.dimensions = sorted(set(RATING_INPUT.findall(page.text)))
            if not person.dimensions:
                raise SystemExit(f"{person.username}: no ratings on the check-in page")


async def _warm(people: list[Person], rounds: int = 3) -> None:
    """FastAPI builds per-route state lazily, per worker: touch every page a few times first."""
    rng = random.Random(1)
    for _ in range(rounds):
        for page in PAGES:
            person = next(p for p in people if p.role == page.role)
            await _send(person, page, rng)
        await _send(people[0], FLOOR_PAGE, rng)


SKIPPED: set[str] = set()  # --without: pages left out of the mix and the alone pass


def _mix_of(person: Person) -> list[Page]:
    return [p for p in PAGES if p.role == person.role and p.name not in SKIPPED]


async def measure_engine(name: str, url: str, args: argparse.Namespace) -> list[Run]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = environment(url, var_dir(name), base_url)
    command = [
        sys.executable,
        "-m",
        "peerpath",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(args.workers[name]),
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    runs: list[Run] = []
    memory = MemorySampler(server.pid)
    try:
        _wait_until_up(base_url, server)
        memory.start()
        biggest = max(args.clients)
        people: list[Person] = []
        limits = httpx2.Limits(max_connections=1, max_keepalive_connections=1)
        for role, count in _role_counts(biggest).items():
            for username in _usernames(role, count):
                client = httpx2.AsyncClient(
                    base_url=base_url, timeout=60, follow_redirects=False, limits=limits
                )
                people.append(Person(username, role, client))
        try:
            print(f"[{name}] signing in {len(people)} people ...", flush=True)
            await _setup(people)
            await _warm(people)
            for clients in args.clients:
                counts = _role_counts(clients)
                group = [
                    p
                    for role, count in counts.items()
                    for p in [q for q in people if q.role == role][:count]
                ]
                modes = [("human", args.think)]
                if args.no_pause_duration and not args.soak:
                    modes.append(("no pause", (0.0, 0.0)))
                for mode, think in modes:
                    seconds = args.duration if mode == "human" else args.no_pause_duration
                    kinds: list[tuple[str, Callable[[Person], list[Page]]]] = [
                        ("floor", lambda _p: [FLOOR_PAGE]),
                        ("mix", _mix_of),
                    ]
                    for label, pages_of in kinds[1:] if args.soak else kinds:
                        run_seconds = (
                            min(seconds, args.floor_seconds) if label == "floor" else seconds
                        )
                        print(
                            f"[{name}] {label}, {clients} clients, {mode}, {run_seconds:g} s ...",
                            flush=True,
                        )
                        run = await _run(
                            f"{label}|{mode}",
                            group,
                            pages_of,
                            think,
                            run_seconds,
                            args.warmup,
                            server.pid,
                            memory,
                            args.soak_interval if args.soak and label == "mix" else 0.0,
                        )
                        runs.append(run)
                        print("   " + _one_line(run), flush=True)
            if args.alone_seconds and not args.soak:
                runs += await _alone(name, people, args, server.pid, memory)
        finally:
            for person in people:
                await person.client.aclose()
    finally:
        memory.stop()
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    return runs


async def _alone(
    name: str, people: list[Person], args: argparse.Namespace, pid: int, memory: MemorySampler
) -> list[Run]:
    """Each page alone, and the floor, at saturation with the same number of clients."""
    runs = []
    for page in (FLOOR_PAGE, *(p for p in PAGES if p.name not in SKIPPED)):
        group = [p for p in people if page.role in (p.role, "any")][: args.alone_clients]
        print(f"[{name}] alone: {page.name}, {len(group)} clients ...", flush=True)
        run = await _run(
            f"alone|{page.name}",
            group,
            lambda _p, page=page: [page],  # type: ignore[misc]
            (0.0, 0.0),
            args.alone_seconds,
            1.0,
            pid,
            memory,
        )
        runs.append(run)
    return runs


# ---- reporting -----------------------------------------------------------------------------


def _ms(values: list[float], share: float) -> str:
    return f"{_percentile(values, share):.0f}" if values else "-"


def _total(run: Run) -> tuple[int, int]:
    answered = sum(len(v) for v in run.tally.latencies.values())
    errors = sum(run.tally.error_count(p) for p in run.tally.errors)
    return answered, errors


def _one_line(run: Run) -> str:
    answered, errors = _total(run)
    every = [x for v in run.tally.latencies.values() for x in v]
    return (
        f"{answered} answered, {errors} errors, {answered / run.seconds:.1f}/s, "
        f"p50 {_ms(every, 0.5)} ms, p95 {_ms(every, 0.95)} ms, p99 {_ms(every, 0.99)} ms, "
        f"load {run.load[0]:.1f}->{run.load[1]:.1f}, "
        f"peak RSS {max(run.rss_peak.values(), default=0):.0f} MB"
    )


def _think_text(think: tuple[float, float]) -> str:
    return "no pause" if not think[1] else f"pause {think[0]:g}-{think[1]:g} s"


def _errors_text(run: Run, page: str) -> str:
    errors = run.tally.errors.get(page, {})
    if not errors:
        return "0"
    return f"{sum(errors.values())} (" + ", ".join(f"{k}: {v}" for k, v in errors.items()) + ")"


def report(runs: list[Run], args: argparse.Namespace) -> list[str]:
    lines: list[str] = []
    floors = {(r.clients, r.think): r for r in runs if r.label.startswith("floor|")}
    for run in runs:
        if not run.label.startswith("mix|"):
            continue
        floor = floors.get((run.clients, run.think))
        answered, errors = _total(run)
        every = [x for v in run.tally.latencies.values() for x in v]
        lines += [
            f"**{run.clients} clients, {_think_text(run.think)}**, {run.seconds:g} s measured; "
            f"load average {run.load[0]:.1f} at the start, {run.load[1]:.1f} at the end; "
            f"server CPU {run.cpu / max(answered, 1) * 1000:.1f} ms per request; "
            f"peak RSS per worker: "
            + ", ".join(f"{v:.0f} MB" for v in sorted(run.rss_peak.values(), reverse=True)),
            "",
            "| page | role | count | errors | p50 ms | p95 ms | p99 ms | throughput |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for page in PAGES:
            ms = run.tally.latencies.get(page.name, [])
            if not ms and not run.tally.errors.get(page.name):
                continue
            flag = ""
            if (
                page.role in ("member", "peer")
                and run.clients == 16
                and _percentile(ms, 0.95) >= TARGET_P95_MS
            ):
                flag = " (over 100)"
            lines.append(
                f"| {page.name} | {ROLE_TITLE[page.role]} | {len(ms)} | "
                f"{_errors_text(run, page.name)} | {_ms(ms, 0.5)} | {_ms(ms, 0.95)}{flag} | "
                f"{_ms(ms, 0.99)} | {len(ms) / run.seconds:.1f}/s |"
            )
        lines.append(
            f"| **all pages** | | {answered} | {errors} | {_ms(every, 0.5)} | "
            f"{_ms(every, 0.95)} | {_ms(every, 0.99)} | {answered / run.seconds:.1f}/s |"
        )
        if floor is not None:
            fms = [x for v in floor.tally.latencies.values() for x in v]
            fanswered, ferrors = _total(floor)
            lines.append(
                f"| {FLOOR} (run alone before) | anyone | {fanswered} | {ferrors} | "
                f"{_ms(fms, 0.5)} | {_ms(fms, 0.95)} | {_ms(fms, 0.99)} | "
                f"{fanswered / floor.seconds:.1f}/s |"
            )
        lines.append("")
        if run.timeline:
            lines += _timeline_lines(run)
    alone = [r for r in runs if r.label.startswith("alone|")]
    if alone:
        floor_run = next(r for r in alone if r.label == f"alone|{FLOOR}")
        floor_tp = _total(floor_run)[0] / floor_run.seconds
        lines += [
            f"**Each page alone at saturation** ({args.alone_clients} clients of its role, no "
            f"pause, {args.alone_seconds:g} s each; load average "
            f"{alone[0].load[0]:.1f}-{max(r.load[1] for r in alone):.1f}): throughput as a "
            f"share of the floor's ({floor_tp:.0f}/s)",
            "",
            "| page | role | throughput | of the floor | p50 ms | p95 ms | server CPU/request | "
            "errors |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for run in alone:
            page_name = run.label.split("|", 1)[1]
            page = PAGE_BY_NAME.get(page_name, FLOOR_PAGE)
            ms = run.tally.latencies.get(page_name, [])
            throughput = len(ms) / run.seconds
            lines.append(
                f"| {page_name} | {ROLE_TITLE[page.role]} | {throughput:.1f}/s | "
                f"{throughput / floor_tp:.3f} | {_ms(ms, 0.5)} | {_ms(ms, 0.95)} | "
                f"{run.cpu / max(len(ms), 1) * 1000:.1f} ms | {_errors_text(run, page_name)} |"
            )
        lines.append("")
    lines += _verdict(runs)
    return lines


SOAK_GROWTH_LIMIT = 0.10
SETTLED_AFTER = 60.0  # seconds: memory is compared from here (caches and pools filled)


def _growth(run: Run) -> tuple[dict[int, float], dict[int, float], float]:
    """Per worker: RSS once settled, RSS at the end, and the largest growth between them."""
    settled_at = next((i for i, (at, _rss) in enumerate(run.timeline) if at >= SETTLED_AFTER), 0)
    first, last = run.timeline[settled_at][1], run.timeline[-1][1]
    growth = max(((last.get(pid, 0.0) - mb) / mb for pid, mb in first.items() if mb), default=0.0)
    return first, last, growth


def _timeline_lines(run: Run) -> list[str]:
    pids = sorted(run.timeline[0][1])
    lines = [
        f"Memory of each worker over the run (RSS, MB; the report process peaked at "
        f"{run.helpers_peak:.0f} MB):",
        "",
        "| seconds | " + " | ".join(f"worker {n + 1}" for n in range(len(pids))) + " |",
        "| ---: | " + " | ".join("---:" for _ in pids) + " |",
    ]
    for at, rss in run.timeline:
        lines.append(f"| {at:.0f} | " + " | ".join(f"{rss.get(p, 0.0):.0f}" for p in pids) + " |")
    first, last, growth = _growth(run)
    lines += [
        "",
        f"Growth from {SETTLED_AFTER:.0f} s to the end: "
        + ", ".join(f"{first[p]:.0f} -> {last.get(p, 0.0):.0f} MB" for p in pids if p in first)
        + f" (largest {growth:+.1%}).",
        "",
    ]
    return lines


def _verdict(runs: list[Run]) -> list[str]:
    out = []
    for run in [r for r in runs if r.timeline]:
        answered, errors = _total(run)
        _first, _last, growth = _growth(run)
        out.append(
            f"- Soak, {run.clients} clients for {run.seconds:g} s: {answered} requests, "
            + ("no errors" if errors == 0 else f"{errors} ERRORS")
            + f"; memory growth {growth:+.1%} (limit +{SOAK_GROWTH_LIMIT:.0%}): "
            + ("met." if errors == 0 and growth < SOAK_GROWTH_LIMIT else "MISSED.")
        )
    human16 = [r for r in runs if r.label == "mix|human" and r.clients == 16]
    for run in human16:
        slow = [
            f"{p.name} ({_percentile(run.tally.latencies.get(p.name, []), 0.95):.0f} ms)"
            for p in PAGES
            if p.role in ("member", "peer")
            and _percentile(run.tally.latencies.get(p.name, []), 0.95) >= TARGET_P95_MS
        ]
        out.append(
            "- Member and peer specialist pages p95 < 100 ms at 16 human-paced clients: "
            + ("met." if not slow else "MISSED by " + ", ".join(slow) + ".")
        )
    for run in [r for r in runs if r.label.startswith("mix|") and r.clients == 64]:
        answered, errors = _total(run)
        verdict = "met." if errors == 0 else f"MISSED ({errors} errors)."
        if answered == 0:
            verdict = "MISSED (nothing was answered in the measured time)."
        out.append(f"- No errors at 64 clients ({_think_text(run.think)}): {verdict}")
    peak = max((v for r in runs for v in r.rss_peak.values()), default=0.0)
    out.append(
        f"- Peak RSS of one worker < {TARGET_RSS_MB:.0f} MB: {peak:.0f} MB, "
        + ("met." if peak < TARGET_RSS_MB else "MISSED.")
    )
    return [*out, ""]


def write_docs(key: str, block: str) -> None:
    """Put `block` into the "## Load benchmark" section of docs/benchmarks.md, between the
    markers of `key` (engine and workers), replacing what an earlier run wrote there. The
    section is added at the end when missing; text outside the markers (the analysis) and
    every other section stay as they are."""
    path = ROOT / "docs" / "benchmarks.md"
    doc = path.read_text()
    start, end = f"<!-- load.py: {key}, start -->", f"<!-- load.py: {key}, end -->"
    generated = f"{start}\n{block.rstrip()}\n{end}"
    if start in doc and end in doc:
        head, rest = doc.split(start, 1)
        doc = head + generated + rest.split(end, 1)[1]
        path.write_text(doc)
        return
    if "\n## Load benchmark\n" not in doc:
        doc = doc.rstrip() + "\n\n## Load benchmark\n"
    head, rest = doc.split("\n## Load benchmark\n", 1)
    following = rest.find("\n## ")
    section, tail = (rest[:following], rest[following:]) if following >= 0 else (rest, "")
    path.write_text(
        head + "\n## Load benchmark\n" + section.rstrip() + "\n\n" + generated + "\n" + tail
    )


# ---- profile one page in process -----------------------------------------------------------


def profile_page(name: str, url: str, page_name: str, repeat: int) -> None:
    """The page in process under cProfile: the app is called through httpx2's ASGI transport
    on this thread, with the thread pool replaced by direct calls, so the profile sees all of
    a request (routing, middleware, the unit of work, queries, rendering); no server."""
    import anyio.to_thread

    from peerpath.app import create_app
    from peerpath.settings import Settings

    async def inline(func: Callable[..., object], *args: object, **_: object) -> object:
        return func(*args)

    anyio.to_thread.run_sync = inline  # type: ignore[assignment]
    page = PAGE_BY_NAME[page_name]
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        var_dir=var_dir(name),
        database_url=url,
        cookie_secure=False,
        log_level="warning",
    )
    app = create_app(settings)

    async def go() -> None:
        client = httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app),
            base_url="http://127.0.0.1",
            follow_redirects=False,
        )
        person = Person(_usernames(page.role, 1)[0], page.role, client)
        await _setup([person])
        rng = random.Random(3)
        for _ in range(3):  # the first request to each route builds its state
            await _send(person, page, rng)
        profiler = cProfile.Profile()
        times: list[float] = []
        for _ in range(repeat):
            profiler.enable()
            ok, what, ms = await _send(person, page, rng)
            profiler.disable()
            if not ok:
                raise SystemExit(f"{page_name}: {what}")
            times.append(ms)
        await client.aclose()
        print(
            f"{page_name} as {person.username} on {name}, in process: median "
            f"{statistics.median(times):.1f} ms over {repeat} requests (profiler included)"
        )
        for title, order, restrict in (
            ("peerpath's own functions, by cumulative time", "cumulative", ("src/peerpath", 40)),
            ("everything, by time spent in the function itself", "tottime", (25,)),
        ):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(*restrict)
            text = out.getvalue()
            print(f"\n--- {title} ---")
            print(text[text.find("   ncalls") :].replace(str(ROOT) + "/", "").rstrip())

    asyncio.run(go())


# ---- the command ---------------------------------------------------------------------------


def _workers(text: str) -> dict[str, int]:
    if "=" not in text:
        return {"sqlite": int(text), "postgres": int(text)}
    found = {"sqlite": 2, "postgres": 2}
    for part in text.split(","):
        engine, count = part.split("=")
        found[engine.strip()] = int(count)
    return found


def _floats(text: str) -> tuple[float, float]:
    parts = [float(x) for x in text.split("-")] if text else [0.0]
    return (parts[0], parts[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server URL (its database is used only to create peerpath_bench_large)",
    )
    parser.add_argument("--clients", default="16,64", help="comma-separated client counts")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per mix run")
    parser.add_argument(
        "--no-pause-duration",
        type=float,
        default=20.0,
        help="seconds of the same mix with no pause between requests (0: skip)",
    )
    parser.add_argument("--floor-seconds", type=float, default=15.0)
    parser.add_argument("--alone-seconds", type=float, default=5.0, help="0: skip")
    parser.add_argument("--alone-clients", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--think", type=_floats, default=(0.5, 1.0), help="e.g. 0.5-1 or 0")
    parser.add_argument(
        "--workers",
        type=_workers,
        default="2",
        help="uvicorn workers: one number for both engines, or e.g. sqlite=1,postgres=2",
    )
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="(the default) use the dataset when present; kept for clarity",
    )
    parser.add_argument("--regenerate", action="store_true", help="make the dataset again")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument(
        "--profile",
        default="",
        metavar="PAGE",
        help=f"profile one page in process instead: {', '.join(PAGE_BY_NAME)}",
    )
    parser.add_argument("--profile-repeat", type=int, default=30)
    parser.add_argument(
        "--soak",
        action="store_true",
        help="one long human-paced mix run per client count (no floor, no pause-free run, no "
        "pages alone), following each worker's memory; e.g. --soak --clients 64 --duration 600",
    )
    parser.add_argument("--soak-interval", type=float, default=30.0, help="seconds")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="PAGE",
        help="leave a page out (repeatable), e.g. to see what one slow page costs the others",
    )
    args = parser.parse_args()
    args.clients = [int(c) for c in args.clients.split(",")]
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    if args.profile and args.profile not in PAGE_BY_NAME:
        parser.error(f"--profile: one of {', '.join(PAGE_BY_NAME)}")
    for name in args.without:
        if name not in PAGE_BY_NAME:
            parser.error(f"--without: one of {', '.join(PAGE_BY_NAME)}")
        SKIPPED.add(name)

    command = "    .venv/bin/python benchmarks/load.py " + " ".join(sys.argv[1:])
    for name in engines:
        url = engine_url(name, args.postgres)
        took = prepare(name, url, regenerate=args.regenerate)
        if args.profile:
            profile_page(name, url, args.profile, args.profile_repeat)
            continue
        runs = asyncio.run(measure_engine(name, url, args))
        workers = args.workers[name]
        kind = "soak, " if args.soak else ""
        lines = [
            f"### {kind}{name}, {workers} worker{'s' if workers > 1 else ''}",
            "",
            "Command:",
            "",
            command,
            "",
            f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {_machine()}. "
            f"Server: `peerpath serve --workers {workers}` (uvicorn) on the large dataset; the "
            "clients run on the same machine (asyncio + httpx2, one connection each) and share "
            "its 2 cores with the server.",
            "",
        ]
        if took is not None:
            lines += [f"(The large dataset was generated first, in {took:.0f} s.)", ""]
        block = "\n".join(lines + report(runs, args))
        print()
        print(block, flush=True)
        if args.write_docs:
            write_docs(f"{'soak, ' if args.soak else ''}{name}, {workers} workers", block)
            print("docs/benchmarks.md updated.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
