"""Browser test harness: a real `peerpath serve` on a free localhost port with a fresh SQLite
database holding the demo organizations, and Debian's Chromium driven by Playwright.

Without /usr/bin/chromium (or the playwright package) the browser tests are skipped, unless
PEERPATH_REQUIRE_BROWSER=1 is set (CI), in which case they fail.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.security.log_scan import server_log

try:
    from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None  # type: ignore[assignment]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 30.0
COMMAND_TIMEOUT = 120.0
DEFAULT_VIEWPORT = {"width": 1280, "height": 800}


def _require_browser() -> bool:
    return os.environ.get("PEERPATH_REQUIRE_BROWSER", "") == "1"


def _unavailable(reason: str) -> None:
    if _require_browser():
        pytest.fail(f"PEERPATH_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (set PEERPATH_REQUIRE_BROWSER=1 to fail)")


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Checked before anything starts, so a missing browser skips (or fails) quickly."""
    if sync_playwright is None:
        _unavailable("the playwright Python package is not installed")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(var_dir: Path, base_url: str) -> dict[str, str]:
    # Drop any PEERPATH_* from the outer shell (a DATABASE_URL would point the server elsewhere).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPATH_")}
    env.update(
        PEERPATH_VAR_DIR=str(var_dir),
        PEERPATH_SECRET_KEY=secrets.token_urlsafe(30),  # 40 characters
        PEERPATH_BASE_URL=base_url,
        PEERPATH_LOG_LEVEL="warning",
        # Cookies stay Secure (the default): Chromium treats http://127.0.0.1 as a secure
        # context and keeps them, which the login in every test proves.
    )
    return env


def _run(args: list[str], env: dict[str, str], cwd: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "peerpath", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`peerpath {' '.join(args)}` exited {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


def _answers(url: str) -> bool:
    # No proxy: the request must go straight to the local server.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def live_server(
    chromium_executable: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The base URL of a real peerpath server with a fresh, demo-loaded SQLite database."""
    workdir = tmp_path_factory.mktemp("live_server")
    var_dir = workdir / "var"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _server_env(var_dir, base_url)
    # cwd is the temporary folder, so no .env file of the checkout is read.
    _run(["db", "upgrade"], env, workdir)
    _run(["demo"], env, workdir)

    log_path = server_log("browser")  # scanned for member data and secrets at the end
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "peerpath", "serve", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _answers(f"{base_url}/login"):
            if proc.poll() is not None or time.monotonic() > deadline:
                output = log_path.read_text(encoding="utf-8", errors="replace")
                state = (
                    f"exited {proc.returncode}"
                    if proc.poll() is not None
                    else f"did not answer within {SERVER_START_TIMEOUT:.0f} s"
                )
                pytest.fail(f"peerpath serve {state}:\n{output}", pytrace=False)
            time.sleep(0.1)  # bounded polling for the server to come up
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_executable: Path) -> Iterator[Browser]:
    assert sync_playwright is not None
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_executable), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context (own cookies) on the live server.

    bypass_csp: the app's Content-Security-Policy forbids the injected axe-core script.
    """
    contexts: list[BrowserContext] = []

    def factory(**options: Any) -> Page:
        context = browser.new_context(
            base_url=live_server,
            bypass_csp=True,
            viewport=options.pop("viewport", DEFAULT_VIEWPORT),
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()
