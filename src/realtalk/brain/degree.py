"""An option of an ordered scale said by degree: "less urgent", "lower the priority", "top priority".

An enum parameter whose options are positions on a scale (low < medium < high, minor < major) is
often set by how far along it the words put the value rather than by an option's name. A
comparative moves one step from where its word stands ("less urgent": one below high, which
"urgent" means; "lower the priority": one below the default, or the middle); a negation goes to
the other end ("not urgent any more": low), or one step with a softener ("not that urgent"); a
superlative goes to an end ("top priority": high). The scale is read from the option words, the
words that stand for an option from the parameter's description; nothing here knows a tool.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from . import lexicon
from .extract import Found, Utterance

# Where a word puts an option on a scale (only the order matters).
_RANKS = {"lowest": 0, "minimal": 0, "minimum": 0, "trivial": 0, "low": 1, "minor": 1, "small": 1,
          "medium": 2, "normal": 2, "moderate": 2, "mid": 2, "middle": 2, "average": 2, "standard": 2,
          "regular": 2, "high": 3, "major": 3, "large": 3, "big": 3, "urgent": 4, "critical": 4,
          "severe": 4, "highest": 5, "maximum": 5, "blocker": 5}  # fmt: skip
_TOP = lexicon.words("top highest maximum max utmost most")
_BOTTOM = lexicon.words("lowest bottom minimum least")
_DOWN = lexicon.words("less lower lowered reduce reduced decrease decreased down lessen drop dropped")
_UP = lexicon.words("more higher raise raised increase increased up boost boosted")
_NOT = lexicon.words("not isn't aren't wasn't weren't no never can't cannot won't")
_SOFT = lexicon.words("so that very too particularly really super terribly all as")
# Between a degree word and what it is about: "lower *the* priority", "not *a* priority".
_BETWEEN = lexicon.words("the a an its it's this that's their his her my of")
_VERBS_DOWN = lexicon.words("downgrade downgraded deprioritise deprioritize demote")
_VERBS_UP = lexicon.words("upgrade upgraded prioritise prioritize")
_AFTER = lexicon.words("any more anymore")
_NUDGE = lexicon.words("bump bumped knock knocked kick kicked notch crank cranked ratchet dial turn")
_WORD = re.compile(r"[a-z']+", re.I)
_REACH = 3
"""How many words a degree word may stand before (or after) the word it is about."""


def order(options: Sequence[Any]) -> list[Any] | None:
    """The options from lowest to highest when each names a position on a scale, else None."""
    ranks = []
    for option in options:
        words = [w for w in lexicon.tokens(str(option).replace("_", " ")) if w in _RANKS]
        if len(words) != 1:
            return None
        ranks.append((_RANKS[words[0]], option))
    if len(ranks) < 2 or len({rank for rank, _ in ranks}) < len(ranks):
        return None
    return [option for _, option in sorted(ranks, key=lambda r: r[0])]


def said(
    utterance: Utterance,
    options: Sequence[Any],
    standing: Mapping[str, Any],
    scale_words: frozenset[str],
    default: Any = None,
) -> Found | None:
    """The option the words put the value at by degree, or None. `standing` maps the stems of
    words that stand for an option ("urgent" -> high) to it; `scale_words` are the stems of the
    scale's own name ("priority"); `default` is where a comparative starts when its word is the
    scale's name."""
    found = _said(utterance, options, standing, scale_words, default)
    return found[0] if found is not None else None


def way(
    utterance: Utterance, options: Sequence[Any], standing: Mapping[str, Any], scale_words: frozenset[str]
) -> tuple[int, bool]:
    """(+1 or -1 when the words move the value one step up or down the scale from where it stands,
    else 0; whether they also say where it stands: "less urgent" is one below urgent, while "lower
    the priority", "make it higher" and "bump it up a notch" start from wherever it is)."""
    found = _said(utterance, options, standing, scale_words, None)
    return (found[1], found[2]) if found is not None else (0, False)


def step(options: Sequence[Any], current: Any, way: int) -> Any | None:
    """The option one step up (`way` 1) or down (-1) the scale from `current`, or None."""
    scale = order(options)
    if scale is None or current not in scale:
        return None
    return scale[_step(scale.index(current), way, len(scale))]


