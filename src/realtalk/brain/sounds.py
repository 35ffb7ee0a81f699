"""Heard words put back to the conversation's words they sound like.

Whisper mishears a word it has no reason to expect as words it knows: "email Sarah" as "Email
Serat", "what's overdue" as "what's over do", "tag it house" as "target house". The conversation
knows the words it is likely to hear: its tools' names, descriptions, parameters and their values,
the names its tools hold (task titles) and the agent's instructions. A `Vocabulary` of them
rewrites a heard span to one of its words when the two sound alike (Metaphone keys and spelling,
`jellyfish`) and the span is no fitting reading of its own:

- a span with a word English does not know ("rescdule": not a whole word of the sentence model's
  30k-word vocabulary, `engines/minilm_embedder.words`) becomes the closest-sounding word of the
  tools, or pair of a held name's words ("Email Serat" -> "Email Sarah"; a held name's word alone
  is too little: that vocabulary lacks "electrician", which is not the held "electricity"); a
  word Whisper wrote as a name (capitalised within a clause: "Tesco", "Dasha") is someone's or
  something's, and becomes only a held name's words, never a tool's ("task", the agent's "Tasha");
- words heard apart that sound as one word ("over do" -> "overdue") are joined, and a word that
  sounds like one of the vocabulary's followed by "it" is split ("target" -> "tag it", "market"
  -> "mark it"), unless it follows a determiner ("the market" is one);
- a word beside one of a held name's own words that sounds like the name's neighbour there
  becomes it ("bump the flu job" for the held "Book the flu jab"); beside a name's first word,
  mostly a verb many commands start with, only a word English does not know does ("buy silk" is
  not the held "Buy milk").

Plain English words are otherwise left as heard: "paint" is never "print", however alike, because
the user may mean it. Comparing a few hundred short keys per utterance takes about a millisecond
(`bench/eval_wer.py`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import jellyfish

from . import lexicon, openers

ALIKE = 0.8
"""Similarity (0-1, sound and spelling averaged) from which a heard span is taken for a word."""

NEIGHBOUR = 0.7
"""Likeness enough for the word beside a held name's own word: the name's word there is evidence."""

MAX_WORDS = 2000
"""Words read from the tools' texts and the instructions, in that order, at most (about 12 000
characters): a client's instructions may run to megabytes, and each heard span is compared with
the vocabulary's every word (1.6 MB of instructions took 26 s a turn, now under 0.1 s)."""

MIN_LETTERS = 4
"""Shorter words sound alike by the dozen ("tag"/"tap"): they are never a target alone."""

_DETERMINERS = lexicon.words("a an the my your his her its our their this that these those")
"""Words that open a noun phrase: a word before one is not the first part of a longer word
("renew my" is not "rename")."""

_LEADS = (*openers.USUAL, *openers.AGREEMENT, "just", "please")
"""Words after which a command's verb may follow in a clause ("and market done", "please target it")."""

_OBJECTS = lexicon.words("me you him her us them")
"""A verb run into "it" takes no second object: "Treat me" is not "try it me"."""

_WITH_IT = re.compile(r"([a-z]{2,}?)[aeiou]t")
"""A word that ends in the sound of "it": what is before it may be a verb ("target": "tag it")."""

_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


@dataclass(frozen=True)
class Sound:
    """Words as they are compared: their letters run together, and the Metaphone key of those."""

    words: tuple[str, ...]
    """As the vocabulary writes them (a held name keeps its capitals)."""
    letters: str
    key: str
    tool: bool = True
    """Whether the tools or the instructions say it (a held name's word alone is not)."""

    @classmethod
    def of(cls, *words: str, tool: bool = True) -> Sound:
        letters = "".join(words).lower()
        return cls(words, letters, jellyfish.metaphone(letters), tool)

    def likeness(self, other: Sound) -> float:
        """How alike the two sound (their keys' edit distance) and are spelt (Jaro-Winkler), 0-1."""
        longest = max(len(self.key), len(other.key))
        sound = 1 - jellyfish.levenshtein_distance(self.key, other.key) / longest if longest else 0.0
        return (sound + jellyfish.jaro_winkler_similarity(self.letters, other.letters)) / 2


