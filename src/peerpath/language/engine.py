"""The review engine: lexicon rules (data) plus context guards (code).

A rule is a set of regular expressions over the text, written in the lexicon with shared
fragments ({DET}, {BE}, ...). A match becomes a finding only when the context guards let it
through:

- quote: inside quotation marks the words are someone's own words, reported speech, or the
  word being talked about; not flagged.
- mention: "the word X", "avoid saying X", "swap X for Y", "words like X" talk about the word.
- self: first-person self-description ("I've been clean two years", "calls himself an addict").
- proper: capitalized names of organizations, laws, titles (Alcoholics Anonymous, SAMHSA).
- negation (only rules that ask for it): "isn't drug-seeking" rejects the label.
- per-rule context: `unless_before` / `unless_after` / `context` / `unless_context` regexes
  carry benign senses (clean the kitchen, the upload failed, nicotine replacement therapy).
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from peerpath.language.inflect import Form, form_of, inflect_phrase

CATEGORIES: dict[str, str] = {
    "identity_first": "Label that defines a person",
    "substance_stigma": "Substance-use stigma",
    "coercion_compliance": "Compliance or coercion framing",
    "deficit_blame": "Deficit or blame",
    "pathologizing": "Ordinary feelings read as illness",
    "suicide_language": "Suicide language",
    "dehumanizing_slang": "Dehumanizing slang",
    "infantilizing": "Talking about an adult like a child",
    "clinical_jargon": "Clinical jargon",
}
GUARDS = frozenset({"quote", "mention", "self", "proper"})
MAX_TEXT = 100_000


@dataclass
class Finding:
    """One passage worth a second look: where it is, why, and what could replace it."""

    start: int
    end: int
    text: str
    category: str
    reason: str
    suggestions: list[str] = field(default_factory=list)
    rule_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "category": self.category,
            "category_label": CATEGORIES.get(self.category, self.category),
            "reason": self.reason,
            "suggestions": list(self.suggestions),
            "rule_id": self.rule_id,
        }


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    reason: str
    patterns: tuple[re.Pattern[str], ...]
    keys: tuple[str, ...]
    case_sensitive: bool = False
    suggest: tuple[str, ...] = ()
    verb: tuple[str, ...] = ()
    person: str = ""
    people: str = ""
    guards: frozenset[str] = GUARDS
    negation: bool = False
    unless_before: re.Pattern[str] | None = None
    unless_after: re.Pattern[str] | None = None
    context: re.Pattern[str] | None = None
    unless_context: re.Pattern[str] | None = None


@dataclass(frozen=True)
class ExtraTerm:
    """An organization's own term: plain words, matched case-insensitively, plural 's' too."""

    term: str
    category: str
    reason: str
    suggestions: tuple[str, ...] = ()

    @property
    def rule_id(self) -> str:
        return "org." + re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")


class Lexicon:
    """An ordered set of rules; earlier rules win when two findings overlap with equal length."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules = tuple(rules)
        self.ids = frozenset(rule.id for rule in self.rules)

    def with_overrides(
        self, extra_terms: Iterable[ExtraTerm] = (), silenced: Iterable[str] = ()
    ) -> Lexicon:
        """A copy without the silenced rule ids and with the organization's extra terms."""
        quiet = set(silenced)
        rules = [rule for rule in self.rules if rule.id not in quiet]
        for term in extra_terms:
            if term.rule_id in quiet:
                continue
            words = [re.escape(word) for word in term.term.split()]
            pattern = r"\s+".join(words) + r"(?:s|es)?"
            rules.insert(
                0,
                Rule(
                    id=term.rule_id,
                    category=term.category,
                    reason=term.reason,
                    patterns=(compile_pattern(pattern, False),),
                    keys=(term.term.split()[0].lower()[:5],),
                    suggest=tuple(term.suggestions),
                ),
            )
        return Lexicon(rules)


# --- loading ---------------------------------------------------------------------------------


def compile_pattern(source: str, case_sensitive: bool) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:" + source + r")(?![\w-])", flags)


def _expand(source: str, macros: dict[str, str]) -> str:
    def sub(match: re.Match[str]) -> str:
        return macros[match.group(1)]

    for _ in range(3):  # macros may use other macros
        source = re.sub(r"\{([A-Z_]+)\}", sub, source)
    return source


def _optional_regex(
    entry: dict[str, Any], name: str, macros: dict[str, str]
) -> re.Pattern[str] | None:
    value = entry.get(name)
    if not value:
        return None
    parts = value if isinstance(value, list) else [value]
    return re.compile("|".join(f"(?:{_expand(p, macros)})" for p in parts), re.IGNORECASE)


