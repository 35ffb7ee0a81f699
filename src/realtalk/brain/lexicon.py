"""Words as the built-in brain compares them: tokens, light stemming, stopwords and synonyms.

Matching a spoken request against a tool's name and description needs more than equal strings:
"booking" should meet "book", and "reserve" should meet "table". Stems make word forms meet;
synonym groups make related words meet.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache


def run_of(words: str, most: int = 4) -> str:
    """A regex for a run of at most `most` of the `words` alternatives, each followed by space: the
    lead-in words before a request ("so", "please", "can you", "maybe"). The run is bounded, or a
    long "please please ..." would be rescanned from every word."""
    return rf"(?:(?:{words})\s+){{0,{most}}}"


_TOKEN = re.compile(r"[a-z0-9]+(?:['.@:][a-z0-9]+)*")


def words(text: str) -> frozenset[str]:
    """A set of words written as one string (easier to read and edit than a list of literals)."""
    return frozenset(text.split())


STOPWORDS = words(
    """a an the to of for in on at by with and or but is are was were be been being am it its it's
    this that these those there here my me i i'm i'd i'll i've you your you're we our us they them
    their he she his her can could would should will shall may might must please what what's whats
    how do does did get got set tell give show let from about up into out some any as just want
    wanna like need know if so then than now right also too very really okay ok um uh hmm well oh
    yeah hey hi hello thanks thank go going gonna one ones which who whom where's when's whose
    not no don't dont never much many"""
)

# Related words, stemmed at import. Keep each group to one idea: a word in two groups links them.
_GROUPS = """
weather forecast temperature rain snow sunny cloudy hot cold degree humid humidity wind umbrella
search find look lookup seek query browse
list enumerate itemise itemize
add create make put insert save store record register jot attach stick
note comment memo annotation
remember memory memorize recall save store
task todo reminder remind chore errand
delete remove cancel drop erase clear discard scratch scrap ditch trash
update change modify edit move reschedule adjust push postpone delay bump shift
tag label
priority prioritise prioritize deprioritise deprioritize urgency downgrade upgrade
urgent urgently rush hurry asap pressing
complete done finish tick mark close
book reserve reservation booking appointment table
time clock hour
unlock open lock door code entry
order purchase buy package parcel delivery shipment ship track tracking
call phone dial ring
email mail send message text sms write
play music song listen
light lamp bulb lighting
turn switch toggle power
thermostat heating heater hvac aircon
price cost pay fee quote
stock share ticker market
news headline
summary summarize summarise overview recap rundown briefing
calendar event meeting schedule agenda
translate translation language
calculate math plus minus divide sum
timer alarm countdown wake
volume louder quieter loud quiet mute
direction route navigate distance map
convert conversion
flight airplane aeroplane airline fly airport
plan organise organize arrange
hotel stay lodging
balance account money bank
transfer human agent representative operator escalate
end hang bye goodbye
help support assist assistance
hint clue tip nudge pointer stuck help assist assistance
status progress where
location address where place located street
hours opening close closing
inventory stock available availability warehouse
password reset login
outdoor outside terrace patio garden
people person guest party pax seat
"""


# Phrases that mean more than their words, as the word they mean. A phrase is matched as whole
# tokens, longest first, and never overlaps another: "what do i have to do" is a question about
# the list, not "i have to" (a thing to remember).
_PHRASES = {
    "list": """do i have | have i got | what's on | whats on | what is on | on my plate | coming up
        | what's left | whats left | what is left | what's next | whats next | what is next | what else""",
    "remind": """i need to | i have to | i've got to | i got to | i gotta | i must | don't forget
        | dont forget | put down | don't let me forget | dont let me forget | need to remember | remember to
        | jot down | write down | note down | remind me to | a reminder to | reminder to | i should
        | i ought to | i'd better | i better | we need to | we have to | we've got to | we must""",
    "done": "tick off | cross off | check off | take off | knock off | done with | finished with",
    "remove": """get rid of | take away | don't want | don't need | do not want | do not need | no longer
        need | no longer want""",
    "move": "push back | move up",
    "add": "set up",
    "help": "lend a hand | lend me a hand | give me a hand | give us a hand",
}


def _phrase_index() -> dict[tuple[str, ...], str]:
    index: dict[tuple[str, ...], str] = {}
    for meaning, phrases in _PHRASES.items():
        for phrase in phrases.split("|"):
            index[tuple(tokens(phrase))] = meaning
    return index