class Vocabulary:
    """The words a conversation expects, to put misheard spans back to (see the module docstring).

    `phrases` are the tools' words and the instructions; `names` the names the tools hold, whose
    neighbouring words are also matched as pairs; `verbs` what the tools do (the first word of
    their names and descriptions), which may be heard run into "it". `known_word` says whether a
    lowercase word is plain English (by default: one the sentence model knows whole)."""

    def __init__(
        self,
        phrases: Iterable[str],
        names: Iterable[str] = (),
        verbs: Iterable[str] = (),
        known_word: Callable[[str], bool] | None = None,
    ) -> None:
        self._known_word = known_word or english
        names = [n for n in names if n]
        words = (m.group().lower() for text in phrases for m in _WORD.finditer(text))
        said = set(itertools.islice(words, MAX_WORDS))
        held = {w.lower(): w for name in names for w in _WORD.findall(name)}  # capitals kept
        self._stems = {lexicon.stem(w) for w in said | held.keys()}
        self._pairs: list[tuple[str, str]] = list(
            dict.fromkeys(pair for name in names for pair in itertools.pairwise(_WORD.findall(name)))
        )
        self._with: dict[str, list[int]] = {}
        """The pairs (their places in `_pairs`) that hold a word (lowercase)."""
        for n, pair in enumerate(self._pairs):
            for w in {w.lower() for w in pair}:
                self._with.setdefault(w, []).append(n)
        self._openers = {w.lower() for name in names for w in _WORD.findall(name)[:1]}
        """The held names' first words: mostly the verb that many names and new commands start
        with ("Call", "Buy", "Pay"), which says little about which name is meant: beside one, only
        a word English does not know is put back ("call Jean" is not the held "Call Jane")."""
        # A held name's word alone is matched only by words joined into it: an unknown word is a
        # name's only with the name's neighbouring word ("email Serat"), or "electrician" would be
        # the held "electricity".
        self._sounds = [
            Sound.of(w, tool=lower in said)
            for lower, w in {**held, **{w: w for w in said}}.items()
            if len(lower) >= MIN_LETTERS and lower not in lexicon.STOPWORDS
        ] + [Sound.of(*pair) for pair in self._pairs]
        self._verbs = [Sound.of(v.lower()) for v in dict.fromkeys(verbs) if v]
        self._foreign = {
            s.letters for s in self._sounds if len(s.words) == 1 and not self._known_word(s.letters)
        }
        """The single words English does not know, which plain words heard apart may join into."""

    def snap(self, text: str) -> str:
        """`text` with each misheard span replaced by the vocabulary's words it sounds like."""
        found = list(_WORD.finditer(text))
        lower = [m.group().lower() for m in found]
        opens = [_opens_clause(text, m.start()) or (i > 0 and openers.is_opener(found[i - 1].group(), _LEADS))
                 for i, m in enumerate(found)]  # fmt: skip
        named = [m.group()[0].isupper() and not opened for m, opened in zip(found, opens, strict=True)]
        out, at, i = [], 0, 0
        while i < len(found):
            hit = self._rewrite(lower, i, named, opens)
            if hit is None:
                i += 1
                continue
            covered, words = hit
            if found[i].group()[0].isupper():  # a sentence's first word stays capitalised
                words = words[0].upper() + words[1:]
            out += [text[at : found[i].start()], words]
            at = found[i + covered - 1].end()
            i += covered
        return "".join([*out, text[at:]])

    def _rewrite(
        self, lower: list[str], i: int, named: list[bool], opens: list[bool]
    ) -> tuple[int, str] | None:
        """(tokens covered, the words meant) for the span starting at token `i`, or None to keep it;
        `named`: which tokens Whisper wrote as names (capitalised within a clause); `opens`: which
        open a clause, where a command's verb stands ("Okay, market done." is "mark it done"; the
        plain word "market" in "the farmers market" or "an audit report" is no verb)."""
        word = lower[i]
        if self._fits(word):
            return None
        if word not in lexicon.STOPWORDS:  # a span starts on a word that means something
            spoken = self._spoken(lower, i, named)
            if spoken is not None:
                return spoken
        neighbour = self._neighbour(lower, i)
        if neighbour is not None:
            return 1, neighbour
        with_it = _WITH_IT.fullmatch(word)
        followed_by = set(lower[i + 1 : i + 2])
        if with_it and word not in lexicon.STOPWORDS and opens[i] and not followed_by & _OBJECTS:
            verb = _closest(Sound.of(with_it.group(1)), self._verbs)
            if verb is not None and verb[0] >= ALIKE:
                return 1, f"{verb[1].words[0]} it"
        return None

    def _spoken(self, lower: list[str], i: int, named: list[bool]) -> tuple[int, str] | None:
        """The vocabulary's words that 1-3 words from `i` sound like, if they hold a word English does
        not know or join into one. A word Whisper wrote as a name ("Tesco", "Dasha") is someone's
        or something's: it becomes only a held name's words, never a tool's ("task", "Tasha")."""
        best: tuple[float, int, str] | None = None
        for length in (1, 2, 3):
            span = lower[i : i + length]
            if len(span) < length or any(self._fits(w) for w in span):
                break
            strange = {w for w in span if not self._known_word(w)}
            unknown = bool(strange)
            name = any(named[i : i + length])
            heard = Sound.of(*span)
            fitting = [
                s
                for s in self._sounds
                if (
                    len(s.words) == 1
                    and not (name and s.tool)
                    and ((unknown and s.tool) or self._joins(span, s))
                )
                or (len(s.words) == length > 1 and unknown and _only_differ_in(span, s, strange))
            ]
            found = _closest(heard, fitting)
            if found is not None and found[0] >= ALIKE and (best is None or found[0] > best[0]):
                best = (found[0], length, " ".join(found[1].words))
        return None if best is None else best[1:]

    def _neighbour(self, lower: list[str], i: int) -> str | None:
        """A held name's word that the word at `i` sounds like, when the word beside it is that
        word's neighbour in the name ("job" beside "flu" for "Book the flu jab")."""
        heard = Sound.of(lower[i])
        if len(heard.letters) < MIN_LETTERS - 1:
            return None
        beside = {lower[at] for at in (i - 1, i + 1) if 0 <= at < len(lower)}
        near = sorted({n for word in beside for n in self._with.get(word, ())})  # in the names' order
        for first, second in (self._pairs[n] for n in near):
            for anchor, meant, at in ((second, first, i + 1), (first, second, i - 1)):
                if (
                    0 <= at < len(lower)
                    and lower[at] == anchor.lower()
                    and (anchor.lower() not in self._openers or not self._known_word(lower[i]))
                    and not {anchor.lower(), meant.lower()} & lexicon.STOPWORDS
                    and heard.likeness(Sound.of(meant)) >= NEIGHBOUR
                ):
                    return meant
        return None

    def _joins(self, span: list[str], sound: Sound) -> bool:
        """Whether plain English words heard apart may be joined into `sound`: into one word that
        is not plain English itself (Whisper writes the words it knows, and splits those it does
        not into ones it does: "overdue" as "over do"; "remind me" is never "reminder")."""
        return len(span) > 1 and sound.letters in self._foreign and not _DETERMINERS.intersection(span)

    def _fits(self, word: str) -> bool:
        """Whether a heard word is one of the vocabulary's own, in some form (small words aside)."""
        return word not in lexicon.STOPWORDS and lexicon.stem(word) in self._stems