def parse_lexicon(data: dict[str, Any]) -> Lexicon:
    macros: dict[str, str] = dict(data.get("macros", {}))
    rules = []
    seen: set[str] = set()
    for entry in data.get("rule", []):
        rule_id = entry["id"]
        if rule_id in seen:
            raise ValueError(f"duplicate rule id {rule_id}")
        seen.add(rule_id)
        if entry["category"] not in CATEGORIES:
            raise ValueError(f"{rule_id}: unknown category {entry['category']}")
        case = bool(entry.get("case", False))
        sources = list(entry.get("patterns", []))
        nouns = "|".join(entry.get("label_nouns", []))
        if nouns:
            sources.append(f"{{DET}}{{MODS}}(?:{nouns})(?:s|es)?{{NOUN_END}}")
            sources.append(f"(?:{nouns})(?:s|es)")
        adjs = "|".join(entry.get("label_adjs", []))
        if adjs:
            sources.append(f"(?P<hit>{{BE}}\\s+{{ADV}}(?:{adjs})){{ADJ_END}}")
        patterns = tuple(compile_pattern(_expand(p, macros), case) for p in sources)
        keys = tuple(entry["keys"] if case else (k.lower() for k in entry["keys"]))
        skip = set(entry.get("skip_guards", []))
        rules.append(
            Rule(
                id=rule_id,
                category=entry["category"],
                reason=entry["reason"],
                patterns=patterns,
                keys=keys,
                case_sensitive=case,
                suggest=tuple(entry.get("suggest", [])),
                verb=tuple(entry.get("verb", [])),
                person=entry.get("person", ""),
                people=entry.get("people", ""),
                guards=GUARDS - skip,
                negation=bool(entry.get("negation", False)),
                unless_before=_optional_regex(entry, "unless_before", macros),
                unless_after=_optional_regex(entry, "unless_after", macros),
                context=_optional_regex(entry, "context", macros),
                unless_context=_optional_regex(entry, "unless_context", macros),
            )
        )
    return Lexicon(rules)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped with peerpath (lexicon.toml next to this module)."""
    raw = resources.files("peerpath.language").joinpath("lexicon.toml").read_bytes()
    return parse_lexicon(tomllib.loads(raw.decode("utf-8")))


def rule_ids() -> frozenset[str]:
    return default_lexicon().ids


# --- context ---------------------------------------------------------------------------------

QUOTED = re.compile(
    r"\"[^\"\n]{0,400}\"|“[^”\n]{0,400}”|‘[^’\n]{0,200}’|(?<![\w'])'[^'\n]{1,120}?'(?![\w])"
)
SENTENCE_BREAK = re.compile(r"[.!?;:\n]\s|[\n]|\s[-–—]\s")
MENTION_BEFORE = re.compile(
    r"(?:\b(?:the|a|that|this)\s+(?:words?|terms?|phrases?|labels?|expressions?)"
    r"(?:\s+(?:like|such\s+as))?"
    r"|\b(?:words?|terms?|phrases?|labels?|names?|language)\s+(?:like|such\s+as)"
    r"|\b(?:avoid|avoids|avoided|avoiding|stop|stopped|quit|never|don't|do\s+not|instead\s+of|"
    r"rather\s+than|not|no\s+longer)\s+(?:saying|writing|using|calling|call|say|write|use|"
    r"describing)(?:\s+(?:members?|people|him|her|them|someone|anyone|clients?|folks))?"
    r"(?:\s+as)?"
    r"|\b(?:swap|swapping|replace|replacing|replaced|instead\s+of|rather\s+than|say|write)"
    r"|\b(?:means?|meant|define|defines|spell|spelled)"
    r")\s*[\"'“‘]?\s*$",
    re.IGNORECASE,
)
MENTION_AFTER = re.compile(
    r"^\s*[\"'”’]?\s*(?:is|are)\s+(?:a\s+)?(?:harmful|stigmatizing|outdated|loaded|"
    r"offensive|a\s+slur)|^\s*[\"'”’]?\s*(?:with|for|to)\s+[\"'“‘]"
    r"|^\s*[\"'”’]?\s*(?:is|are|was|means|stands\s+for)\s+(?:(?:the|an?|our|a\s+common)\s+)?"
    r"(?:abbreviation|acronym|short(?:hand)?\s+for|chart\s+shorthand|postal\s+code|word)\b",
    re.IGNORECASE,
)
SELF_BEFORE = re.compile(
    r"(?:\b(?:I|we)(?:['’](?:m|ve|d|re))?|\bI\s+am|\bim|\bive)\s+"
    r"(?:(?:am|was|were|are|(?:have|had|has)\s+been|been|be|being|got|get|stayed|stay|remain|remained|"
    r"became|still|now|also|really|finally|just|used\s+to|call|called|consider|considered|"
    r"describe|described|think\s+of|see|proud\s+to\s+be|not|always|once|a|an|the|"
    r"grateful|recovering|former|to|ever|never|happy)\s+)*"
    r"(?:(?:myself|ourselves)\s+)?(?:as\s+)?$"
    r"|\b(?:him|her|them|my|our)sel(?:f|ves)\s+(?:as\s+)?(?:a\s+|an\s+)?$",
    re.IGNORECASE,
)
OWN_WORDS = re.compile(
    r"\bin\s+(?:his|her|their|my)\s+(?:own\s+)?words\b|\bidentif(?:y|ies|ied)\s+as\s*$"
    r"|\b(?:my|our)\s+(?:own\s+)?(?:goals?|plans?|hopes?|aims?|dreams?|wish|wishes|intention|"
    r"priority|priorities|recovery|journey)\b",
    re.IGNORECASE,
)
NEGATION_BEFORE = re.compile(
    r"(?:\bnot|n't|\bnever|\bno\s+longer|\bnor)\s+(?:(?:being|been|really|at\s+all|just|"
    r"simply|actually|a|an|be)\s+){0,2}$",
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
PROPER_ALWAYS = re.compile(r"\bSAMHSA\b|Alcoholics\s+Anonymous|Narcotics\s+Anonymous")
BE_HEAD = re.compile(
    r"^(?:is|was|are|were|be|been|being|am|'s|’s|isn't|wasn't|seems|seemed|became|becomes)\s",
    re.IGNORECASE,
)
SELF_CATEGORIES = frozenset(
    {
        "identity_first",
        "substance_stigma",
        "dehumanizing_slang",
        "pathologizing",
        "suicide_language",
        "deficit_blame",
    }
)
ARTICLE = re.compile(r"^(a|an|the|one)\s+", re.IGNORECASE)


BREAK_CHARS = re.compile(r"[.!?;:\n]")
QUOTE_CHARS = re.compile(r"[\"“”‘’']")


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted passages: straight double quotes in pairs, curly pairs, and single quotes
    that open after a non-letter and close before one (so apostrophes are not quotes)."""
    spans: list[tuple[int, int]] = []
    open_double = open_curly = open_single = -1
    size = len(text)
    for m in QUOTE_CHARS.finditer(text):
        at, ch = m.start(), m.group()
        if ch == '"':
            if open_double < 0:
                open_double = at
            else:
                spans.append((open_double, at + 1))
                open_double = -1
        elif ch == "“":
            open_curly = at
        elif ch == "”" and open_curly >= 0:
            spans.append((open_curly, at + 1))
            open_curly = -1
        else:  # ' ‘ ’
            before = text[at - 1] if at else " "
            after = text[at + 1] if at + 1 < size else " "
            if open_single < 0 and not before.isalnum() and (after.isalnum() or ch == "‘"):
                open_single = at
            elif open_single >= 0 and not after.isalnum() and at - open_single < 200:
                spans.append((open_single, at + 1))
                open_single = -1
    return spans


