"""The reviewer finds harmful wording in context, and leaves benign senses, quotes, mentions and
people's own words alone. Sentences here are written for these tests, separate from the corpus."""

from __future__ import annotations

import pytest

from peerpath.language import ExtraTerm, Finding, default_lexicon, review
from peerpath.language.inflect import form_of, inflect_phrase


def found(text: str) -> list[tuple[str, str]]:
    return [(f.text, f.category) for f in review(text)]


def only(text: str) -> Finding:
    findings = review(text)
    assert len(findings) == 1, findings
    return findings[0]


@pytest.mark.parametrize(
    ("text", "span", "category"),
    [
        ("Jo stayed clean all winter.", "stayed clean", "substance_stigma"),
        ("The tox screen came back dirty again.", "dirty", "substance_stigma"),
        ("We met an addict at the bus depot.", "an addict", "identity_first"),
        ("Sam refuses his insulin most mornings.", "refuses", "coercion_compliance"),
        ("Ana is noncompliant with the plan.", "noncompliant", "coercion_compliance"),
        ("Her brother committed suicide in May.", "committed suicide", "suicide_language"),
        ("He is a total junkie, the landlord wrote.", "junkie", "dehumanizing_slang"),
        ("Pt denies SI at this time.", "Pt", "clinical_jargon"),
        ("She is so OCD about the fridge.", "so OCD", "pathologizing"),
        ("Lee was a good boy at clinic today.", "good boy", "infantilizing"),
        ("Mo is manipulative when the van is late.", "manipulative", "deficit_blame"),
    ],
)
def test_flags_harmful_wording(text: str, span: str, category: str) -> None:
    assert (span, category) in found(text) or any(
        span in f.text and f.category == category for f in review(text)
    )


@pytest.mark.parametrize(
    "text",
    [
        "We cleaned the kitchen and the floor is clean now.",
        "The upload failed, so I sent it again.",
        "All volunteers took suicide prevention training.",
        "The battery in the smoke alarm is dead.",
        "SAMHSA funds the Substance Abuse and Mental Health Services Administration grant.",
        "Narcotics Anonymous meets on Tuesday nights.",
        "Kai lives with schizophrenia and teaches guitar.",
        "Ren returned to use in March and called his sponsor.",
        "Ali tested positive for cannabis.",
        "Bea died by suicide in 2018.",
        "Cal declined the injection and asked about pills instead.",
        "Dee is autistic and likes a written plan.",
        "Eve is Deaf and brings an interpreter.",
        "We avoid the word 'non-compliant' in our notes.",
        'At group Fay said, "I am an addict and proud of my clean time."',
        "I have been clean for three years.",
        "Gus calls himself an alcoholic in his share.",
        "The new vendor is HIPAA-compliant.",
        "Hal has a clean driving record.",
        "Please let her know the time changed.",
        "Ivy is patient with new members.",
    ],
)
def test_leaves_benign_senses_alone(text: str) -> None:
    assert found(text) == []


def test_suggestions_fit_the_sentence() -> None:
    assert "declined" in only("Jo refused her meds.").suggestions
    assert "declines" in only("Jo refuses her meds.").suggestions
    assert "declining" in only("Jo was refusing her meds.").suggestions
    assert only("An addict came in.").suggestions[0] == "A person with a substance use disorder"
    assert only("Three addicts came in.").suggestions[0].lower().startswith("people with")
    assert only("He committed suicide.").suggestions[0] == "died by suicide"


def test_offsets_point_at_the_words() -> None:
    text = "Note: Kim is non-compliant today."
    finding = only(text)
    assert text[finding.start : finding.end] == finding.text == "non-compliant"
    assert finding.rule_id == "coercion.noncompliant"
    assert finding.reason


def test_findings_never_overlap() -> None:
    findings = review("The former heroin addict, a junkie, relapsed again after all our help.")
    ends = [f.end for f in findings]
    starts = [f.start for f in findings]
    assert all(s >= e for s, e in zip(starts[1:], ends[:-1], strict=False))


def test_negation_that_rejects_the_label_is_not_flagged() -> None:
    assert found("He isn't drug-seeking; his pain is real.") == []
    assert found("She has not been compliant with the diet.") != []


def test_organization_terms_and_silenced_rules() -> None:
    lexicon = default_lexicon().with_overrides(
        [
            ExtraTerm(
                "frequent caller", "deficit_blame", "Mocks people who reach out.", ("calls often",)
            )
        ],
        ["jargon.patient"],
    )
    findings = review("The patient is a frequent caller.", lexicon)
    assert [(f.text, f.rule_id) for f in findings] == [("frequent caller", "org.frequent-caller")]
    assert findings[0].suggestions == ["calls often"]
    assert review("Frequent callers are welcome.", lexicon)[0].category == "deficit_blame"


