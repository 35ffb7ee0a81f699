"""Misheard words put back to the conversation's words they sound like (`brain/sounds.py`), with a
pet-sitting app's tools the brain has never seen."""

from __future__ import annotations

from realtalk.brain.sounds import MAX_WORDS, Vocabulary
from realtalk.session.hearing import Expectation
from tests.brain.toolbox import tool

TOOLS = [
    tool(
        "log_walk",
        "Log a walk for a pet: how long, and whether it was muddy.",
        ["pet"],
        pet={"type": "string", "description": "which pet, by name"},
        minutes={"type": "integer"},
    ),
    tool(
        "schedule_feeding",
        "Schedule a feeding; overdue feedings are listed first.",
        ["pet"],
        pet={"type": "string"},
        food={"type": "string", "enum": ["kibble", "tuna"]},
    ),
    tool("flag_pet", "Flag a pet for the vet.", ["pet"], pet={"type": "string"}),
]
PETS = ["Walk Biscuit in the park", "Give Bramble her eardrops"]


def vocabulary(names: list[str] = PETS) -> Vocabulary:
    expecting = Expectation.of(TOOLS, None, "You are Pip, a pet sitter's helper.")
    return Vocabulary(
        (*expecting.vocabulary, *expecting.parameters, *expecting.described), names, expecting.verbs
    )


def test_a_word_english_does_not_know_becomes_the_tools_or_names_word_it_sounds_like() -> None:
    sounds = vocabulary([*PETS, "Pay the electricity bill"])
    assert sounds.snap("any kibbel left?") == "any kibble left?"
    assert sounds.snap("Give Brambel her drops.") == "Give Bramble her drops."
    assert sounds.snap("walk biskit in the park") == "walk Biscuit in the park"
    # A held name's word alone is too little: "electrician" is no word of the sentence model's,
    # and still not the held "electricity".
    assert sounds.snap("Call the electrician.") == "Call the electrician."


def test_a_word_whisper_wrote_as_a_name_is_not_made_a_tools_word() -> None:
    """Names and brands are words English does not know too: "Tesco" must not become "task", nor
    "Dasha" the agent's "Tasha"."""
    sounds = vocabulary()
    for said in (
        "Text Mudie about the keys.",  # not "muddy"
        "Call Flagg about the fence.",  # not "flag"
        "Ask Kibbel if the tuna is in.",  # not "kibble", nor "Kibbel if" joined into it
        "Drop the keys with Sitterson.",  # not "sitter's"
    ):
        assert sounds.snap(said) == said
    # A capital that opens a sentence or a clause is no sign of a name.
    assert sounds.snap("Kibbel, please.") == "Kibble, please."
    assert sounds.snap("Okay, Kibbel then.") == "Okay, Kibble then."
    # A held name's own words are still heard in one ("Give Brambel her drops", above).
    assert sounds.snap("walk Biskit in the park") == "walk Biscuit in the park"


def test_words_heard_apart_are_joined_into_a_word_english_does_not_know() -> None:
    sounds = vocabulary()
    assert sounds.snap("Which feedings are over do?") == "Which feedings are overdue?"
    # Plain English words are not joined into a plain English word ("flag it" is no "flagged"), nor
    # across a determiner ("over the" starts a phrase).
    assert sounds.snap("Remind me later.") == "Remind me later."
    assert sounds.snap("It is over the fence.") == "It is over the fence."


def test_a_tools_verb_run_into_it_is_split() -> None:
    sounds = vocabulary()
    assert sounds.snap("Flagit for the vet.") == "Flag it for the vet."
    assert sounds.snap("Okay, logged. Locket, thirty minutes.") == "Okay, logged. Log it, thirty minutes."
    # After a determiner the word is a thing: "the locket" stays.
    assert sounds.snap("I found the locket.") == "I found the locket."
    assert sounds.snap("and locket, twenty minutes") == "and log it, twenty minutes"
    # Only where a clause opens does a command's verb stand: elsewhere the word is a thing, and a
    # verb run into "it" takes no second object.
    assert sounds.snap("buy a chain for mum's locket.") == "buy a chain for mum's locket."
    assert sounds.snap("prepare locket photos") == "prepare locket photos"
    assert sounds.snap("Locket me a treat.") == "Locket me a treat."


def test_the_word_beside_a_names_own_word_becomes_its_neighbour() -> None:
    sounds = vocabulary()
    assert sounds.snap("wok biscuit in the park") == "Walk biscuit in the park"
    assert sounds.snap("walk biskit, and give bramble her ear drops") == (
        "walk Biscuit, and give bramble her eardrops"
    )
    # Without the name's word beside it, a plain English word stays.
    assert sounds.snap("the dog likes to bark") == "the dog likes to bark"
    # A name's first word is mostly a verb many commands start with: beside it only a word English
    # does not know is the name's ("walk biskit" above), not a plain one the user may mean.
    sounds = vocabulary([*PETS, "Buy milk", "Call Jane"])
    assert sounds.snap("Buy silk for the dog bed.") == "Buy silk for the dog bed."
    assert sounds.snap("Call Jean about the keys.") == "Call Jean about the keys."


def test_plain_english_is_left_as_heard() -> None:
    sounds = vocabulary()
    for said in (
        "Walk the dog to the pork butcher.",  # "pork" is English: the user may mean it
        "Schedule a feeding for Rex, tuna please.",
        "Log a 20 minute walk for Biscuit, it was muddy.",
        "What's the weather like?",
        "",
    ):
        assert sounds.snap(said) == said
    # Without held names or tools nothing is rewritten.
    assert Vocabulary(()).snap("Brambel overdo it") == "Brambel overdo it"


def test_long_instructions_are_read_only_in_part_after_the_tools_words() -> None:
    """A client's instructions may run to megabytes: only the first `MAX_WORDS` words of the tools'
    texts and then the instructions are read, the tools' first."""

    def sounds(instructions: str) -> Vocabulary:
        expecting = Expectation.of(TOOLS, None, instructions)
        said = (*expecting.vocabulary, *expecting.parameters, *expecting.described)
        return Vocabulary(said, PETS, expecting.verbs)

    assert sounds("Pip loves the fandango.").snap("the fan dango") == "the fandango"
    long = sounds("Be kind to every pet. " * MAX_WORDS + "Pip loves the fandango.")
    assert long.snap("the fan dango") == "the fan dango", "past the words read"
    assert long.snap("Which feedings are over do?") == "Which feedings are overdue?", "the tools' words"
