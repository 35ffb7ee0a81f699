"""Word error rate over normalized text, so formatting ("10" vs "ten", "Mr.") is not counted."""

from __future__ import annotations

import re

import jiwer

_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def normalize_text(text: str) -> str:
    """Lower case, digits 0-20 spelled out, hyphens to spaces, other punctuation dropped.

    Whisper writes "10 of clubs", "ill-disposed" and "Mr." where the references say "ten of clubs",
    "ill disposed" and "mister"; this keeps WER about the words, not the formatting.
    """

    def spell(match: re.Match[str]) -> str:
        value = int(match[0])
        return _NUMBER_WORDS[value] if value < len(_NUMBER_WORDS) else match[0]

    text = re.sub(r"\b\d+\b", spell, text.lower().replace("-", " "))
    text = re.sub(r"\bmr\.?(?=\s)", "mister", re.sub(r"\bmrs\.?(?=\s)", "missus", text))
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


def word_error_rate(references: str | list[str], hypotheses: str | list[str]) -> float:
    """WER over normalized text (a list pair gives the corpus-level WER)."""
    refs = [references] if isinstance(references, str) else references
    hyps = [hypotheses] if isinstance(hypotheses, str) else hypotheses
    if len(refs) != len(hyps):
        raise ValueError("need as many hypotheses as references")
    # jiwer rejects empty hypotheses; an empty one is all deletions, which a placeholder word gives.
    return float(jiwer.wer([normalize_text(r) for r in refs], [normalize_text(h) or "<empty>" for h in hyps]))