def _said(
    utterance: Utterance,
    options: Sequence[Any],
    standing: Mapping[str, Any],
    scale_words: frozenset[str],
    default: Any,
) -> tuple[Found, int, bool] | None:
    """`said`, the way a comparative moves (0 for an option said outright), and whether the words
    name the option it moves from."""
    scale = order(options)
    if scale is None:
        return None
    words = [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(utterance.text)
             if utterance.free(m.start(), m.end())]  # fmt: skip
    middle = scale.index(default) if default in scale else (len(scale) - 1) // 2
    positions = {lexicon.stem(str(o).lower()): i for i, o in enumerate(scale)}
    positions |= {stem: scale.index(o) for stem, o in standing.items() if o in scale}
    for at, (word, _, _) in enumerate(words):
        stem = lexicon.stem(word)
        stands = positions.get(stem)
        if stands is None:  # "no rush": a word of the same idea as one that stands for an option
            groups = lexicon.concepts(stem)
            stands = next((i for s, i in positions.items() if groups and lexicon.concepts(s) & groups), None)
        if stands is None and not _names_scale(stem, scale_words):
            continue
        last = at
        while last + 1 < len(words) and (
            words[last + 1][0] in _AFTER or _names_scale(lexicon.stem(words[last + 1][0]), scale_words)
        ):
            last += 1  # "urgent any more", "high priority"
        found = _degree(words, at, last, stands, middle, len(scale))
        if found is not None:
            index, first, last, moved = found
            return Found(scale[index], ((words[first][1], words[last][2]),)), moved, stands is not None
    for at, (word, start, end) in enumerate(words):  # "downgrade the passport": the verb alone says which way
        if word in _VERBS_DOWN or word in _VERBS_UP:
            moved = -1 if word in _VERBS_DOWN else 1
            return Found(scale[_step(middle, moved, len(scale))], ((start, end),)), moved, False
        # "bump it up a notch", "knock it down": a verb of nudging and the way, the scale unnamed
        ahead = [w for w, _, _ in words[at + 1 : at + 1 + _REACH]]
        if word in _NUDGE and ("up" in ahead or "down" in ahead):
            moved = (
                1
                if "up" in ahead and ("down" not in ahead or ahead.index("up") < ahead.index("down"))
                else -1
            )
            way_at = at + 1 + ahead.index("up" if moved > 0 else "down")
            way_start, way_end = words[way_at][1], words[way_at][2]
            if [w for w, _, _ in words[way_at + 1 : way_at + 3]] in (
                ["a", "notch"],
                ["a", "level"],
                ["a", "bit"],
            ):
                way_end = words[way_at + 2][2]
            # The verb and the way, not the thing between them ("knock *the export one* down a notch").
            spans = ((start, end), (way_start, way_end))
            return Found(scale[_step(middle, moved, len(scale))], spans), moved, False
    return None


def _degree(
    words: Sequence[tuple[str, int, int]], at: int, last: int, stands: int | None, middle: int, size: int
) -> tuple[int, int, int, int] | None:
    """(the option's index, the first and last word said, the way a comparative moves or 0) when a
    degree word goes with the words from `at` to `last`, which stand for the option `stands` (None:
    the scale's name)."""
    before = [w for w, _, _ in words[max(0, at - _REACH) : at]]
    near = next((i for i in range(len(before) - 1, -1, -1) if before[i] not in _BETWEEN | _SOFT), None)
    if near is not None:
        word, first = before[near], at - len(before) + near
        softened = any(w in _SOFT for w in before[near + 1 :])
        if word in _TOP or word in _BOTTOM:
            return (size - 1 if word in _TOP else 0), first, last, 0
        if word in _DOWN or word in _UP:
            moved = -1 if word in _DOWN else 1
            return _step(middle if stands is None else stands, moved, size), first, last, moved
        if word == "longer" and first > 0 and words[first - 1][0] == "no":  # "no longer urgent"
            word, first = "no", first - 1
        if word in _NOT:
            # Not the high end is the low one; "not a priority" is not high either.
            high = stands is None or stands > (size - 1) / 2
            if stands is not None and stands == (size - 1) / 2:
                return None  # "not normal" says which way no more than "normal" does
            if softened:
                return _step(size - 1 if stands is None else stands, -1 if high else 1, size), first, last, 0
            return (0 if high else size - 1), first, last, 0
    if stands is None and at > 0 and words[at - 1][0] in ("a", "an"):
        return size - 1, at - 1, last, 0  # "make it a priority": one that counts, the top
    after = [w for w, _, _ in words[last + 1 : last + 1 + _REACH]]
    way = next((w for w in after if w not in _BETWEEN), None)
    if way is not None and (way in _DOWN or way in _UP) and stands is None:  # "the priority down"
        end = last + 1 + after.index(way)
        moved = -1 if way in _DOWN else 1
        return _step(middle, moved, size), at, end, moved
    return None


def _names_scale(stem: str, scale_words: frozenset[str]) -> bool:
    """Whether the word is the scale's name or a form of it ("severe" for severity)."""
    return stem in scale_words or (
        len(stem) >= 5
        and any(len(w) >= 5 and (w.startswith(stem) or stem.startswith(w)) for w in scale_words)
    )


def _step(index: int, way: int, size: int) -> int:
    return min(size - 1, max(0, index + way))
