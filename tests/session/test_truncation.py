"""`truncation` and `max_output_tokens`: long conversations shrink in the brain's view, not the store."""

from __future__ import annotations

from typing import Any

from realtalk.brain.base import Message, ToolCall
from realtalk.session.effects import Generate
from realtalk.session.session import RealtimeSession
from realtalk.session.truncation import Truncation, message_tokens
from tests.session.test_session_core import QuietVad, types, user_text

WORDS = "one two three four five six seven eight nine ten " * 3  # 30 words: 40 + 4 tokens


def ask(session: RealtimeSession, **params: Any) -> Generate:
    effects = session.handle_event({"type": "response.create", **({"response": params} if params else {})})
    return next(e for e in effects if isinstance(e, Generate))


def finish(session: RealtimeSession, generate: Generate) -> None:
    session.response_text(generate.response_id, "ok")
    session.response_completed(generate.response_id)


def long_session(context_tokens: int, truncation: Any) -> tuple[RealtimeSession, list[str]]:
    session = RealtimeSession(model="realtalk", vad=QuietVad(), context_tokens=context_tokens)
    session.start()
    types(
        session.handle_event(
            {"type": "session.update", "session": {"type": "realtime", "truncation": truncation}}
        )
    )
    return session, [user_text(session, f"turn {i} {WORDS}") for i in range(20)]


def test_auto_drops_the_oldest_turns_the_store_keeps_all() -> None:
    session, ids = long_session(1024 + 300, "auto")  # room for ~6 of the 20 turns after the reply's reserve
    generate = ask(session)
    seen = [m.content for m in generate.request.messages]
    assert 4 <= len(seen) < 20 and seen[-1].startswith("turn 19")
    assert sum(message_tokens(m) for m in generate.request.messages) <= 300
    assert [c.split()[1] for c in seen] == [str(i) for i in range(20 - len(seen), 20)], (
        "newest kept, in order"
    )
    # The conversation itself still holds every item.
    retrieved = session.handle_event({"type": "conversation.item.retrieve", "item_id": ids[0]})
    assert types(retrieved) == ["conversation.item.retrieved"]


def test_max_output_tokens_leaves_room_for_the_reply() -> None:
    session, _ = long_session(2000, "auto")
    roomy = ask(session, max_output_tokens=100)
    assert roomy.request.max_output_tokens == 100
    finish(session, roomy)
    tight = ask(session, max_output_tokens=1700)
    assert len(tight.request.messages) < len(roomy.request.messages)


def test_disabled_sends_everything() -> None:
    session, _ = long_session(300, "disabled")
    assert len(ask(session).request.messages) == 20


def test_retention_ratio_cuts_deeper_and_keeps_the_cut() -> None:
    ratio = {"type": "retention_ratio", "retention_ratio": 0.5, "token_limits": {"post_instructions": 440}}
    session, _ = long_session(100_000, ratio)
    first = ask(session)
    kept = len(first.request.messages)
    assert kept <= 5, "cut to half of the 440-token limit, not just under it"
    finish(session, first)
    user_text(session, f"turn 20 {WORDS}")
    second = ask(session)
    # The cut stays where it was (a stable prefix) until the limit is exceeded again.
    assert second.request.messages[0].content == first.request.messages[0].content


def test_hearing_a_turn_leaves_the_cut_where_it_was() -> None:
    """The request a turn's readings are dry-run with (`Transcribe.context`) is a look at the
    conversation: the reply after it sees what it would have seen without it."""
    ratio = {"type": "retention_ratio", "retention_ratio": 0.5, "token_limits": {"post_instructions": 440}}

    def seen(looked: bool) -> list[str]:
        session, _ = long_session(100_000, ratio)
        if looked:
            assert session._reply_context().messages
        user_text(session, f"turn 20 {WORDS}")
        return [m.content for m in ask(session).request.messages]

    assert seen(looked=True) == seen(looked=False)


def test_a_cut_never_orphans_tool_results() -> None:
    call = ToolCall("call_1", "lookup", "{}")
    messages = [
        Message("system", "You are terse."),
        Message("user", WORDS),
        Message("assistant", "", (call,)),
        Message("tool", WORDS, tool_call_id="call_1"),
        Message("user", "and then?"),
    ]
    # Budget: enough for the system message and the tool result onwards, but not the tool call.
    budget = sum(message_tokens(m) for m in (messages[0], messages[3], messages[4]))
    kept = Truncation(budget + 1024).apply(messages, "auto", instructions_tokens=0, max_output_tokens=None)
    assert [m.role for m in kept] == ["system", "user"], "the orphaned tool result went too; system stays"