def _closest(heard: Sound, sounds: Iterable[Sound]) -> tuple[float, Sound] | None:
    """The sound most like `heard` (the first of equals), with its likeness."""
    return max(((heard.likeness(s), s) for s in sounds), key=lambda found: found[0], default=None)


def _only_differ_in(span: list[str], sound: Sound, strange: set[str]) -> bool:
    """Whether the span's words are a held name's pair of words but for words English does not
    know, `strange` ("email Serat" for "Email Sarah", not "biskit and" for "Biscuit in")."""
    differ = [heard for heard, meant in zip(span, sound.words, strict=True) if heard != meant.lower()]
    return bool(differ) and all(heard in strange for heard in differ)


def _opens_clause(text: str, at: int) -> bool:
    """Whether the word at `at` opens a sentence or a clause, where Whisper capitalises a word it
    takes for a command ("Okay, Market done."): a capital there is no sign of a name."""
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?:;,"


@cache
def _dictionary() -> frozenset[str]:
    from ..engines.minilm_embedder import words

    return words()


def english(word: str) -> bool:
    """Whether a word, or a form of it, is one the sentence model knows whole ("sister's", "dials",
    "chore": its vocabulary holds "sister", "dial", "chores")."""
    base = word.split("'")[0]
    forms = {base, base + "s", lexicon.stem(base)}
    forms |= {base[: -len(end)] for end in ("s", "es", "ed", "d", "ing") if base.endswith(end)}
    try:
        return not forms.isdisjoint(_dictionary())
    except ImportError:  # without the model every word counts as English: nothing is "unknown"
        return True
