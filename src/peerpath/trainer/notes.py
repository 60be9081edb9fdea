"""Study notes: Markdown files rendered with markdown-it-py, raw HTML disabled.

Links written as `[text](note:slug)` become links to /training/notes/<slug>.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt

from peerpath.trainer.vocabulary import STUDY_NOTES

NOTES_DIR = Path(__file__).resolve().parent / "notes"


@dataclass(frozen=True)
class Note:
    slug: str
    title: str
    summary: str
    html: str


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    default_validate = md.validateLink

    def validate(url: str) -> bool:
        return url.startswith("note:") or default_validate(url)

    md.validateLink = validate  # type: ignore[method-assign]
    return md


_MD = _markdown()


def render_markdown(text: str) -> str:
    tokens = _MD.parse(text)
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                if href.startswith("note:"):
                    slug = href.removeprefix("note:")
                    child.attrSet("href", f"/training/notes/{slug}")
    return str(_MD.renderer.render(tokens, _MD.options, {}))


def _parse(slug: str, text: str) -> Note:
    lines = text.strip().splitlines()
    title = slug.replace("-", " ").capitalize()
    if lines and lines[0].startswith("# "):
        title = lines[0][2:].strip()
        lines = lines[1:]
    summary = ""
    for block in "\n".join(lines).split("\n\n"):
        block = block.strip()
        if block and not block.startswith(("#", "-", "*", "1.")):
            summary = " ".join(block.split())
            break
    return Note(slug, title, summary, render_markdown("\n".join(lines)))


@lru_cache(maxsize=64)
def _load(slug: str, mtime: float) -> Note | None:
    path = NOTES_DIR / f"{slug}.md"
    if not path.is_file():
        return None
    return _parse(slug, path.read_text(encoding="utf-8"))


def note(slug: str) -> Note | None:
    """The note, or None for an unknown slug or one whose file is not written yet."""
    if slug not in STUDY_NOTES:
        return None
    path = NOTES_DIR / f"{slug}.md"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _load(slug, mtime)


def all_notes() -> list[Note]:
    return [n for n in (note(slug) for slug in STUDY_NOTES) if n is not None]