class _Text:
    """The text under review, with quote spans and sentence breaks computed only when needed."""

    def __init__(self, text: str):
        self.text = text
        self.lower = text.lower()
        self._quoted: list[tuple[int, int]] | None = None
        self._breaks: list[int] | None = None
        self._starts: list[int] | None = None

    @classmethod
    def of(cls, text: str) -> _Text:
        return cls(text)

    @property
    def quoted(self) -> list[tuple[int, int]]:
        if self._quoted is None:
            self._quoted = _quote_spans(self.text)
        return self._quoted

    @property
    def starts(self) -> list[int]:
        """Positions where a match may begin: word starts and punctuation."""
        if self._starts is None:
            self._starts = [m.start() for m in STARTS.finditer(self.text)]
        return self._starts

    @property
    def breaks(self) -> list[int]:
        if self._breaks is None:
            text = self.text
            size = len(text)
            found = [
                m.start() + 1
                for m in BREAK_CHARS.finditer(text)
                if m.group() == "\n" or m.start() + 1 >= size or text[m.start() + 1].isspace()
            ]
            for dash in (" - ", " – ", " — "):
                at = text.find(dash)
                while at >= 0:
                    found.append(at + 2)
                    at = text.find(dash, at + 1)
            self._breaks = sorted(found)
        return self._breaks

    def sentence_start(self, pos: int) -> int:
        index = bisect.bisect_right(self.breaks, pos)
        start = self.breaks[index - 1] if index else 0
        return max(start, pos - 160)

    def sentence_end(self, pos: int) -> int:
        index = bisect.bisect_right(self.breaks, pos)
        return self.breaks[index] if index < len(self.breaks) else len(self.text)

    def in_quotes(self, start: int, end: int) -> bool:
        return any(q0 < start and end < q1 for q0, q1 in self.quoted)


