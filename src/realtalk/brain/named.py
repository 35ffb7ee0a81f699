"""A value said beside the parameter's own name ("tag it family", "a work tag on X") or as a
label before the things it marks ("any work stuff?")."""

from __future__ import annotations

import itertools
import re

from . import extract, lexicon
from .extract import Found, Utterance
from .free_text import LEAD_IN
from .parameters import Param, in_vocabulary

_MARKER_FILLER = re.compile(
    r"^(?:(?:it|that|this|that\s+one|this\s+one|them|as|with|to|for|under|the)\s+)+", re.I
)


def named_value(param: Param, utterance: Utterance, max_words: int = 3) -> Found | None:
    """The words after the parameter's own name, as said: "tag it family", "tagged as work", "labelled
    home" (the last mention counts: "tag water the plants with garden" is tagged garden)."""
    names = [w for w in lexicon.name_words(param.name) if len(w) > 2]
    if param.kind == "list":  # a list of words is tags by any name: "tagged work and home"
        names += ["tag", "label"]
    if not names:
        return None
    filed = _filed_under(utterance) if param.words & _LABELS else None
    if filed is not None:
        return filed
    forms = "|".join(rf"{re.escape(n.removesuffix('s'))}(?:s|ged|ed|led|d)?" for n in names)
    marker = re.compile(rf"\b(?:{forms})\b", re.I)
    found = None
    lead_in = LEAD_IN.match(utterance.text.lstrip())  # "could you tag the X": X is still the object
    opening = len(utterance.text) - len(utterance.text.lstrip()) + (lead_in.end() if lead_in else 0)
    for match in utterance.matches(marker):
        # "a work tag on X": the value said before the name, as an adjective. Each mention reads only
        # the few words around it, so that a long text naming it again and again stays linear.
        before = _ADJECTIVE_BEFORE.search(utterance.text, max(0, match.start() - 80), match.start())
        if before is None or not before.group("article"):
            before = before if before is not None and _clause_of_its_own(utterance, before, match) else None
        if (
            before is not None
            and before.group(2).lower() not in lexicon.STOPWORDS
            and utterance.free(before.start(), match.end())
        ):
            return Found(
                before.group(2),
                ((before.start(), match.end()),),
            )
        words = list(itertools.islice(utterance.words(match.end()), _NAMED_WINDOW))
        rest = " ".join(w for w, _, _ in words)
        named = re.search(r"\b(?:with|as)\s+", rest, re.I)
        if named is None and match.start() <= opening and _OBJECT_AFTER.match(rest):
            continue  # "Tag the electricity bill": the verb's object, the thing to tag, not a tag
        split = named or _MARKER_FILLER.match(rest)
        start = match.end() + 1 + (split.end() if split else 0)
        # "tag it home": the marker and its filler go; "tag X with home": X stays for another parameter.
        cut = match.end() + 1 + named.start() if named else match.end()
        kept = [
            (w, b, e)
            for w, b, e in _before_target(words, start, utterance)
            if w.lower() not in lexicon.STOPWORDS
        ][:max_words]
        if kept:
            value = (
                " and ".join(w for w, _, _ in kept)
                if param.kind == "list"
                else " ".join(w for w, _, _ in kept)
            )
            found = Found(value, ((match.start(), match.end()), (cut, kept[-1][2])))
    return found


def _clause_of_its_own(utterance: Utterance, before: re.Match[str], marker: re.Match[str]) -> bool:
    """ "..., suppliers tag.": the value and the parameter's name make a clause of their own, set
    apart by pauses (or the ends of the utterance), as "a suppliers tag" is by its article."""
    start = before.start(2)
    preceding = utterance.text[:start].rstrip()
    opens = not preceding or utterance.pause_after(len(preceding))
    ends = marker.end() >= len(utterance.text.rstrip()) or utterance.pause_after(marker.end())
    return opens and ends


def _before_target(
    words: list[tuple[str, int, int]], start: int, utterance: Utterance
) -> list[tuple[str, int, int]]:
    """The words from `start` up to a preposition that brings in what the value goes on (in "add
    the tag paperwork to the insurance renewal" the tag is "paperwork", the rest names the thing),
    or up to the next clause ("tag it money and health, low priority": the priority is another's)."""
    kept: list[tuple[str, int, int]] = []
    for i, (word, begin, end) in enumerate(words):
        if begin < start:
            continue
        if kept and utterance.pause_after(kept[-1][2]):
            break
        listed = kept and words[i - 1][0].lower() == "and"  # "with home and weekend": one more of them
        if kept and (
            word.lower() in _TARGET_PREPOSITIONS
            or (word.lower() in extract.WHEN_WORDS and not listed)
            or word.lower() in _HOW_THINGS_STAND
        ):
            break  # "tagged work due friday": the day is another value's; "tagged admin still to do"
        # "tag it sport and make it high priority": a verb with a pronoun for its object starts
        # another clause, and the value ends before it.
        if kept and i + 1 < len(words) and words[i + 1][0].lower() in ("it", "that", "this"):
            break
        kept.append((word, begin, end))
    return kept


