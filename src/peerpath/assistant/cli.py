"""`peerpath language check FILE|-`: the language assistant as a linter for documents."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

NAME = "language"
app = typer.Typer(help="Recovery-oriented language assistant.", no_args_is_help=True)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


@app.command("check")
def check(
    files: Annotated[
        list[str], typer.Argument(help="Text files to check; '-' reads standard input.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the findings as JSON instead of lines.")
    ] = False,
) -> None:
    """Print each finding as file:line:col: category: "words" -> try "...".

    Exit status 0 when there are no findings, 1 when there are, 2 when a file cannot be read.
    """
    from peerpath.language import review

    results: list[dict[str, object]] = []
    unreadable = False
    total = 0
    for name in files:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            typer.secho(f"{name}: cannot read: {exc}", err=True, fg="red")
            unreadable = True
            continue
        label = "<stdin>" if name == "-" else name
        for finding in review(text):
            total += 1
            line, col = _line_col(text, finding.start)
            if as_json:
                results.append({"file": label, "line": line, "column": col, **finding.as_dict()})
            else:
                tries = " or ".join(f'"{s}"' for s in finding.suggestions[:3])
                suffix = f" -> try {tries}" if tries else ""
                typer.echo(
                    f'{label}:{line}:{col}: {finding.category}: "{finding.text}": '
                    f"{finding.reason}{suffix}"
                )
    if as_json:
        typer.echo(json.dumps(results, indent=2, ensure_ascii=False))
    if unreadable:
        raise typer.Exit(2)
    if total:
        raise typer.Exit(1)
