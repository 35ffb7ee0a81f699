"""A free-text parameter's value: the words left once the request's own phrasing is set aside
("could you add a task to buy milk" -> "buy milk"), split between a title, a subject and a body."""

from __future__ import annotations

import re
from typing import Any

from . import lexicon, openers
from .extract import Found, Utterance, normalize
from .parameters import Param, in_vocabulary, names_a_held_thing

_BODY = frozenset(
    lexicon.stem(w)
    for w in ["body", "message", "text", "content", "note", "notes", "description", "details", "comment"]
)
_BODY_MARKER = re.compile(
    r",?\s*\b(?:(?:with|and|plus)\s+)?(?:a|the)\s+(?:note|message|comment)(?:\s+(?:on|to|for)\s+(?:it|that|this))?"
    r"\W*(?:saying|that\s+says|which\s+says|reading)?\s*"
    r"|\b(?:saying|that says|which says|to say|with the message|message)\s+"
    r"|,?\s*\band\s+(?:add\s+a\s+)?note\s+(?:that|down\s+that|down)\s+",  # "..., and note that it's shut"
    re.I,
)
# "a note to the passport task saying ...", "a comment on the report task: ...": the thing the
# body goes on, then the body (after a word that says so, or after the word for the tool's thing).
_AIMED_BODY = re.compile(r"(?:\b(?:a|the|this)\s+|^)(?:note|message|comment)\s+(?:to|on|for|onto)\s+", re.I)
_SAYING = frozenset({"saying", "says", "reading", "that", "which", "to", "say"})
# A word after "a note to" that opens what to do, not a thing's name: lower case, no determiner.
_INFINITIVE = re.compile(
    r"(?!(?:the|a|an|my|our|your|his|her|their|its|this|that|these|those|it|me|him|them|us|task|item)\b)[a-z]+\b"
)


def _aimed_body(rest: str, vocabulary: frozenset[str]) -> tuple[str, str] | None:
    """(what the body goes on, the body, "" when not said yet) in "add a note to the X task saying Y"."""
    aimed = _AIMED_BODY.search(rest)
    if aimed is None:
        return None
    words = rest[aimed.end() :].split()
    told = any(w.lower() in ("saying", "reading") for w in words)
    if words and not told and aimed.group().split()[-1].lower() == "to" and _INFINITIVE.match(words[0]):
        return "", " ".join(words)  # "add a note to bring her retainer": what it says, not where it goes
    for i, word in enumerate(words[:-1]):
        if i and word.lower() in ("saying", "reading"):
            return " ".join(words[:i]), " ".join(words[i + 1 :])
        if i and lexicon.stem(word.lower()) in vocabulary and word.lower() not in lexicon.STOPWORDS:
            body = words[i + 1 :]
            while body and body[0].lower() in _SAYING:
                body = body[1:]
            return " ".join(words[: i + 1]), " ".join(body)
    # "add a note to the electrician call": what it goes on is said, the body not yet (it is asked).
    return " ".join(words), ""


# "a note on the Joanne one saying she wants my Saturday night": where what a note says begins.
_SAID_BODY = re.compile(r"\s+(?:saying|that\s+says|reading)\s+(?=\S)|\s*:\s*(?=\S)", re.I)


def without_body(text: str) -> str:
    """`text` without what a note aimed at a thing says ("a note on X saying Y" -> "a note on X"):
    the body's days and values are its words, never a change to the thing."""
    aimed = _AIMED_BODY.search(text)
    said = _SAID_BODY.search(text, aimed.end()) if aimed is not None else None
    return text[: said.start()] if said is not None else text


_SUBJECTS = frozenset({"subject", "topic", "about", "regard"})
_SUBJECT_MARKER = re.compile(r"\b(?:about|regarding|with the subject|subject|titled|called)\s+", re.I)
_HEDGING = ("hi", "hello", "yo", "please", "just", "possibly", "maybe", "perhaps", "kindly", "quickly",
            "basically", "great", "cool", "perfect", r"i\s+guess", r"i\s+think", r"i\s+suppose")  # fmt: skip