def _is_self(before: str) -> bool:
    """The words right before the match make it the writer's or the person's own label."""
    return bool(SELF_BEFORE.search(before) or OWN_WORDS.search(before))


def _is_proper(doc: _Text, start: int, end: int, sentence_start: int, tail: int) -> bool:
    """A capitalized name or title. `tail` is where the rule's match ends: words the pattern
    itself needed ("Clean UA" at the start of a sentence) are not evidence of a name."""
    window = doc.text[max(0, start - 40) : end + 40]
    if PROPER_ALWAYS.search(window):
        for m in PROPER_ALWAYS.finditer(doc.text):
            if m.start() <= start < m.end() or m.start() < end <= m.end():
                return True
    words = doc.text[start:end].split()
    if not words or not all(w[:1].isupper() and not w.isupper() for w in words):
        return False
    at_start = doc.text[sentence_start:start].strip() == ""
    after = WORD.match(doc.text[max(end, tail) :].lstrip(" "))
    before_words = WORD.findall(doc.text[sentence_start:start])
    next_cap = after is not None and after.group(0)[0].isupper()
    if at_start:
        return next_cap
    # capitalized in mid-sentence: a name or a title (Adult Children of Alcoholics)
    return bool(before_words)


def _suggestions(rule: Rule, match: re.Match[str], hit: str) -> list[str]:
    out: list[str] = []
    groups = {k: (v or "").lower() for k, v in match.groupdict().items()}
    be_form = bool(BE_HEAD.match(hit))
    if rule.person and not (rule.verb and be_form):
        article = ARTICLE.match(hit)
        last = hit.split()[-1].lower() if hit.split() else ""
        plural = last.endswith("s") and not last.endswith("ss")
        if plural:
            base = rule.people or rule.person
            out.append(f"the {base}" if article and article.group(1).lower() == "the" else base)
        elif article and article.group(1).lower() == "the":
            out.append(f"the {rule.person}")
        elif article:
            out.append(f"a {rule.person}")
        else:
            out.append(rule.person)
    if rule.verb and (be_form or not rule.person):
        head = groups.get("verb") or hit.split()[0]
        form: Form = form_of(head)
        out.extend(inflect_phrase(v, form) for v in rule.verb)
    for template in rule.suggest:
        try:
            out.append(template.format_map(groups))
        except (KeyError, IndexError, ValueError):
            out.append(template)
    if hit[:1].isupper():
        out = [s[:1].upper() + s[1:] for s in out]
    seen: list[str] = []
    for s in out:
        s = re.sub(r"\s+", " ", s).strip()
        if s and s not in seen and s.lower() != hit.lower():
            seen.append(s)
    return seen


BACK = 56  # a match starts at most this many characters before the key it contains
STARTS = re.compile(r"(?<![\w'’])\w|[^\w\s]")


