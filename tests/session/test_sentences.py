from __future__ import annotations

from realtalk.session.sentences import SentenceSplitter


def split(text: str, step: int = 3) -> list[str]:
    splitter = SentenceSplitter()
    pieces: list[str] = []
    for start in range(0, len(text), step):
        pieces += splitter.push(text[start : start + step])
    rest = splitter.flush()
    return [p.strip() for p in [*pieces, rest] if p.strip()]


def test_sentences_and_early_first_clause() -> None:
    assert split("Sure thing, my good friend, the price is 3.5 dollars. Dr. Smith agrees! Bye") == [
        "Sure thing,",
        "my good friend, the price is 3.5 dollars.",
        "Dr. Smith agrees!",
        "Bye",
    ]


def test_the_first_piece_is_as_short_as_the_text_allows() -> None:
    assert split("Yes, it is. Fine, thanks.") == ["Yes,", "it is. Fine, thanks."]
    assert split("Sure. Here is the list.") == ["Sure.", "Here is the list."]


def test_later_short_fragments_join_the_next_piece() -> None:
    text = "Here is the list.\nItem 1: buy milk.\nItem 2: call Bob. OK? Done."
    assert split(text) == ["Here is the list.", "Item 1: buy milk.", "Item 2: call Bob.", "OK? Done."]


def test_nothing_lost() -> None:
    text = "One. Two, three, four, five, six. Seven? Eight; nine\nten"
    assert " ".join(split(text, step=1)).split() == text.split()
