"""Benchmark: the language assistant's speed.

Part 1, library throughput: generates realistic peer-support notes of about 200 words (seeded,
a mix of plain sentences and sentences that carry findings or look-alikes), then times
`peerpath.language.review` on one core. Target (issue 7): at least 2,000 notes per second.

Part 2, inline hint round trip: starts a real peerpath server (uvicorn, one worker) on a fresh
SQLite database with the demo organizations, signs in as harbor.peer1 and posts the hints
form (/language/hints) the way the editor's HTMX request does, one request at a time; reports
latency percentiles. Target: p95 under 50 ms.

Run by hand (not part of the test suite):

    .venv/bin/python benchmarks/language_speed.py
    .venv/bin/python benchmarks/language_speed.py --notes 5000 --requests 300
    .venv/bin/python benchmarks/language_speed.py --skip-server
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import httpx2

from peerpath.language import default_lexicon, review

ROOT = Path(__file__).resolve().parent.parent
CSRF_INPUT = re.compile(r'name="csrftoken" value="([^"]+)"')
TARGET_NOTES_PER_SECOND = 2000
TARGET_P95_MS = 50.0

NAMES = ["Dana", "Luis", "Priya", "Tom", "Keisha", "Omar", "Grace", "Ivan", "Nora", "Eli"]
PLAIN = [
    "{n} met me at the library and we worked on the bus schedule for the new job.",
    "We talked about what a good week would look like and wrote down two small steps.",
    "{n} said the walking group helped with sleep and wants to keep going on Tuesdays.",
    "We practiced what to say to the landlord about the broken heater.",
    "{n} shared that calling a sister on Sunday felt good and plans to do it again.",
    "We reviewed the budget worksheet together and found twenty dollars for bus fare.",
    "{n} is looking forward to the art class and asked about supplies.",
    "The food pantry on Elm Street has new hours, so we updated the plan.",
    "{n} chose to focus on housing first and to revisit counseling next month.",
    "We looked at three apartment listings and {n} picked one to visit.",
    "{n} described a hard morning and used the breathing exercise from the wellness plan.",
    "Next step: {n} will call the clinic about the appointment on Thursday.",
    "{n} declined the evening group because of the bus times and prefers mornings.",
    "{n} has been in recovery for two years and mentors a newer member.",
    "We cleaned up the resume and {n} sent it to two employers.",
]
LOADED = [
    "{n} is non-compliant with meds again.",
    "{n} refused the injection this morning.",
    "{n} got clean last spring after a long drug habit.",
    "Staff say {n} is manipulative with the front desk.",
    "{n} was hysterical after the eviction notice.",
    "{n} is a frequent flyer at the ER.",
    "Pt has a hx of ETOH use.",
    "{n}'s screen came back dirty on Monday.",
    'At group {n} said, "I am an addict and grateful today."',
    "We avoid the word 'noncompliant' in our notes.",
    "The upload failed, so we printed the plan instead.",
    "{n} completed suicide prevention training for volunteers.",
]


def make_note(rng: random.Random, words: int = 200) -> str:
    sentences: list[str] = []
    count = 0
    while count < words:
        pool = LOADED if rng.random() < 0.15 else PLAIN
        sentence = rng.choice(pool).format(n=rng.choice(NAMES))
        sentences.append(sentence)
        count += len(sentence.split())
    return " ".join(sentences)


def library_throughput(notes: int, seed: int) -> tuple[float, float, int]:
    rng = random.Random(seed)
    corpus = [make_note(rng) for _ in range(notes)]
    words = sum(len(n.split()) for n in corpus) / len(corpus)
    default_lexicon()  # load once, as the server does
    review(corpus[0])
    best = 0.0
    best_wall = 0.0
    findings = 0
    for _ in range(3):  # best of three, to step around noise from other work on the machine
        start, cpu = time.perf_counter(), time.process_time()
        findings = sum(len(review(note)) for note in corpus)
        elapsed, used = time.perf_counter() - start, time.process_time() - cpu
        best = max(best, notes / used)
        best_wall = max(best_wall, notes / elapsed)
    return best, best_wall, words, findings


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base_url: str, server: subprocess.Popen[bytes]) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            with opener.open(base_url + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer within 60 s")


def hint_round_trip(requests: int, seed: int) -> list[float]:
    from peerpath.demo import DEMO_PASSWORD

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="peerpath-bench-") as tmp:
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPATH_")}
        env.update(
            PEERPATH_VAR_DIR=str(Path(tmp) / "var"),
            PEERPATH_SECRET_KEY=secrets.token_urlsafe(30),
            PEERPATH_BASE_URL=base_url,
            PEERPATH_LOG_LEVEL="warning",
            PEERPATH_COOKIE_SECURE="false",
        )
        for args in (["db", "upgrade"], ["demo"]):
            subprocess.run(
                [sys.executable, "-m", "peerpath", *args],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                timeout=300,
            )
        server = subprocess.Popen(
            [sys.executable, "-m", "peerpath", "serve", "--port", str(port)], env=env, cwd=ROOT
        )
        try:
            _wait_until_up(base_url, server)
            with httpx2.Client(base_url=base_url, timeout=30, follow_redirects=False) as client:
                page = client.get("/login")
                match = CSRF_INPUT.search(page.text)
                token = client.cookies.get("csrftoken") or (match.group(1) if match else "")
                login = client.post(
                    "/login",
                    data={
                        "csrftoken": token,
                        "username": "harbor.peer1",
                        "password": DEMO_PASSWORD,
                    },
                )
                if login.status_code != 303:
                    raise SystemExit(f"sign-in failed: {login.status_code}")
                latencies: list[float] = []
                for i in range(requests + 10):
                    text = make_note(rng, words=rng.choice([20, 60, 120, 200]))
                    start = time.perf_counter()
                    response = client.post(
                        "/language/hints",
                        data={"target": "f-note", "source": "note", "note": text},
                        headers={"x-csrftoken": token, "hx-request": "true"},
                    )
                    elapsed = time.perf_counter() - start
                    if response.status_code != 200:
                        raise SystemExit(f"hints answered {response.status_code}")
                    if i >= 10:  # the first few warm up the server
                        latencies.append(elapsed)
                return latencies
        finally:
            server.terminate()
            server.wait(timeout=20)


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=4000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-server", action="store_true")
    args = parser.parse_args()

    rate, wall, words, findings = library_throughput(args.notes, args.seed)
    print(f"Library: {args.notes} notes of ~{words:.0f} words, {findings} findings per pass")
    print(
        f"  {rate:,.0f} notes per CPU-second on one core, {wall:,.0f} notes/s wall clock "
        f"(target >= {TARGET_NOTES_PER_SECOND:,}): "
        f"{'met' if rate >= TARGET_NOTES_PER_SECOND else 'NOT met'}"
    )
    print(f"  load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if args.skip_server:
        return 0
    latencies = hint_round_trip(args.requests, args.seed)
    p50, p95, p99 = (_pct(latencies, s) for s in (0.5, 0.95, 0.99))
    print(f"Inline hints: {len(latencies)} requests, one at a time, signed in as harbor.peer1")
    print(
        f"  p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, mean "
        f"{statistics.mean(latencies) * 1000:.1f} ms (target p95 < {TARGET_P95_MS:.0f} ms): "
        f"{'met' if p95 < TARGET_P95_MS else 'NOT met'}"
    )
    print(f"  load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