# What people say before the request proper: "okay so could you please ...".
LEAD_IN = re.compile(
    r"^(?:" + openers.alternation([*openers.USUAL, *openers.AGREEMENT], _HEDGING) + r"\b\W*"
    r"|(?:do|did|have|has|should|shall)\s+i\s+(?:still\s+|already\s+|actually\s+|ever\s+)*(?:need\s+to\s+|have\s+to\s+)?"
    r"|(?:what|how)\s+about\s+|(?:are|is)\s+there\s+(?:a|an|any)\s+"
    r"|(?:would|do)\s+you\s+mind\s+|(?:can|could|would|will)\s+you\s+|(?:can|could|shall)\s+we\s+|(?:can|could|may)\s+i\s+|i\s+(?:want|need|(?:would|should)\s+like|wanna)\s+(?:you\s+)?to\s+"
    r"|i'd\s+like\s+(?:you\s+)?to\s+|let's\s+|go\s+ahead\s+and\s+|help\s+(?:me|us)\s+(?:to\s+)?)+",
    re.I,
)
REQUEST_VERBS = lexicon.words(
    """add create make put stick pop attach set send write search find look tell remind note save remember
    schedule book get give show post log record ask check start open call text email"""
)
# "Add pay rent, it's due on the 1st": once the date went to its parameter, "it's" is left dangling.
# "..., and I'd regard it as high priority": a subject left once its clause's value went elsewhere
_DANGLING = {"it's", "its", "that's", "which", "it", "i", "i'd", "i'm", "we", "we'd"}
_OBJECT_WORDS = {"a", "an", "the", "my", "new", "another", "this", "some", "me", "up", "us"}
_CONNECTORS = {"to", "for", "about", "that", "saying", "called", "named", "titled", "on", "with", "of",
               "in", "at", "by", "and", "into", "onto", "as", "please", "is", "from"}  # fmt: skip
# "I have to call the bank": what follows is the thing to do, its verb included.
_OBLIGATION = re.compile(
    r"^(?:(?:i|we)\s+(?:really\s+)?(?:have|must|gotta|got|should|ought|need|better|'d\s+better)\s+(?:to\s+)?"
    r"(?:really\s+|definitely\s+|also\s+)?"
    r"|(?:i've|we've)\s+got\s+(?:to\s+)?|i'd\s+better\s+|(?:don't|dont|do\s+not)\s+(?:let\s+me\s+)?forget"
    r"\s+(?:to\s+)?|remember\s+to\s+)",
    re.I,
)
_SUBJECT = re.compile(
    r"(?:i|i'm|i\s+am|i've|i\s+have|we|we're|we\s+are|we've|we\s+have)\s+(?:just\s+|already\s+|finally\s+)?",
    re.I,
)


def body_first(params: list[Param], utterance: Utterance) -> dict[str, Any]:
    """The body parameter's value when a marker ("and note that", "with a note saying") opens it
    after other words: taken out of the utterance first, so that its words stay its own."""
    texts = [p for p in params if p.kind == "text"]
    target = next((p for p in texts if p.words & _BODY), None)
    # another parameter takes words too: a title, or a thing by its words ("what to do")
    if target is None or not any(p.kind in ("text", "entity") and p is not target for p in params):
        return {}
    found = next(utterance.matches(_BODY_MARKER), None)
    if found is None or found.start() == 0 or _AIMED_BODY.search(utterance.text) is not None:
        return {}
    if not utterance.text[found.end() :].strip():
        return {}
    # What the body says keeps its words as said ("two dozen", not "2 dozen").
    body = utterance.said_from(found.end())
    utterance.take(Found(body, ((found.start(), len(utterance.text)),)))
    return {target.name: body}