def leading_phrase(spoken: Sequence[str], start: int = 0) -> tuple[int, str] | None:
    """(its length in tokens, its meaning) for the phrase `spoken[start:]` starts with, if any.

    Takes `start` rather than a slice so that scanning a long text stays linear."""
    for length in range(min(_LONGEST_PHRASE, len(spoken) - start), 1, -1):
        meaning = _PHRASE_INDEX.get(tuple(spoken[start : start + length]))
        if meaning is not None:
            return length, meaning
    # "cross that off", "tick them both off": a pronoun between a phrasal verb and its "off"
    for between in (1, 2):
        said = spoken[start + 1 : start + 1 + between]
        end = start + 1 + between
        if end < len(spoken) and spoken[end] == "off" and said and said[0] in _POINTERS:
            meaning = _PHRASE_INDEX.get((spoken[start], "off"))
            if meaning is not None and all(w in _POINTERS or w in ("one", "both", "all") for w in said):
                return between + 2, meaning
    return None


_POINTERS = frozenset({"it", "that", "this", "them", "those", "these"})


def phrase_meanings(spoken: Sequence[str]) -> list[str]:
    """The words the phrases among `spoken` tokens mean ("tick off" -> "done"), in order."""
    return _phrases(spoken)[0]


def tokens(text: str) -> list[str]:
    """Lowercase word tokens; keeps "what's", "3:30", "example.com" and "bob@example.com" whole."""
    return _TOKEN.findall(text.lower())


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude stem that makes common English word forms meet: booking/booked/books -> book."""
    word = word.lower().removesuffix("'s")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s"):
        if not word.endswith(suffix) or len(word) - len(suffix) < 3:
            continue
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            break
        word = word[: -len(suffix)]
        if suffix in ("ing", "ed") and len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
            word = word[:-1]  # shipping -> ship
        break
    # create/created/creating all end up as "creat".
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _group_index() -> dict[str, frozenset[int]]:
    index: dict[str, set[int]] = {}
    for number, line in enumerate(line for line in _GROUPS.splitlines() if line.strip()):
        for word in line.split():
            index.setdefault(stem(word), set()).add(number)
    return {word: frozenset(groups) for word, groups in index.items()}


_CONCEPTS = _group_index()
_PHRASE_INDEX = _phrase_index()
_LONGEST_PHRASE = max(len(p) for p in _PHRASE_INDEX)


def concepts(word_stem: str) -> frozenset[int]:
    """The synonym groups a stem belongs to (empty when none)."""
    return _CONCEPTS.get(word_stem, frozenset())


def synonyms(word_stem: str) -> frozenset[str]:
    """The stems that share a synonym group with `word_stem` ("task": "chore", "errand", ...)."""
    groups = concepts(word_stem)
    return frozenset(w for w, g in _CONCEPTS.items() if g & groups)


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order, plus joined pairs ("look up" -> "lookup")
    and what phrases mean ("cross off" -> "done")."""
    spoken = [w for w in tokens(text) if not w[0].isdigit()]
    meanings, inside = _phrases(spoken)
    # A word inside a phrase means what the phrase means: "note down X" is a reminder, not a note.
    stems = [stem(w) for i, w in enumerate(spoken) if w not in STOPWORDS and i not in inside]
    stems += [stem(a + b) for a, b in itertools.pairwise(spoken) if stem(a + b) in _CONCEPTS]
    stems += [stem(w) for w in meanings]
    return stems


def _phrases(spoken: Sequence[str]) -> tuple[list[str], set[int]]:
    """(what the phrases among `spoken` mean, the positions of their words)."""
    meanings, inside, i = [], set(), 0
    while i < len(spoken):
        phrase = leading_phrase(spoken, i)
        if phrase is None:
            i += 1
            continue
        meanings.append(phrase[1])
        inside |= set(range(i, i + phrase[0]))
        i += phrase[0]
    return meanings, inside


def name_words(name: str) -> list[str]:
    """`getWeather`, `get_weather` and `get-weather` all read as ["get", "weather"]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[\s_\-.]+", spaced) if w]


_ABBREVIATIONS = {"lat": "latitude", "lng": "longitude", "lon": "longitude", "qty": "quantity",
                  "num": "number", "id": "ID", "pin": "PIN", "dob": "date of birth", "addr": "address",
                  "tz": "time zone", "temp": "temperature", "msg": "message", "desc": "description",
                  "url": "link", "pct": "percent"}  # fmt: skip


def humanize(name: str) -> str:
    """A parameter or tool name as words to say: "order_id" -> "order ID"."""
    return " ".join(_ABBREVIATIONS.get(w, w) for w in name_words(name))


def join(parts: Iterable[str], conjunction: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(parts)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]
