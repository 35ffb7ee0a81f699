"""Which tool an utterance asks for, and how to say what a tool does.

Each content word of the utterance scores by its best match in the tool (a word of the tool's
name counts most, then its description, then its parameters; a synonym a little less than the
word itself), plus half of any other matches in the tool. No model, so it is deterministic and
takes microseconds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import extract, lexicon, openers, options, parameters
from .base import ToolSpec

THRESHOLD = 2.0
"""The score a tool needs to be called unprompted: one word of its name, or two of its description."""

# (weight of the same stem, weight of a synonym) per part of the tool.
_NAME, _DESCRIPTION, _PARAMETERS = (3.0, 2.0), (1.5, 1.0), (1.0, 0.5)


@dataclass(frozen=True)
class Match:
    tool: ToolSpec
    score: float


def rank(tools: Sequence[ToolSpec], text: str) -> list[Match]:
    """The tools by how well `text` asks for them, best first (ties keep the tools' order)."""
    verbs = {verb_of(t) for t in tools}
    asks = _ASKS.search(text) is not None
    # "My car is making a funny noise": what something is doing is told, not asked for.
    told = text if asks else _PROGRESSIVE.sub(r"\1", text)
    stems = set(lexicon.content_stems(_asking_part(told, verbs)))
    if not (_MY_TIME.search(text) or asks) or _YOUR_TIME.search(text):
        # Words for when ("day", "today") say when, not which tool, in a remark: "lovely day for it",
        # "it's been a long day", "how's your day?" ask for no summary of the day; "my day" and
        # "what's today looking like?" ask about the user's agenda.
        stems -= _WHEN
    lead = leading_stems(text)
    plain = _plainest(tools, lead)
    new = _introduces_new(text)
    matches = [
        Match(
            tool,
            score(tool, stems)
            + _named_first(tool, lead, tool is plain)
            - _NEW_THING * _changes_one(tool, new),
        )
        for tool in tools
    ]
    return sorted(matches, key=lambda m: -m.score)


_WHEN = frozenset(lexicon.stem(w) for w in extract.WHEN_WORDS)
_TIME_OF = r"\s+(?:\w+\s+)?(?:day|week|weekend|morning|afternoon|evening|month)\b"
_MY_TIME = re.compile(rf"\b(?:my|our){_TIME_OF}", re.I)
_YOUR_TIME = re.compile(rf"\byour{_TIME_OF}", re.I)
# A question ("what's today looking like?"), not an exclamation ("what a week!").
_ASKS = re.compile(r"^\W*(?:what(?!\s+an?\b)|what's|whats|how|how's|when|which|anything|any)\b|\?\s*$", re.I)
_PROGRESSIVE = re.compile(r"\b(is|are|am|was|were|'s|'re|'m)\s+(?:still\s+|just\s+|always\s+)?\w+ing\b", re.I)
_NEW_THING = 2.0
"""Less for a tool that changes an existing thing when the request's object is a new one ("a haircut")."""
_INDEFINITE = re.compile(
    r"^\W*"
    + lexicon.run_of(r"please|can\s+you|could\s+you|would\s+you|just")
    + r"[a-z]+\s+(?:a|an|another|some)\s+([a-z]+)(?:\s+([a-z]+))?",
    re.I,
)


def _introduces_new(text: str) -> set[str]:
    """The words of the request's object when it is introduced as new: "schedule a haircut" -> haircut."""
    found = _INDEFINITE.match(text)
    return {lexicon.stem(w.lower()) for w in found.groups() if w} if found else set()


def changes_one(tool: ToolSpec, text: str) -> bool:
    """Whether `tool` acts on an existing thing (its first required parameter says "which ...") while
    the request introduces a new one it is not about ("put a work tag on X" is about tags, which
    tag_task adds; "schedule a haircut" is not about an existing task)."""
    return _changes_one(tool, _introduces_new(text))


def _changes_one(tool: ToolSpec, new: set[str]) -> bool:
    """`changes_one`, given the words of the new object the request introduces."""
    if not new:
        return False
    required = [p for p in parameters.params_of(tool) if p.required]
    described = str(required[0].spec.get("description", "")).lower() if required else ""
    named = {lexicon.stem(w) for w in lexicon.name_words(tool.name)}
    # "add a note to X" for comment_on_ticket: a word of the same idea as the tool's own names it too
    kin = set().union(*(lexicon.concepts(w) for w in named))
    return (
        described.startswith("which") and not new & named and not any(lexicon.concepts(w) & kin for w in new)
    )


def _asking_part(text: str, verbs: set[str]) -> str:
    """The words that ask, without the thing to do that follows "i need to" or "remind me to": in
    "i need to drop off the recycling" the verb "drop" is the task's, not a request to delete (but
    "i need to add something" asks for a tool by its own verb)."""
    spoken = lexicon.tokens(text)
    for i in range(len(spoken)):
        phrase = lexicon.leading_phrase(spoken, i)
        if phrase is not None and phrase[1] == "remind":
            end = i + phrase[0]
            own_verb = end < len(spoken) and lexicon.stem(spoken[end]) in verbs
            # Something to remember is something to add, whatever the tool that adds it is called.
            return text if own_verb else " ".join([*spoken[:end], "add"])
    return text


_ARTICLES = lexicon.words("a an the my our this that some another new please")
_ASKING = lexicon.words(
    "please can could would will you i just possibly maybe perhaps kindly basically guess suppose"
)


def leading_stems(text: str) -> list[str]:
    """The request's first verb and the few words after it: "could you add a high priority task to ..."
    -> add, high, priority, task."""
    words = lexicon.tokens(text)
    while words and openers.is_opener(words[0], also=_ASKING):
        words = words[1:]
    if not words:
        return []
    phrase = lexicon.leading_phrase(words)
    if phrase is not None and phrase[1] != "remind":  # "set up a meeting": the phrase is the verb
        words = [phrase[1], *words[phrase[0] :]]
    verb, rest = words[0], [w for w in words[1:6] if w not in _ARTICLES and w not in ("to", "me")][:3]
    verb = "add" if verb == "new" else verb  # "new task: ...", "new reminder ..."
    return [lexicon.stem(verb), *(lexicon.stem(w) for w in rest)]


def verb_of(tool: ToolSpec) -> str:
    """The stem of the first word of the tool's name, its verb ("delete" for delete_task)."""
    return lexicon.stem((lexicon.name_words(tool.name) or [""])[0])


def described_verb(tool: ToolSpec) -> str:
    """The verb the tool's description opens with ("Move (reschedule) a task ..." -> move), or ""."""
    words = lexicon.tokens(tool.description)
    verb = base_form(words[0]) if words else ""
    return verb if verb in VERBS else ""


def opens_with_a_verb_of(tools: Sequence[ToolSpec], text: str) -> bool:
    """Whether the words open with the verb of one of the tools' names or descriptions, or a word of
    the same meaning ("shift" for "move", "new task: ..." for "add")."""
    lead = leading_stems(text)
    if not lead:
        return False
    verbs = {verb_of(t) for t in tools} | {lexicon.stem(described_verb(t)) for t in tools}
    verbs.discard("")
    meanings = {c for v in verbs for c in lexicon.concepts(v)}
    return lead[0] in verbs or bool(lexicon.concepts(lead[0]) & meanings)


def starts_with_a_verb_of(tools: Sequence[ToolSpec], text: str) -> bool:
    """Whether the request opens with the verb of one of the tools' names ("delete it", "list ...")."""
    lead = leading_stems(text)
    return bool(lead) and any(lead[0] == verb_of(t) for t in tools)


def _named_first(tool: ToolSpec, lead: list[str], plainest: bool = False) -> float:
    """A request that starts by saying what the tool does, its verb and then its object ("add a
    note to ..." for add_task_note, "add a task ..." for add_task), names that tool above the
    others that share its words. A request that starts with the verb and goes on to what it is
    about ("add buy paint, high priority") asks for the plainest tool of that verb (add_task):
    the words that follow are its arguments, not another tool's name."""
    name = [lexicon.stem(w) for w in lexicon.name_words(tool.name)]
    if len(lead) >= 2 and len(name) >= 2 and lead[1] == name[0] and _same(lead[0], "add"):
        return 1.5 * _NAME[0]  # "add the tag urgent to X", "put a label on X": the tool named by its thing
    if len(lead) < 2 or len(name) < 2 or not _same(lead[0], name[0]):
        return 0.0
    if any(_same(word, name[-1]) for word in lead[1:]):
        return 1.5 * _NAME[0]
    return 1.5 * _NAME[0] if plainest else 0.0


def _plainest(tools: Sequence[ToolSpec], lead: list[str]) -> ToolSpec | None:
    """The tool with the fewest name words among those named by the request's first verb, if one."""
    if not lead:
        return None
    # The verb itself, not a synonym: "make X low priority" changes X, "add X, low priority" adds it.
    named = [(len(lexicon.name_words(t.name)), t) for t in tools
             if lead[0] == verb_of(t)]  # fmt: skip
    fewest = min((n for n, _ in named), default=0)
    plain = [t for n, t in named if n == fewest]
    if len(plain) != 1:
        return None
    # "add the tag urgent to X": the object is another tool's thing (tag_task), not a new one.
    own = {lexicon.stem(w) for w in lexicon.name_words(plain[0].name)}
    others = {lexicon.stem(w) for t in tools if t is not plain[0] for w in lexicon.name_words(t.name)}
    return None if len(lead) > 1 and lead[1] in others - own else plain[0]


def _same(word: str, other: str) -> bool:
    return word == other or bool(lexicon.concepts(word) & lexicon.concepts(other))


def score(tool: ToolSpec, stems: set[str]) -> float:
    parts = [
        ({lexicon.stem(w) for w in lexicon.name_words(tool.name)}, _NAME),
        (set(lexicon.content_stems(tool.description)), _DESCRIPTION),
        (_parameter_stems(tool), _PARAMETERS),
    ]
    total = 0.0
    for word in stems:
        weights = sorted((_weight(word, part, *weight) for part, weight in parts), reverse=True)
        # The best match counts; matches elsewhere in the tool count half, to break ties between
        # tools that share a word ("task") by the one that also says "reminder".
        total += weights[0] + sum(weights[1:]) / 2
    return total


def _weight(word: str, part: set[str], same: float, synonym: float) -> float:
    if word in part:
        return same
    # Where stemming stops short, one word is the other's start: remind/reminder, print/printer.
    if len(word) >= 5 and any(len(p) >= 5 and (p.startswith(word) or word.startswith(p)) for p in part):
        return same
    groups = lexicon.concepts(word)
    return synonym if groups and any(lexicon.concepts(p) & groups for p in part) else 0.0


def _parameter_stems(tool: ToolSpec) -> set[str]:
    stems: set[str] = set()
    for name, spec in parameters.properties_of(tool).items():
        stems |= {lexicon.stem(w) for w in lexicon.name_words(name)}
        if isinstance(spec, dict):
            stems |= {lexicon.stem(str(v).lower()) for v in spec.get("enum") or [] if len(str(v)) > 1}
            stems |= {lexicon.stem(w.lower()) for w in options.described_words(spec) if " " not in w}
    return stems


# Verbs a tool's name or description starts with ("Gets the weather", "book_table").
VERBS = lexicon.words(
    """get set add create make book reserve find search look check send play turn switch toggle convert
    calculate translate cancel delete remove update change schedule call order buy track unlock lock open
    close start stop list show tell retrieve save store remember fetch query read write post reset transfer
    end log record mark complete report compute estimate generate summarize explain recommend suggest move
    give take try look-up lookup sell pay plan compare count measure notify remind email text message
    dial ring connect reschedule postpone"""
)


def describe(tool: ToolSpec) -> str:
    """What the tool does, to finish "I can ...": "get the current weather for a city"."""
    sentence = re.split(r"(?<=[.!?])\s|\n|[;:]", tool.description.strip(), maxsplit=1)[0]
    sentence = re.sub(r"\s*\([^)]*\)", "", sentence).rstrip(".!? ")  # asides are not for speaking
    words = sentence.split()
    if not words:
        return lexicon.humanize(tool.name)
    first = base_form(words[0].lower())
    if first in VERBS or first.endswith(("ize", "ise", "ify")) or first == lexicon.name_words(tool.name)[0]:
        return " ".join([first, *words[1:]])
    return "help with " + sentence[0].lower() + sentence[1:]


def base_form(verb: str) -> str:
    """ "retrieves" -> "retrieve", "fetches" -> "fetch", "gets" -> "get"."""
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if re.search(r"(?:ch|sh|x|ss|z)es$", verb):
        return verb[:-2]
    if verb.endswith("s") and not verb.endswith(("ss", "us", "is")):
        return verb[:-1]
    return verb