# "add 'buy rice for Sunday cooking' for Saturday": words put in quotes are one value as said, days
# and numbers included. A quote opens after a space and closes before one ("Dorothy's" is no quote).
_QUOTED = re.compile(r"(?:^|(?<=[\s:(]))['\"‘“](?P<words>\w[^\"“”‘’]*?)['\"’”](?=[\s,.;:!?)]|$)")


def quoted_first(params: list[Param], utterance: Utterance) -> dict[str, Any]:
    """The one required free-text parameter's value when the words give it in quotes: taken out of
    the utterance first, so that no other parameter reads a value inside it. Only a new thing's
    words: a quote beside a held thing is a value for it ("put the heat pump under 'outdoor'")."""
    texts = [p for p in params if p.kind == "text" and p.required]
    if any(names_a_held_thing(p) for p in params):
        return {}
    quotes = list(_QUOTED.finditer(utterance.raw))
    if len(texts) != 1 or len(quotes) != 1:
        return {}
    words = quotes[0].group("words").strip()
    normal = normalize(words)
    at = utterance.text.find(normal) if normal else -1
    if at < 0 or not utterance.free(at, at + len(normal)):
        return {}
    utterance.take(Found(words, ((at, at + len(normal)),)))
    return {texts[0].name: words}


def text_values(
    params: list[Param], utterance: Utterance, vocabulary: frozenset[str], filled: dict[str, Any]
) -> dict[str, Any]:
    """Free-text parameters: the rest of the words, split at "saying"/"about" when there are several."""
    texts = [p for p in params if p.kind == "text" and p.name not in filled]
    if not texts:
        return {}
    rest = utterance.rest()
    names = {p.name for p in texts}
    if {"key", "value"} <= names:
        pair = re.match(r"(.+?)\s+(?:is|are|=|equals|to)\s+(.+)", _clean_text(rest, vocabulary), re.I)
        if pair is None:
            return {}
        key = re.sub(r"^(?:my|the|our|your)\s+", "", pair.group(1).lower())
        return {"key": "_".join(lexicon.tokens(key)), "value": pair.group(2)}
    # Once a quote or a marker gave the required text, the rest is no optional text's unless marked
    # ("Abeg, add 'X'" has no note "Abeg add").
    quoted = any(p.kind == "text" and p.required and p.name in filled for p in params)
    if len(texts) == 1 and not quoted:
        text = _clean_text(rest, vocabulary)
        return {texts[0].name: text} if text else {}
    values: dict[str, Any] = {}
    renamed = next((p for p in texts if "new" in lexicon.name_words(p.name)), None)
    before = next((p for p in texts if p is not renamed), None)
    # "rename X to Y": the new value follows the last "to" (Y may hold none); after "as"/"into", the
    # first of them ("rename it as tickets to Pune"), as Y may hold a "to".
    # ("I want to rename X": the lead-in's "to" is none of them)
    lead_in = LEAD_IN.match(rest)
    rest = rest[lead_in.end() :] if lead_in is not None else rest
    parts = re.match(r"(.+?)\s+(?:as|into)\s+(.+)$", rest, re.I) or re.match(r"(.+)\s+to\s+(.+)$", rest, re.I)
    if renamed is not None and before is not None and parts is not None:
        return {before.name: _clean_text(parts.group(1), vocabulary), renamed.name: parts.group(2).strip()}
    aimed = _aimed_body(rest, vocabulary)
    target = next((p for p in texts if p.words & _BODY), None)
    if aimed is not None and target is not None:
        values[target.name], rest = _as_said(utterance, aimed[1]), aimed[0]
    body = None if aimed is not None else _BODY_MARKER.search(rest)
    if body is not None:
        target = next((p for p in texts if p.words & _BODY), None)
        if target is not None:
            values[target.name] = _as_said(utterance, rest[body.end() :].strip())
            rest = rest[: body.start()]
    subject = _SUBJECT_MARKER.search(rest) if any(p.words & _SUBJECTS for p in texts) else None
    if subject is not None:
        target = next((p for p in texts if p.name not in values and not p.words & _BODY), None)
        if target is not None:
            values[target.name] = _clean_text(rest[subject.end() :], vocabulary)
            rest = rest[: subject.start()]
    # The rest is the required text still unfilled ("add X with a note saying Y": X is the title).
    first = next(
        (p for p in texts if p.required and p.name not in values), None if values or quoted else texts[0]
    )
    if first is not None:
        text = _clean_text(rest, vocabulary)
        if text:
            values[first.name] = text
    return {k: v for k, v in values.items() if v}