def _trie_regex(keys: Iterable[str]) -> re.Pattern[str]:
    """One regex that finds every key at every position (a trie, so it stays fast)."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        parts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(r"(?<![a-zA-Z0-9'’])(?=(" + emit(trie) + "))")


SPACE_QUOTES = str.maketrans({c: " " for c in '"“”‘’([{*_'})
SPACE_JOINERS = str.maketrans({"-": " ", "/": " "})


TOKEN = re.compile(r"[a-z0-9&]+(?:[/'][a-z0-9]+)*")


class _KeyIndex:
    """Which rules a text wakes up, and where their keys are.

    Keys are matched at the start of a word (hyphens and spaces separate words); a key with
    spaces is looked up by its first word, a case-sensitive key by its lower-case form first.
    Only the keys present are then located with str.find, so a text with nothing to flag costs
    one pass over its words.
    """

    def __init__(self, lexicon: Lexicon):
        # lower-case head word -> [(rule index, full key, case-sensitive)]
        self.keys: dict[str, list[tuple[int, str, bool]]] = {}
        for index, rule in enumerate(lexicon.rules):
            for key in rule.keys:
                words = TOKEN.findall(key.rstrip("$").lower())
                head = words[0] if words else key.lower()
                self.keys.setdefault(head, []).append((index, key, rule.case_sensitive))
        # a token wakes every head it starts with: look up its prefixes of the head lengths
        self.lengths = sorted({len(head) for head in self.keys})

    def triggered(self, doc: _Text) -> dict[int, list[int]]:
        """Rule index -> positions of its keys in the text."""
        keys = self.keys
        lengths = self.lengths
        present: set[str] = set()
        for token in set(TOKEN.findall(doc.lower)):
            size = len(token)
            for length in lengths:
                if length > size:
                    break
                head = token[:length]
                if head in keys:
                    present.add(head)
        out: dict[int, list[int]] = {}
        for head in present:
            for index, key, exact in self.keys[head]:
                source = doc.text if exact else doc.lower
                whole = key.endswith("$")
                word = key.rstrip("$")
                after = len(word)
                at = source.find(word)
                while at >= 0:
                    if (at == 0 or not source[at - 1].isalnum()) and not (
                        whole and source[at + after : at + after + 1].isalpha()
                    ):
                        out.setdefault(index, []).append(at)
                    at = source.find(word, at + 1)
        return out


def _key_index(lexicon: Lexicon) -> _KeyIndex:
    index = getattr(lexicon, "_key_index", None)
    if index is None:
        index = _KeyIndex(lexicon)
        lexicon._key_index = index  # type: ignore[attr-defined]
    return index


def _candidates(doc: _Text, rule: Rule, hits: list[int]) -> Iterable[Finding]:
    text = doc.text
    ordered: list[int] = []
    spans: list[list[int]] = []
    for at in sorted(set(hits)):
        if spans and at - BACK <= spans[-1][1]:
            spans[-1][1] = at + 1
        else:
            spans.append([max(0, at - BACK), at + 1])
    for lo, hi in spans:
        ordered.extend(m.start() for m in STARTS.finditer(text, lo, hi))
    for pattern in rule.patterns:
        last_end = -1
        for pos in ordered:
            if pos < last_end:
                continue
            match = pattern.match(text, pos)
            if match is None:
                continue
            last_end = max(match.end(), pos + 1)
            if "hit" in pattern.groupindex and match.group("hit") is not None:
                start, end = match.span("hit")
            else:
                start, end = match.span()
            if start == end:
                continue
            finding = _judge(doc, rule, match, start, end)
            if finding is not None:
                yield finding


def _judge(doc: _Text, rule: Rule, match: re.Match[str], start: int, end: int) -> Finding | None:
    s0 = doc.sentence_start(match.start())
    before = doc.text[s0:start]
    after = doc.text[end : end + 80]
    if rule.unless_before is not None and rule.unless_before.search(before):
        return None
    if rule.unless_after is not None and rule.unless_after.match(after):
        return None
    if rule.context is not None or rule.unless_context is not None:
        sentence = doc.text[s0 : doc.sentence_end(end)]
        if rule.context is not None and not rule.context.search(sentence):
            return None
        if rule.unless_context is not None and rule.unless_context.search(sentence):
            return None
    guards = rule.guards
    if "quote" in guards and doc.in_quotes(start, end):
        return None
    if "mention" in guards and (MENTION_BEFORE.search(before) or MENTION_AFTER.match(after)):
        return None
    if "self" in guards and rule.category in SELF_CATEGORIES and _is_self(before):
        return None
    if "proper" in guards and _is_proper(doc, start, end, s0, match.end()):
        return None
    if rule.negation and NEGATION_BEFORE.search(before):
        return None
    hit = doc.text[start:end]
    return Finding(
        start=start,
        end=end,
        text=hit,
        category=rule.category,
        reason=rule.reason,
        suggestions=_suggestions(rule, match, hit),
        rule_id=rule.id,
    )


def review(text: str, lexicon: Lexicon | None = None) -> list[Finding]:
    """Findings in `text`, in order, never overlapping one another."""
    if not text or not text.strip():
        return []
    lex = lexicon if lexicon is not None else default_lexicon()
    doc = _Text.of(text)
    triggered = _key_index(lex).triggered(doc)
    found: list[tuple[int, int, int, Finding]] = []
    for order in sorted(triggered):
        for finding in _candidates(doc, lex.rules[order], triggered[order]):
            found.append((finding.start, -(finding.end - finding.start), order, finding))
    found.sort(key=lambda item: item[:3])
    kept: list[Finding] = []
    last_end = -1
    for _, _, _, finding in found:
        if finding.start >= last_end:
            kept.append(finding)
            last_end = finding.end
    return kept