# "put it under errands", "file this under work", "under the garden label": a label by where it is filed.
_FILED_UNDER = re.compile(
    r"\b(?:(?:put|stick|pop|keep|list|chuck|bung)\s+(?:it|this|that|them)\s+|filed?\s+(?:(?:it|this|that|them)\s+)?"
    r"|(?:it\s+)?goes\s+)under\s+(?:the\s+)?(?P<value>[a-z][\w-]*(?:(?:\s*,\s*|\s+and\s+)[a-z][\w-]*){0,3})"
    r"(?:\s+(?:tag|label|heading|category|section)s?)?\b",
    re.I,
)
# "Would you put the chimney sweep under 'house'?", "the tyres both go under car": a bare label that
# ends the request, after a verb of putting (not "put the bucket under the sink": a place has "the").
_UNDER_AT_END = re.compile(
    r"\bunder\s+(?P<value>[a-z][\w-]*(?:(?:\s*,\s*|\s+and\s+)[a-z][\w-]*){0,3})"
    # "Put the overtime form under payroll tag also": the label's own word and an additive may follow
    r"(?=(?:\s+(?:tag|label|heading|category|section)s?)?(?:\s+(?:also|too|as\s+well))?(?:\s+please)?\W*$)",
    re.I,
)
# A verb of putting, or a question of what is there ("what's outstanding under money?").
_PUTTING = re.compile(
    r"\b(?:put|stick|pop|file|filed|list|go|goes|belongs?)\b|^\W*(?:what's|whats|what|which|anything|any)\b",
    re.I,
)


def _filed_under(utterance: Utterance) -> Found | None:
    """A label said by where the thing is filed: the label, and the words that say so."""
    filed = next(utterance.matches(_FILED_UNDER), None)
    if filed is not None and filed["value"].lower() not in lexicon.STOPWORDS:
        return Found(filed["value"], (filed.span(),))
    under = next(utterance.matches(_UNDER_AT_END), None)
    if (
        under is not None
        and under["value"].lower() not in lexicon.STOPWORDS
        and _PUTTING.search(utterance.text, 0, under.start())
    ):
        return Found(under["value"], (under.span(),))
    return None


_TARGET_PREPOSITIONS = frozenset({"to", "on", "onto", "for"})
_HOW_THINGS_STAND = lexicon.words("still yet left outstanding remaining pending due overdue open done")
"""Words that say how the things labelled stand, never part of the label."""
_OBJECT_AFTER = re.compile(r"(?:the|my|our|your)\s+\w+", re.I)
_ADJECTIVE_BEFORE = re.compile(r"(?:\b(?P<article>a|an)\s+)?\b([a-z]+)\s+$", re.I)
_NAMED_WINDOW = 16
"""How many words after a parameter's name may hold its value ("tag X with home": X and the value)."""
_LABELS = frozenset(lexicon.stem(w) for w in ("tag", "label", "category", "group", "list", "project"))
_LABELLED = re.compile(
    # "what's on for school?", "what's on the cards for the kids?", "which of my jobs are for the
    # garden?": what the things are for
    r"\b(?:(?:what's|whats|what\s+is|anything|what\s+have\s+i\s+got|what've\s+i\s+got)\s+"
    r"(?:on(?:\s+the\s+cards)?|due|left|planned)|which\s+(?:of\s+)?(?:my\s+|the\s+)?(?P<which>[a-z-]+)\s+(?:are|is)"
    r"|everything|all\s+(?:the\s+|my\s+)?(?:stuff|things))"  # "show me everything for family"
    r"\s+for\s+(?:my\s+|the\s+)?(?P<after>[a-z]{3,})\b"
    r"|^\W*(?:any|got\s+any)\s+(?P<alone>[a-z]+)\W*$"
    # "those items pertaining to teaching", "anything to do with the kids": what the things are about
    r"|\b(?:pertaining|relating|related)\s+to\s+(?:my\s+|the\s+)?(?P<about>[a-z]{3,})\W*$"
    # "any work stuff?", "my family tasks": a word before a word for things (checked in `label_said`);
    # not a contraction's tail: "how's things" names no "s" label.
    r"|(?<![\w'’])(?P<before>[a-z]{2,})(?=(?:\s+|-)(?P<noun>[a-z]+(?:-[a-z]+)?)\b)",
    re.I,
)
# Words for things in general; the tools' own word for what they hold ("tasks") is read from them.
_THINGS = lexicon.words("stuff things ones related items entries")
_NOT_LABELS = lexicon.words("other more new old open done all any every some these those what which my your")


def label_said(param: Param, utterance: Utterance, vocabulary: frozenset[str]) -> Found | None:
    """A label said as a modifier: "any work stuff?", "my family tasks", "anything health related?",
    "any errands?" (for a filter
    whose name says it is a tag or label; words the tool itself uses, like "priority", are not one)."""
    if not param.words & _LABELS:
        return None
    for match in utterance.matches(_LABELLED):
        at = next(g for g in ("before", "alone", "after", "about") if match.group(g))
        things = (match.group("noun") or "").lower()  # ("which of my X are for Y": X are things by shape)
        held = things.endswith("s") and in_vocabulary(things, vocabulary)  # the tool's "tasks", "chores"
        if things and not (things in _THINGS or held):
            continue  # "the work laptop" names a laptop, "my whole list" the list: not things labelled so
        bare = match.group(at).lower()
        if (
            bare in lexicon.STOPWORDS
            or bare in _NOT_LABELS
            or bare in extract.WHEN_WORDS
            or bare in extract.MONTHS
        ):
            continue
        if lexicon.stem(bare) in vocabulary or lexicon.stem(bare) in param.hints:
            continue
        return Found(bare, ((match.start(at), match.end(at)),))
    return None
