"""Demo wellness and crisis plans, written for peerpath (every person and place is invented).

Members are at different stages on purpose: member1 of each organization has every section,
including a full crisis plan; others have a few sections or just a toolbox; member8 has not
started. harbor.member1 also has a suggestion from their peer specialist waiting for an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from peerpath.db.base import utcnow
from peerpath.db.models import PlanProposal, User, WellnessSection
from peerpath.plans.common import new_item_fields


@dataclass(frozen=True)
class Entry:
    key: str
    content: dict[str, str]
    days_ago: int = 20
    by: str = "member"  # who first wrote it: "member", "peer1" or "peer2"
    # Someone whose (accepted) change came later, and how many days ago.
    edited_by: str | None = None
    edited_days_ago: int = 0


def lines(*items: str) -> str:
    return "\n".join(items)


HARBOR: dict[str, list[Entry]] = {
    # Jordan Reyes: a full plan, written over several weeks with help from Rosa (peer1).
    "member1": [
        Entry(
            "toolbox",
            {
                "helps_me": lines(
                    "Walking the harbor path early in the morning",
                    "Calling my sister Lena, even for five minutes",
                    "Cooking a proper meal from scratch",
                    "The Tuesday evening peer group at the center",
                    "Playing guitar, especially the old songs I know by heart",
                    "Keeping my room tidy enough that I can see the floor",
                ),
                "quick_tools": lines(
                    "Splash cold water on my face",
                    "Step outside and name five things I can see",
                    "Put on my 'steady' playlist",
                    "Text Lena a single wave emoji so she knows to check in",
                    "Make a cup of tea and drink it slowly, sitting down",
                ),
                "want_to_try": lines(
                    "The free Saturday yoga class at the library",
                    "Writing three lines in a notebook before bed",
                    "Volunteering at the community garden in spring",
                ),
            },
            days_ago=41,
        ),
        Entry(
            "daily",
            {
                "when_well": (
                    "Curious and a bit funny. I get up without arguing with myself, I answer "
                    "messages, and I make plans with people and keep them. I notice small "
                    "things, like the light on the water in the morning."
                ),
                "every_day": lines(
                    "Up by 8 and dressed before I look at my phone",
                    "Breakfast, even if it's only toast",
                    "A walk of at least twenty minutes",
                    "Medication with dinner",
                    "One conversation with someone in person",
                    "Phone off at 11",
                ),
                "some_days": lines(
                    "Laundry on Sundays",
                    "Peer group on Tuesdays",
                    "Call Dad every other weekend",
                    "Clean the kitchen properly when it starts to bother me",
                    "A long bike ride when I have extra energy",
                ),
            },
            days_ago=38,
            edited_by="peer1",
            edited_days_ago=12,
        ),
        Entry(
            "triggers",
            {
                "triggers": lines(
                    "The anniversary of Mum's death at the end of October",
                    "Money running short in the days before payday",
                    "Arguments that turn into shouting",
                    "Long runs of rainy days when I stay indoors",
                    "Being asked about the years I'd rather not talk about",
                ),
                "trigger_plan": lines(
                    "Plan the October anniversary with Lena ahead of time, so I'm not alone",
                    "Keep a small buffer in my budget, and ask Rosa early about the utility "
                    "help program",
                    "Step away from shouting and come back when it's calm. 'Not now' is fine",
                    "On rainy days, go to the library or the center anyway",
                    "I choose how much of my story to tell, and to whom",
                ),
            },
            days_ago=30,
        ),
        Entry(
            "early_signs",
            {
                "early_signs": lines(
                    "Sleeping past noon, or lying awake until 3",
                    "Skipping meals and living on coffee",
                    "Letting calls go to voicemail, even Lena's",
                    "Not picking up my guitar for days",
                    "Thinking people would be better off without my trouble",
                ),
                "early_signs_plan": lines(
                    "Go back to my everyday list and do the first three things, whatever else",
                    "Tell Lena and Rosa plainly: 'I'm slipping a bit'",
                    "Add an extra peer group or a drop-in visit this week",
                    "Ask for an earlier appointment with Dr. Osei if my sleep is off "
                    "for more than four nights",
                    "Be kind to myself: noticing early is a skill I've built",
                ),
            },
            days_ago=26,
        ),
        Entry(
            "breaking_down",
            {
                "hard_signs": lines(
                    "Not leaving my room for two days or more",
                    "Not eating at all",
                    "The critical voices getting louder, and me starting to believe them",
                    "Giving away things that matter to me",
                    "Talking about not wanting to be here",
                ),
                "hard_plan": lines(
                    "Call Lena and say the words 'it's bad today'",
                    "Call or text 988 if I can't reach Lena",
                    "Let Rosa know, so she can help me get an urgent appointment",
                    "Stay at Lena's for a few nights if she can have me",
                    "Keep my guitar and notebook where I can see them",
                ),
            },
            days_ago=19,
        ),
        Entry(
            "crisis",
            {
                "act_signs": lines(
                    "I stop answering everyone, Lena included, for more than a day",
                    "I talk about not wanting to be alive, or about having a plan",
                    "I haven't eaten or slept for two days",
                    "I seem confused about where I am or what day it is",
                ),
                "supporters": lines(
                    "Lena Reyes (my sister): call her first. She can stay with me and speak "
                    "for me with doctors.",
                    "Rosa Delgado (my peer specialist at Harbor): helps arrange care and "
                    "keeps the center in the loop.",
                    "Theo Marsh (friend): looks after Biscuit, my cat, and collects my post.",
                    "Please don't involve my uncle Ray: contact with him makes things harder.",
                ),
                "care_wanted": lines(
                    "The crisis respite house on Pier Street, if I need somewhere to go",
                    "A home visit from the mobile crisis team, with Lena there",
                    "Dr. Amara Osei, who knows me and my history",
                    "Being told what is happening and why, in plain words",
                ),
                "care_not_wanted": lines(
                    "Please avoid the hospital on Route 9: my stay there was frightening",
                    "No changes to my medication without Dr. Osei being told",
                    "Please give me space and time rather than holding me down",
                ),
                "helps_in_crisis": lines(
                    "A calm voice and short sentences",
                    "Sitting with me without pushing me to talk",
                    "Reminding me of the people I love and what I've come through before",
                    "Soft light and my 'steady' playlist",
                    "Having Biscuit nearby if that's possible",
                ),
                "not_helpful": lines(
                    "Raised voices, or several people talking at once",
                    "Being told to 'snap out of it'",
                    "Being touched without being asked first",
                    "Lots of questions at the same time",
                ),
                "practical": lines(
                    "Biscuit (cat): Theo has a key and knows which food she eats",
                    "Rent goes out automatically; the power bill is in the blue folder on "
                    "the shelf",
                    "Let my manager at the bakery know I'm unwell. Lena has the number",
                    "Water the plants on the kitchen windowsill",
                ),
                "plan_ends": lines(
                    "I've slept and eaten properly for three days in a row",
                    "I'm answering my phone again and can say what I need",
                    "I say I'm ready to take things back, and Lena agrees",
                ),
            },
            days_ago=14,
        ),
        Entry(
            "post_crisis",
            {
                "through_it": lines(
                    "I want to get out of bed and go for my walk",
                    "I'm making small plans again, like what to cook tomorrow",
                    "The voices are quieter and I can tell them apart from my own thoughts",
                ),
                "need_after": lines(
                    "A gentle return to work: half days for the first week",
                    "Someone checking in each evening for a week",
                    "Help catching up with bills and post",
                    "Time at the center's drop-in without having to explain myself",
                ),
                "who_helps_after": lines(
                    "Lena: evening calls and Sunday dinner",
                    "Rosa: extra sessions, and help talking to my manager",
                    "Theo: brings Biscuit home and helps with the shopping",
                    "Dr. Osei: a review appointment within two weeks",
                ),
                "looking_back": (
                    "Last winter taught me that I wait too long before telling Lena. Next time "
                    "I'll tell her when I notice the early signs. Keeping my everyday list on "
                    "the fridge made it much easier to get going again."
                ),
            },
            days_ago=9,
        ),
    ],
    # Priya Nair: well into it; has not reached the crisis sections yet.
    "member2": [
        Entry(
            "toolbox",
            {
                "helps_me": lines(
                    "Sketching in the park",
                    "Cooking dal the way my grandmother did",
                    "Messages with my cousin Anjali",
                    "Swimming at the Y on weekday mornings",
                    "Reading before sleep instead of scrolling",
                ),
                "quick_tools": lines(
                    "Four slow breaths, longer out than in",
                    "Wash my hands in warm water and notice the feeling",
                    "Draw whatever is in front of me for two minutes",
                ),
            },
            days_ago=33,
        ),
        Entry(
            "daily",
            {
                "when_well": (
                    "Steady and warm. I laugh easily, I sketch most days and I reach out to "
                    "people instead of waiting for them."
                ),
                "every_day": lines(
                    "Breakfast with a proper cup of chai",
                    "Ten minutes outside",
                    "Sketch something, even a doodle",
                    "Bed by midnight",
                ),
                "some_days": lines("Swim on Monday, Wednesday and Friday", "Temple on Sundays"),
            },
            days_ago=27,
        ),
        Entry(
            "triggers",
            {
                "triggers": lines(
                    "Family gatherings where my choices get picked apart",
                    "Overtime weeks at the warehouse",
                    "Crowded buses at rush hour",
                ),
                "trigger_plan": lines(
                    "Go to gatherings with Anjali and agree on a time to leave beforehand",
                    "Say no to a second overtime shift in the same week",
                    "Take the earlier bus and bring headphones",
                ),
            },
            days_ago=15,
        ),
        Entry(
            "early_signs",
            {
                "early_signs": lines(
                    "My sketchbook stays closed",
                    "I cancel swimming two times in a row",
                    "I get snappy over small things",
                ),
                "early_signs_plan": lines(
                    "Tell Rosa at our next session, or message her sooner",
                    "Go back to the basics on my everyday list",
                    "Spend an evening with Anjali",
                ),
            },
            days_ago=6,
        ),
    ],
    # Eli Thompson: a first toolbox, just the start.
    "member3": [
        Entry(
            "toolbox",
            {
                "helps_me": lines(
                    "Fishing off the east jetty",
                    "My neighbor's dog, Pepper, who I walk on Saturdays",
                    "Old westerns on TV",
                ),
            },
            days_ago=5,
        ),
    ],
    # Grace Kim: toolbox, and an everyday list she drafted with Rosa in a session.
    "member4": [
        Entry(
            "toolbox",
            {
                "helps_me": lines(
                    "Singing in the church choir",
                    "Baking bread on Sunday afternoons",
                    "Phone calls with my daughter",
                    "Tending my balcony tomatoes",
                ),
                "want_to_try": lines("A pottery class", "The walking group that meets at the pier"),
            },
            days_ago=24,
        ),
        Entry(
            "daily",
            {
                "when_well": (
                    "Organized and generous. I remember birthdays and I keep the house just "
                    "the way I like it."
                ),
                "every_day": lines(
                    "Morning stretches",
                    "Lunch at the table, not standing up",
                    "Check on the tomatoes",
                ),
                "some_days": lines("Choir practice on Thursdays", "Bake on Sundays"),
            },
            days_ago=10,
            by="peer1",
        ),
    ],
    # Malik Johnson: just the toolbox so far.
    "member5": [
        Entry(
            "toolbox",
            {
                "helps_me": lines(
                    "Lifting weights at the community gym",
                    "Pickup basketball with my brother",
                    "Podcasts about history",
                    "My Wednesday recovery meeting",
                ),
                "quick_tools": lines(
                    "Twenty push-ups",
                    "Call my sponsor, Curtis",
                    "Walk to the corner store and back",
                ),
            },
            days_ago=18,
        ),
    ],
    # Tess Murphy: most of the plan, including a crisis plan written with Sam (peer2).
    "member6": [
        Entry(
            "toolbox",
            {
                "helps_me": lines(
                    "Knitting while I listen to audiobooks",
                    "My cat, Juniper",
                    "Long showers with the radio on",
                    "Volunteering at the animal shelter",
                ),
                "quick_tools": lines("Stroke Juniper and count her purrs", "Knit one row"),
            },
            days_ago=60,
        ),
        Entry(
            "daily",
            {
                "when_well": "Chatty, a little messy, and full of small projects.",
                "every_day": lines("Feed Juniper and myself", "Open the curtains", "Knit a bit"),
                "some_days": lines("Shelter shift on Saturdays"),
            },
            days_ago=55,
        ),
        Entry(
            "triggers",
            {
                "triggers": lines("Letters from the benefits office", "Loud neighbors at night"),
                "trigger_plan": lines(
                    "Open official letters with Sam or my friend Nora, not alone",
                    "Earplugs and the fan on; talk to the landlord by day",
                ),
            },
            days_ago=48,
        ),
        Entry(
            "early_signs",
            {
                "early_signs": lines(
                    "The curtains stay closed all day",
                    "I stop answering the shelter's group chat",
                ),
                "early_signs_plan": lines(
                    "Open the curtains and sit by the window with tea",
                    "Message Nora and tell her honestly how I am",
                ),
            },
            days_ago=40,
        ),
        Entry(
            "breaking_down",
            {
                "hard_signs": lines("Not eating", "Not feeding Juniper on time"),
                "hard_plan": lines(
                    "Call Nora and ask her to come over",
                    "Call the warmline, or 988 if it feels unsafe",
                ),
            },
            days_ago=35,
        ),
        Entry(
            "crisis",
            {
                "act_signs": lines(
                    "Juniper hasn't been fed",
                    "I haven't answered Nora for two days",
                ),
                "supporters": lines(
                    "Nora Quinn (friend): call first; she has my spare key",
                    "Sam Okafor (peer specialist): helps me talk with services",
                ),
                "care_wanted": "Being seen at home first, if at all possible",
                "helps_in_crisis": "Quiet, patience, and Juniper close by",
                "not_helpful": "Being rushed into decisions",
                "practical": "Nora takes Juniper to her flat; her food is under the sink",
                "plan_ends": "When I'm feeding myself and Juniper on my own again",
            },
            days_ago=21,
            by="peer2",
            edited_by="member",
            edited_days_ago=16,
        ),
    ],
    # Ana Sousa: wanted her crisis plan in place before anything else.
    "member7": [
        Entry(
            "crisis",
            {
                "act_signs": lines(
                    "I stop going to work without calling in",
                    "I speak only Portuguese and seem far away",
                ),
                "supporters": lines(
                    "Marta Sousa (mother): call first, in Portuguese",
                    "Sam Okafor (peer specialist): contact the center",
                ),
                "care_wanted": "An interpreter if I am not speaking English",
                "care_not_wanted": "Please don't call my ex-partner",
                "helps_in_crisis": "Fado music, a blanket, my mother's voice on the phone",
                "practical": "My son Tiago stays with his grandmother Marta",
            },
            days_ago=12,
        ),
        Entry(
            "post_crisis",
            {
                "through_it": "I'm sleeping at night and I want to see Tiago",
                "need_after": "A week at home before going back to work",
            },
            days_ago=12,
        ),
    ],
    "member8": [],
}


RIVERBEND: dict[str, list[Entry]] = {
    # Kai Bennett: a full plan, built with Jess (peer1) and shared with their father Paul.
    "member1": [
        Entry(
            "toolbox",
            {
                "helps_me": lines(
                    "Woodworking in Dad's garage",
                    "My Thursday night recovery meeting, and coffee after with the regulars",
                    "Running the river trail, even slowly",
                    "Talking with Jess before things pile up",
                    "Cooking for friends on Sunday",
                    "Taking my dog, Moss, to the dog park",
                ),
                "quick_tools": lines(
                    "Sand a piece of wood by hand for five minutes",
                    "Text my sponsor, Dee",
                    "Drink a big glass of water and eat something",
                    "Name three things that went okay today",
                ),
                "want_to_try": lines(
                    "The climbing gym's beginner night",
                    "Building a bench for the community garden",
                ),
            },
            days_ago=45,
        ),
        Entry(
            "daily",
            {
                "when_well": (
                    "Patient and practical. I fix things for people, I turn up on time and I "
                    "can sit with a hard feeling without needing to escape it."
                ),
                "every_day": lines(
                    "Walk Moss morning and evening",
                    "Eat three real meals",
                    "Read the day's page from my recovery book",
                    "Check in with one person in my circle",
                    "In bed by 11:30",
                ),
                "some_days": lines(
                    "Meeting on Thursdays and Saturdays",
                    "Workshop time with Dad on weekends",
                    "Call Dee on Mondays",
                    "Clear the workbench and sweep up when it's cluttered",
                ),
            },
            days_ago=40,
        ),
        Entry(
            "triggers",
            {
                "triggers": lines(
                    "Payday Fridays with nothing planned for the evening",
                    "Running into people from my using days downtown",
                    "Arguments with my brother about the past",
                    "Pain flare-ups in my back",
                ),
                "trigger_plan": lines(
                    "Plan payday evenings ahead: dinner with Dad or the late meeting",
                    "Take the river route instead of going through downtown",
                    "Keep talks with my brother short, and meet in public places",
                    "Follow the pain plan from my physio and tell Jess when it flares",
                ),
            },
            days_ago=33,
        ),
        Entry(
            "early_signs",
            {
                "early_signs": lines(
                    "Skipping meetings and telling myself I'm too busy",
                    "Going quiet in the group chat",
                    "Romanticizing the old days",
                    "Snapping at Moss or at Dad",
                ),
                "early_signs_plan": lines(
                    "Go to a meeting within 24 hours",
                    "Call Dee and be honest about the thoughts",
                    "Book an extra session with Jess",
                    "Spend an evening in the workshop with Dad",
                ),
            },
            days_ago=28,
            edited_by="peer1",
            edited_days_ago=20,
        ),
        Entry(
            "breaking_down",
            {
                "hard_signs": lines(
                    "I've used, or I've made a plan to use",
                    "I'm avoiding Dad and not answering Dee",
                    "Not sleeping for more than a couple of nights",
                ),
                "hard_plan": lines(
                    "Tell Dee or Jess the same day. No shame, just facts",
                    "Ask Dad to hold my bank card for a while",
                    "Go to the Riverbend drop-in every day this week",
                    "Call the recovery support line at night if I'm alone",
                ),
            },
            days_ago=22,
        ),
        Entry(
            "crisis",
            {
                "act_signs": lines(
                    "I can't be reached for a whole day and Moss hasn't been walked",
                    "I've used and I'm not safe on my own",
                    "I talk about ending my life",
                ),
                "supporters": lines(
                    "Paul Bennett (my dad): call first. He can stay with me and look after Moss.",
                    "Dee Harlow (sponsor): knows my recovery history and can come over.",
                    "Jess Morgan (peer specialist at Riverbend): helps me get the care I've "
                    "chosen and talks with services for me.",
                ),
                "care_wanted": lines(
                    "The detox and recovery unit at St. Brigid's, which I know and trust",
                    "Naloxone in the house, and Dad knowing where it is",
                    "Staff who use my name and explain what they're doing",
                ),
                "care_not_wanted": lines(
                    "Please don't call my brother during a crisis",
                    "I don't want any opioid pain medication, even for my back",
                ),
                "helps_in_crisis": lines(
                    "Someone steady sitting nearby",
                    "Being reminded how many days I've had and that those days still count",
                    "Moss",
                    "Plain food and water",
                ),
                "not_helpful": lines(
                    "Lectures about what I did wrong",
                    "Being left alone for long stretches",
                ),
                "practical": lines(
                    "Moss goes to Dad's. Her food and lead are by the back door",
                    "Tell my boss at the lumber yard that I'm out sick. Dad has the number",
                    "My rent is due on the 1st; Dad can pay it from the shared account",
                ),
                "plan_ends": lines(
                    "I've had a few clear days and I'm back at meetings",
                    "I say I'm ready, and Dee or Jess agree",
                ),
            },
            days_ago=16,
        ),
        Entry(
            "post_crisis",
            {
                "through_it": lines(
                    "I'm sleeping through the night",
                    "I want to be in the workshop again",
                    "I've been to three meetings in a week",
                ),
                "need_after": lines(
                    "A meeting every day for the first two weeks",
                    "Short shifts at work for a while",
                    "Someone to go to the pharmacy with me",
                ),
                "who_helps_after": lines(
                    "Dad: dinners and keeps Moss until I'm settled",
                    "Dee: daily calls",
                    "Jess: two sessions a week, and help with work",
                ),
                "looking_back": (
                    "A slip doesn't erase my recovery. Last time I learned that payday "
                    "evenings need a plan, so that part is now in my triggers."
                ),
            },
            days_ago=10,
        ),
    ],
    # Maya Lopez: toolbox, everyday list and triggers.
    "member2": [
        Entry(
            "toolbox",
            {
                "helps_me": lines(
                    "Dancing in my kitchen",
                    "Video calls with my abuela",
                    "Gardening at the community plot",
                    "Journaling in Spanish",
                ),
                "quick_tools": lines("One song, full volume", "Hands in the soil"),
            },
            days_ago=29,
        ),
        Entry(
            "daily",
            {
                "when_well": "Energetic, silly with my nephews, and on top of my schoolwork.",
                "every_day": lines("Breakfast", "Study for an hour", "Text my sister"),
                "some_days": lines("Garden on weekends", "Salsa class on Wednesdays"),
            },
            days_ago=22,
        ),
        Entry(
            "triggers",
            {
                "triggers": lines("Exam weeks", "Being compared with my older sister"),
                "trigger_plan": lines(
                    "Plan exam weeks in small blocks with breaks",
                    "Remind myself: my path is my own",
                ),
            },
            days_ago=8,
        ),
    ],
    # Noah Fischer: a first toolbox.
    "member3": [
        Entry(
            "toolbox",
            {
                "helps_me": lines(
                    "Chess at the library club",
                    "Long bike rides",
                    "Baking with my roommate",
                ),
            },
            days_ago=4,
        ),
    ],
    # Zoe Adams: toolbox and early signs, written with Jess.
    "member4": [
        Entry(
            "toolbox",
            {
                "helps_me": lines(
                    "Photography walks",
                    "Bouldering with friends",
                    "Time with my grandmother",
                ),
                "want_to_try": "A photography exhibition at the community hall",
            },
            days_ago=25,
        ),
        Entry(
            "early_signs",
            {
                "early_signs": lines("I stop taking photos", "I stay up gaming until sunrise"),
                "early_signs_plan": lines(
                    "Take one photo a day, however small",
                    "Set an alarm for bedtime and tell Jess how it went",
                ),
            },
            days_ago=11,
            by="peer1",
        ),
    ],
    # Ravi Patel: just the toolbox.
    "member5": [
        Entry(
            "toolbox",
            {
                "helps_me": lines(
                    "Cricket in the park on Sundays",
                    "Cooking for my family",
                    "Meditation with an app",
                    "Talking with Luis after group",
                ),
                "quick_tools": "Three minutes of breathing with the app",
            },
            days_ago=14,
        ),
    ],
    # Hannah Lee: everyday list, toolbox, and a crisis plan with Luis (peer2).
    "member6": [
        Entry(
            "toolbox",
            {
                "helps_me": lines("Playing piano", "Swimming", "My friend Grace's couch"),
            },
            days_ago=50,
        ),
        Entry(
            "daily",
            {
                "when_well": "Focused, kind to myself, and I practise piano most days.",
                "every_day": lines("Eat regular meals", "Piano for 15 minutes", "Walk"),
            },
            days_ago=44,
        ),
        Entry(
            "breaking_down",
            {
                "hard_signs": lines("Skipping meals", "Cancelling plans so I can be alone"),
                "hard_plan": lines(
                    "Tell Luis and my dietitian the same week",
                    "Eat with Grace for a few days",
                ),
            },
            days_ago=30,
        ),
        Entry(
            "crisis",
            {
                "act_signs": "I'm fainting or too weak to go to work",
                "supporters": lines(
                    "Grace Lin (friend): call first",
                    "Luis Ortega (peer specialist): contacts my care team",
                ),
                "care_wanted": "The day program at Riverside, with Dr. Chen, who knows me well",
                "helps_in_crisis": "Gentle company at mealtimes, no comments about food",
                "not_helpful": "Talk about weight or bodies",
            },
            days_ago=18,
            by="peer2",
            edited_by="member",
            edited_days_ago=15,
        ),
    ],
    # Diego Ramos: his everyday list and the start of a crisis plan.
    "member7": [
        Entry(
            "daily",
            {
                "when_well": "I'm up early, I joke with my coworkers and I call my kids.",
                "every_day": lines("Coffee on the porch", "Call the kids", "Walk after dinner"),
            },
            days_ago=17,
        ),
        Entry(
            "crisis",
            {
                "supporters": "Lucia Ramos (my wife): call first",
                "helps_in_crisis": "Being outside, not shut in a small room",
            },
            days_ago=3,
        ),
    ],
    "member8": [],
}

# Rosa (peer1) suggests two additions to Jordan's toolbox after a session; Jordan decides.
HARBOR_TOOLBOX_SUGGESTION = {
    "helps_me": lines(
        "Walking the harbor path early in the morning",
        "Calling my sister Lena, even for five minutes",
        "Cooking a proper meal from scratch",
        "The Tuesday evening peer group at the center",
        "Playing guitar, especially the old songs I know by heart",
        "Keeping my room tidy enough that I can see the floor",
        "The quiet reading room at the Eastside library",
    ),
    "quick_tools": lines(
        "Splash cold water on my face",
        "Step outside and name five things I can see",
        "Put on my 'steady' playlist",
        "Text Lena a single wave emoji so she knows to check in",
        "Make a cup of tea and drink it slowly, sitting down",
    ),
    "want_to_try": lines(
        "The free Saturday yoga class at the library",
        "Writing three lines in a notebook before bed",
        "Volunteering at the community garden in spring",
        "The Thursday drumming circle at the center",
    ),
}


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    plans = HARBOR if org_slug == "harbor" else RIVERBEND
    now = utcnow()
    rows: dict[tuple[str, str], WellnessSection] = {}
    for member_key, entries in plans.items():
        member = users[member_key]
        for entry in entries:
            author = member if entry.by == "member" else users[entry.by]
            fields = new_item_fields(author, member)
            fields["created_at"] = fields["updated_at"] = now - timedelta(days=entry.days_ago)
            if entry.edited_by is not None:
                editor = member if entry.edited_by == "member" else users[entry.edited_by]
                fields["updated_by_id"] = editor.id
                fields["updated_at"] = now - timedelta(days=entry.edited_days_ago)
                fields["version"] = 2
            row = WellnessSection(
                member_id=member.id, key=entry.key, content=dict(entry.content), **fields
            )
            db.add(row)
            rows[(member_key, entry.key)] = row
    db.flush()
    if org_slug == "harbor":
        toolbox = rows[("member1", "toolbox")]
        member = users["member1"]
        db.add(
            PlanProposal(
                organization_id=member.organization_id,
                member_id=member.id,
                kind="wellness_section",
                action="update",
                target_id=toolbox.id,
                base_version=toolbox.version,
                payload={"key": "toolbox", "content": dict(HARBOR_TOOLBOX_SUGGESTION)},
                summary="Changes to “My toolbox for staying well”",
                note=(
                    "You mentioned the library's quiet room really helped last week, and "
                    "that the drumming circle sounded fun. Want to add them?"
                ),
                proposed_by_id=users["peer1"].id,
                proposed_at=now - timedelta(days=2),
            )
        )
        db.flush()
