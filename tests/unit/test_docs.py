"""Docs that cannot drift: every setting and every command is documented, and nothing else.

Adding a setting or a command (or an option) without documenting it fails here, and so does
documenting one that no longer exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer
import typer.main

from peerpath.cli import app
from peerpath.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONFIGURATION = (DOCS / "configuration.md").read_text(encoding="utf-8")
CLI = (DOCS / "cli.md").read_text(encoding="utf-8")

SETTING_ROW = re.compile(r"^\| `(PEERPATH_[A-Z0-9_]+)` \|(.*)$", re.MULTILINE)
COMMAND_HEADING = re.compile(r"^## `(peerpath [a-z -]+)`$", re.MULTILINE)


def env_name(field: str) -> str:
    return f"PEERPATH_{field.upper()}"


def documented_settings() -> dict[str, str]:
    """Variable name -> the rest of its row in the configuration table."""
    return dict(SETTING_ROW.findall(CONFIGURATION))


def shown_default(default: object) -> str:
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if default == "":
        return "*(empty)*"
    return f"`{default}`"


def command_paths(typer_app: typer.Typer, prefix: str = "peerpath") -> list[str]:
    """`peerpath <cmd>` and `peerpath <group> <cmd>` for everything registered on the app."""
    paths = []
    for command in typer_app.registered_commands:
        assert command.callback is not None
        name = command.name or command.callback.__name__.replace("_", "-")
        paths.append(f"{prefix} {name}")
    for group in typer_app.registered_groups:
        assert group.name, "every command group needs a name"
        paths += command_paths(group.typer_instance, f"{prefix} {group.name}")
    return paths


def cli_section(path: str) -> str:
    """The part of cli.md under the heading for PATH, up to the next heading."""
    start = CLI.index(f"## `{path}`\n")
    end = CLI.find("\n## ", start + 1)
    return CLI[start : end if end != -1 else len(CLI)]


def test_settings_every_field_has_description() -> None:
    undescribed = [
        name for name, field in Settings.model_fields.items() if not (field.description or "")
    ]

    assert undescribed == []


def test_configuration_docs_list_every_setting() -> None:
    documented = documented_settings()

    missing = [env_name(f) for f in Settings.model_fields if env_name(f) not in documented]

    assert missing == [], "add these to the table in docs/configuration.md"


def test_configuration_docs_list_no_unknown_setting() -> None:
    known = {env_name(f) for f in Settings.model_fields}

    unknown = [name for name in documented_settings() if name not in known]

    assert unknown == [], "docs/configuration.md lists settings that do not exist"


def test_configuration_docs_show_every_default() -> None:
    documented = documented_settings()

    wrong = {
        env_name(name): shown_default(field.default)
        for name, field in Settings.model_fields.items()
        if shown_default(field.default) not in documented.get(env_name(name), "").split("|")[0]
    }

    assert wrong == {}, "docs/configuration.md shows other defaults than these"


def test_cli_docs_list_every_command() -> None:
    headings = set(COMMAND_HEADING.findall(CLI))

    missing = [path for path in command_paths(app) if path not in headings]

    assert missing == [], "add a section for these to docs/cli.md"


def test_cli_docs_list_no_unknown_command() -> None:
    commands = set(command_paths(app))

    unknown = [path for path in COMMAND_HEADING.findall(CLI) if path not in commands]

    assert unknown == [], "docs/cli.md documents commands that do not exist"


def test_cli_docs_list_every_option() -> None:
    root = typer.main.get_command(app)
    missing = []
    for path in command_paths(app):
        command = root
        for part in path.split()[1:]:
            command = command.commands[part]  # type: ignore[attr-defined]
        section = cli_section(path)
        for param in command.params:
            if param.param_type_name == "option":
                flags = [flag for flag in param.opts + param.secondary_opts if flag != "--help"]
                missing += [f"{path} {flag}" for flag in flags if f"`{flag}" not in section]
            else:
                name = (param.name or "").upper()
                missing += [f"{path} {name}"] if f"`{name}`" not in section else []

    assert missing == [], "document these options and arguments in docs/cli.md"
