"""Audit the locked dependencies (requirements.lock) for known vulnerabilities with pip-audit.

Exit 0: every locked package was checked and none has a known vulnerability (apart from the
documented exceptions below), or the vulnerability service could not be reached at all, which
is said loudly and is not a failure: a machine without that service must still be able to
build. Exit 1: a known vulnerability, or some packages were checked and others skipped.

    .venv/bin/python scripts/audit_deps.py            (make audit; .ci/run runs it)

Exceptions: add the advisory id to IGNORED with the reason, and the same in
docs/reliability.md ("Security"). Today there are none.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
# advisory id -> why it does not affect peerpath (keep docs/reliability.md in step).
IGNORED: dict[str, str] = {}
AUDIT_TIMEOUT = 300
UNREACHABLE_HINTS = ("not found on PyPI", "could not be audited", "Connection", "connection")


def main() -> int:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(LOCK),
        "--no-deps",  # every package is pinned in the lock already
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        *(arg for vuln in IGNORED for arg in ("--ignore-vuln", vuln)),
    ]
    # Our own interpreter running pip-audit on our own lock file: no outside input.
    try:
        result = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, check=False, timeout=AUDIT_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        # A service that never answers must not eat CI's time budget.
        return _unreachable([f"pip-audit gave no answer within {AUDIT_TIMEOUT} s"])
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        if any(hint in result.stderr for hint in UNREACHABLE_HINTS):
            return _unreachable(result.stderr.strip().splitlines()[-1:])
        print(result.stderr, file=sys.stderr)
        print("pip-audit failed without a report (see above).", file=sys.stderr)
        return 1
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = [d for d in dependencies if "skip_reason" not in d]
    if dependencies and not audited:
        return _unreachable([d["skip_reason"] for d in skipped[:3]])
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(
                f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} "
                f"(fixed in {fixed})"
            )
    for dependency in skipped:
        print(f"NOT AUDITED {dependency['name']}: {dependency['skip_reason']}")
    print(
        f"pip-audit: {len(audited)} locked packages audited, {len(vulnerable)} with known "
        f"vulnerabilities, {len(skipped)} not audited, {len(IGNORED)} documented exceptions."
    )
    return 1 if vulnerable or skipped else 0


def _unreachable(reasons: list[str]) -> int:
    print("=" * 78)
    print("pip-audit could NOT reach a vulnerability service from this machine, so the")
    print("locked dependencies were NOT audited. This is not counted as a failure.")
    for reason in reasons:
        print(f"  {reason}")
    print("Run `make audit` where PyPI's JSON API (or OSV) is reachable to audit them.")
    print("=" * 78)
    return 0


if __name__ == "__main__":
    sys.exit(main())