def test_every_rule_has_a_reason_and_a_known_category() -> None:
    for rule in default_lexicon().rules:
        assert rule.reason.strip() and rule.keys and rule.patterns, rule.id


def test_empty_and_long_text() -> None:
    assert review("") == [] and review("   \n") == []
    long = "Jo declined the group and went for a walk. " * 2000
    assert review(long) == []


@pytest.mark.parametrize(
    ("word", "form", "base", "expected"),
    [
        ("refused", "ed", "decline", "declined"),
        ("refuses", "s", "choose not to", "chooses not to"),
        ("refusing", "ing", "decline", "declining"),
        ("committed", "ed", "die by suicide", "died by suicide"),
        ("is", "s", "live with", "lives with"),
    ],
)
def test_inflection(word: str, form: str, base: str, expected: str) -> None:
    assert form_of(word) == form
    assert inflect_phrase(base, form_of(word)) == expected


@pytest.mark.parametrize(
    ("text", "span", "category"),
    [
        # inflections and new forms of known problems
        ("Sonia flatly refused, so the nurse logged it.", "refused", "coercion_compliance"),
        ("Medication refusal noted twice this week.", "refusal", "coercion_compliance"),
        ("Abe will be required to take his shots.", "required to take", "coercion_compliance"),
        ("Marta stopped complying with the check-ins.", "complying", "coercion_compliance"),
        ("Staff forced Noel to shower before group.", "forced", "coercion_compliance"),
        ("Residents who miss curfew will lose their spot.", "lose their", "coercion_compliance"),
        ("Ida is only permitted one call a day.", "permitted", "coercion_compliance"),
        ("Jude resists any talk of medication.", "resists", "coercion_compliance"),
        # infantilizing vocabulary from the guides
        ("Grandma Pearl on the second floor wants tea.", "Grandma Pearl", "infantilizing"),
        ("Lou is being a big baby about the dentist.", "big baby", "infantilizing"),
        ("Cleo earns a sticker each time she attends group.", "a sticker", "infantilizing"),
        ("Vern was sent to his room after the argument.", "sent to his room", "infantilizing"),
        ("We let them go to the fair if the chores are done.", "let them", "infantilizing"),
        # chart shorthand with word boundaries and case rules
        ("Denies SI, reports fair sleep.", "SI", "clinical_jargon"),
        ("Member is on q15 checks.", "q15", "clinical_jargon"),
        ("Affect congruent, euthymic mood.", "euthymic mood", "clinical_jargon"),
        ("pt reports poor appetite.", "pt", "clinical_jargon"),
        ("Nell was 302'd last winter.", "302'd", "clinical_jargon"),
        # pathologizing about ordinary moods
        ("Her grief about the move seems symptomatic.", "symptomatic", "pathologizing"),
        ("Rui went nuts when the bus was late.", "nuts", "pathologizing"),
    ],
)
def test_generalizes_to_new_phrasings(text: str, span: str, category: str) -> None:
    at = text.index(span)
    assert any(
        f.category == category and f.start < at + len(span) and at < f.end for f in review(text)
    ), found(text)


@pytest.mark.parametrize(
    "text",
    [
        # a thing, not a person, is the subject; or the word means something else
        "It was a bit crazy at the pantry today.",
        "Work has been manic since the move.",
        "Her dad has decompensated heart failure.",
        "His blood pressure was labile overnight.",
        "Gloria gets mad when people cut in line.",
        "Alma is crazy about her grandkids.",
        "Her focus is mental health and housing.",
        # permission for people who are not members, or benign "let"
        "Parents are not allowed to park in the bus lane.",
        "Lucia let her sister borrow the car.",
        # abbreviations that are something else
        "Ask if the SI joint injection is covered.",
        "Maria flew home to HI for the holidays.",
        "Tx is the abbreviation for Texas on the label.",
        "Can you send the PT schedule for her knee?",
        # grandparents who are grandparents, rewards that are not for children
        "Our grandkids call my mother Grandma Rose.",
        "Pete's credit card rewards program paid him back.",
        "The daycare's meltdown policy for toddlers is posted.",
        "Clean UA results are faxed on Mondays.",
        "Being bipolar has never stopped Ana from teaching.",
    ],
)
def test_context_rules_leave_these_alone(text: str) -> None:
    findings = review(text)
    if text.startswith("Clean UA"):
        assert [f.text for f in findings] == ["Clean"]
        return
    assert findings == [], findings
