"""Demo journal entries, written for peerpath (all people invented). Encrypted like real ones.

Member 1 has months of entries, two of them shared with their peer specialist; members 2-6
have a few; members 7 and 8 have not started a journal.

The keyring: `peerpath demo` uses the configured one (the keyring `peerpath serve` loads);
tests hand load_demo() the app's keyring, which arrives here through the session.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.orm import Session

from peerpath.checkins.journal import service
from peerpath.core.crypto import Keyring, associated_data, load_keyring
from peerpath.db.models import JournalEntry, User
from peerpath.settings import get_settings

# (days ago, prompt key, CHIME tags, shared with the peer specialist, text)
Entry = tuple[int, str, tuple[str, ...], bool, str]

ENTRIES: dict[str, tuple[Entry, ...]] = {
    "member1": (
        (
            170,
            "",
            ("hope",),
            False,
            "First entry. My peer specialist suggested writing things down, so here I am. "
            "Not sure what to say yet. Today was long, but I made it to the Tuesday group, "
            "and that counts for something.",
        ),
        (
            160,
            "small_good",
            ("hope", "empowerment"),
            False,
            "Made a real breakfast instead of skipping it. Small, but I did it without "
            "anyone reminding me.",
        ),
        (
            150,
            "someone_helped",
            ("connectedness",),
            False,
            "My sister called just to talk about nothing. We laughed about the dog stealing "
            "the bread off the counter. I hadn't noticed how much I needed an ordinary "
            "conversation.",
        ),
        (
            138,
            "",
            ("identity",),
            False,
            "Rough week. Didn't sleep much and kept going over old things. Writing it here "
            "instead of carrying it around all day.\nTomorrow I'll try the walk around the "
            "lake again.",
        ),
        (
            125,
            "strength_used",
            ("identity", "empowerment"),
            False,
            "Patience. The bus was forty minutes late and I didn't let it wreck the whole "
            "afternoon. Used the wait to message about the job fair.",
        ),
        (
            112,
            "looking_forward",
            ("hope",),
            False,
            "The job fair on the 14th. Nervous, but my shirt is ironed already.",
        ),
        (
            100,
            "",
            ("empowerment", "meaning"),
            True,
            "The job fair went better than I expected. Two people took my details and one "
            "said to call back next week. I'd like to talk through how to follow up without "
            "feeling pushy.",
        ),
        (
            90,
            "got_through",
            ("hope", "empowerment"),
            False,
            "Thursday was hard. What helped: the slow breathing from group, and remembering "
            "I have come through worse. Also tea. Tea helps.",
        ),
        (
            80,
            "belonging",
            ("connectedness", "identity"),
            False,
            "The Wednesday art group. Nobody asks what happened to you there; you just paint "
            "next to each other. I feel part of something.",
        ),
        (
            68,
            "",
            ("meaning",),
            False,
            "Started volunteering at the community garden on Saturdays. Soil under my nails "
            "and my back aches, but it's a good ache.",
        ),
        (
            55,
            "note_to_past_self",
            ("hope", "identity"),
            False,
            "To me a year ago: you don't have to believe it will get better. Keep showing up. "
            "The showing up is what does it.",
        ),
        (
            42,
            "",
            ("empowerment",),
            True,
            "Noticed some of my early signs this week: skipping meals, staying in bed late. "
            "This time I caught it early and used my plan. I want to go through what worked "
            "at our next session.",
        ),
        (
            30,
            "three_glad_things",
            ("hope", "meaning"),
            False,
            "1. The tomatoes at the garden finally turned red.\n2. A visit from my sister.\n"
            "3. Seven hours of sleep, two nights in a row.",
        ),
        (
            16,
            "",
            ("connectedness",),
            False,
            "Coffee with a friend from group. We talked about our plans for the winter. It's "
            "good to have a friend who gets it.",
        ),
        (
            5,
            "next_small_step",
            ("hope", "empowerment"),
            False,
            "Tomorrow: call about the part-time job at the hardware store. Write down three "
            "questions first.",
        ),
    ),
    "member2": (
        (
            75,
            "",
            ("hope",),
            False,
            "New notebook, new start. Trying this journal thing for a month.",
        ),
        (
            60,
            "what_matters",
            ("meaning", "connectedness"),
            False,
            "My kids. Picking them up from school today and hearing about their day was the "
            "best part of mine.",
        ),
        (
            41,
            "listening_to_body",
            ("empowerment",),
            False,
            "Tired, heavy shoulders. I think it's asking for an early night and less screen "
            "time. Going to try.",
        ),
        (
            20,
            "",
            ("identity",),
            False,
            "Said no to an extra shift without apologising five times. Felt strange, then fine.",
        ),
        (
            6,
            "comforts",
            ("empowerment", "hope"),
            False,
            "Rain on the window. My grandmother's recipe for lentil soup. The playlist from "
            "last summer. A hot shower.",
        ),
    ),
    "member3": (
        (
            50,
            "",
            ("hope",),
            False,
            "Moved into the new room today. It's small but the window gets morning sun.",
        ),
        (
            33,
            "reach_out",
            ("connectedness",),
            False,
            "My old friend from the warehouse. I'd want to tell him I'm doing better, and "
            "that I think about the lunch breaks we used to share.",
        ),
        (
            18,
            "",
            ("meaning",),
            False,
            "Fixed the neighbour's bike. Forgot how much I like working with my hands.",
        ),
        (
            4,
            "quietly_proud",
            ("identity", "empowerment"),
            False,
            "I went to the library and signed up for the computer class on my own.",
        ),
    ),
    "member4": (
        (
            36,
            "title_for_today",
            ("identity",),
            False,
            "'Slow but steady'. Nothing big happened and that was okay.",
        ),
        (
            22,
            "",
            ("hope",),
            False,
            "Planted basil on the windowsill. Let's see if I can keep something alive.",
        ),
        (
            9,
            "looked_after_myself",
            ("empowerment", "identity"),
            False,
            "Left the party early when it got too loud. Nobody minded, and I slept well.",
        ),
    ),
    "member5": (
        (
            28,
            "",
            ("hope",),
            False,
            "Week two with the new routine: up at eight, short walk, breakfast. So far so good.",
        ),
        (
            12,
            "places_that_give_energy",
            ("connectedness", "meaning"),
            False,
            "The Sunday football kickabout. I'm not good at it, and that doesn't matter to anyone.",
        ),
        (
            3,
            "",
            ("identity",),
            False,
            "Someone at the centre asked me for advice today. Me. I think I helped.",
        ),
    ),
    "member6": (
        (
            14,
            "",
            ("hope",),
            False,
            "Trying this for the first time. Today was okay.",
        ),
        (
            2,
            "small_good",
            ("hope",),
            False,
            "Answered a phone call I had been avoiding. It went fine.",
        ),
    ),
}


def _keyring(db: Session) -> Keyring:
    from peerpath.demo import DEMO_KEYRING

    keyring = db.info.get(DEMO_KEYRING)
    return keyring if isinstance(keyring, Keyring) else load_keyring(get_settings())


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    keyring = _keyring(db)
    today = service.today()
    rows = []
    for suffix, entries in ENTRIES.items():
        member = users[suffix]
        associated = associated_data(member.organization_id, member.id)
        for n, (days_ago, prompt_key, chime, shared, text) in enumerate(entries):
            at = datetime.combine(today - timedelta(days=days_ago), time(19, 30 + n % 20), UTC)
            key_id, nonce, ciphertext = keyring.encrypt(text, associated)
            rows.append(
                JournalEntry(
                    organization_id=member.organization_id,
                    member_id=member.id,
                    prompt_key=prompt_key,
                    chime=list(chime),
                    key_id=key_id,
                    nonce=nonce,
                    ciphertext=ciphertext,
                    created_at=at,
                    updated_at=at,
                    shared_with_peer_at=at + timedelta(days=1) if shared else None,
                )
            )
    db.add_all(rows)
    db.flush()
