"""A small English inflector for suggestions: it only needs to turn the base form of the first
word of a suggestion ("decline", "choose not to take") into the form of the word it replaces
("refused" -> "declined", "refuses" -> "declines", "refusing" -> "declining")."""

from __future__ import annotations

from typing import Literal

Form = Literal["base", "s", "ed", "ing"]

# base -> (third person, past, present participle)
IRREGULAR: dict[str, tuple[str, str, str]] = {
    "be": ("is", "was", "being"),
    "have": ("has", "had", "having"),
    "do": ("does", "did", "doing"),
    "go": ("goes", "went", "going"),
    "choose": ("chooses", "chose", "choosing"),
    "take": ("takes", "took", "taking"),
    "say": ("says", "said", "saying"),
    "make": ("makes", "made", "making"),
    "get": ("gets", "got", "getting"),
    "feel": ("feels", "felt", "feeling"),
    "keep": ("keeps", "kept", "keeping"),
    "leave": ("leaves", "left", "leaving"),
    "tell": ("tells", "told", "telling"),
    "find": ("finds", "found", "finding"),
    "seek": ("seeks", "sought", "seeking"),
    "stop": ("stops", "stopped", "stopping"),
    "plan": ("plans", "planned", "planning"),
    "die": ("dies", "died", "dying"),
    "use": ("uses", "used", "using"),
}
VOWELS = set("aeiou")


def form_of(word: str) -> Form:
    """Which form an English verb is in, judged from its ending."""
    lower = word.lower().replace("’", "'")
    special: dict[str, Form] = {
        "been": "ed",
        "'s": "s",
        "are": "base",
        "am": "base",
        "isn't": "s",
        "wasn't": "ed",
        "were": "ed",
        "seems": "s",
        "seemed": "ed",
        "became": "ed",
        "becomes": "s",
    }
    if lower in special:
        return special[lower]
    for base, forms in IRREGULAR.items():
        if lower == base:
            return "base"
        if lower == forms[0]:
            return "s"
        if lower == forms[1]:
            return "ed"
        if lower == forms[2]:
            return "ing"
    if lower.endswith("ing") and len(lower) > 4:
        return "ing"
    if lower.endswith("ed") and len(lower) > 3:
        return "ed"
    if lower.endswith("s") and not lower.endswith("ss") and len(lower) > 2:
        return "s"
    return "base"


def inflect_verb(base: str, form: Form) -> str:
    """`base` in `form`; regular rules with the common spelling changes."""
    if form == "base":
        return base
    lower = base.lower()
    if lower in IRREGULAR:
        third, past, participle = IRREGULAR[lower]
        return {"s": third, "ed": past, "ing": participle}[form]
    if form == "s":
        if lower.endswith(("s", "sh", "ch", "x", "z", "o")):
            return base + "es"
        if lower.endswith("y") and lower[-2:-1] not in VOWELS:
            return base[:-1] + "ies"
        return base + "s"
    if form == "ed":
        if lower.endswith("e"):
            return base + "d"
        if lower.endswith("y") and lower[-2:-1] not in VOWELS:
            return base[:-1] + "ied"
        return base + "ed"
    # ing
    if lower.endswith("ie"):
        return base[:-2] + "ying"
    if lower.endswith("e") and not lower.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    return base + "ing"


def inflect_phrase(phrase: str, form: Form) -> str:
    """Inflect the first word of `phrase` ("choose not to take" -> "chose not to take")."""
    head, _, rest = phrase.partition(" ")
    word = inflect_verb(head, form)
    return f"{word} {rest}" if rest else word