def _as_said(utterance: Utterance, body: str) -> str:
    """A body that ends the utterance, in the words it was said in ("two dozen", not "2 dozen")."""
    at = utterance.text.rfind(body) if body else -1
    return utterance.said_from(at) if at >= 0 and at + len(body) == len(utterance.text.rstrip()) else body


def _clean_text(text: str, vocabulary: frozenset[str]) -> str:
    """The request without its phrasing: "could you add a task to buy milk" -> "buy milk"."""
    lead_in = LEAD_IN.match(text.strip())
    text = text.strip()[lead_in.end() if lead_in else 0 :]
    obligation = _OBLIGATION.match(text)
    # After "i need to" only the tool's own verbs are the request's: "i need to call the bank" is a
    # task called "call the bank", "i need to add a task" is not.
    obliged = obligation is not None or bool(lead_in and re.search(r"\bneed\s+to\s+$", lead_in.group(0)))
    text = text[obligation.end() if obligation else 0 :]
    words = text.split()
    # "i (have) just finished X", "i'm done with X": the speaker reporting the request's verb.
    subject = _SUBJECT.match(text)
    if subject and _verb_length(text[subject.end() :].split(), vocabulary, obliged):
        words = text[subject.end() :].split()
    verb = _verb_length(words, vocabulary, obliged)
    if verb:
        i = verb
        while (
            i < len(words)
            and i <= 4
            and (words[i].lower() in _OBJECT_WORDS or in_vocabulary(words[i], vocabulary))
        ):
            i += 1
        if i < len(words) and words[i].lower() in _CONNECTORS:
            i += 1
        words = words[i:]  # nothing left: "add a task" names no task yet
    # "... to my to do list": a trailing phrase made only of the tool's words. Scanned from the
    # end, so a long text stays linear.
    tail = len(words)
    while tail > 1 and (
        words[tail - 1].lower() in lexicon.STOPWORDS or in_vocabulary(words[tail - 1], vocabulary)
    ):
        tail -= 1
    cut = next((i for i in range(max(tail, 1), len(words)) if words[i - 1].lower() in _CONNECTORS), None)
    if cut is not None:
        words = words[: cut - 1]
    # "pick up prescriptions, mark it high priority": its value went to another parameter, and the
    # verb and "it" that pointed back at the new thing are not part of its title.
    if (
        len(words) > 3
        and words[-1].lower() in ("it", "that", "this")
        and words[-2].lower() not in lexicon.STOPWORDS
    ):
        words = words[:-2]
    while words and words[-1].lower() in _CONNECTORS | _DANGLING:
        words.pop()
    while words and words[0].lower() in _CONNECTORS - {"to"}:
        words.pop(0)
    return " ".join(words)


def _verb_length(words: list[str], vocabulary: frozenset[str], own_verbs_only: bool = False) -> int:
    """How many of `words` make the request's verb: "cross off" 2, "add" 1, none 0."""
    spoken = [" ".join(lexicon.tokens(w)) for w in words]
    verbs = frozenset() if own_verbs_only else REQUEST_VERBS
    phrase = lexicon.leading_phrase(spoken)
    if phrase is not None and (phrase[1] in verbs or in_vocabulary(phrase[1], vocabulary)):
        return phrase[0]
    return int(bool(spoken) and (spoken[0] in verbs or in_vocabulary(spoken[0], vocabulary)))
