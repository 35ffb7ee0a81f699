"""Pricing a session from the price table, and keeping its cost with the conversation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from realtalk.server.costs import PriceTable, price_session
from realtalk.server.metrics import CallStats
from realtalk.storage.store import ConversationStore


def stats() -> CallStats:
    return CallStats(
        turns=2,
        audio_in_s=6.0,
        audio_out_s=5.0,
        input_tokens=300,
        output_tokens=120,  # 100 of them audio (5 s x 20/s)
        stage_seconds={"stt": 0.5, "brain": 0.1, "tts": 1.0, "tool": 0.2},
    )


def test_the_built_in_price_table_says_where_each_price_comes_from() -> None:
    table = PriceTable.load()
    for price in (table.compute, table.llm, table.hosted_realtime):
        assert price.source.startswith(("AWS", "OpenAI")) and "https://" in price.source
        assert datetime.fromisoformat(price.date).year >= 2025
    assert table.currency == "USD"


def test_price_session_offline_and_with_an_llm() -> None:
    table = PriceTable.load()
    offline = price_session(stats(), table, engine_threads=2, llm=False)
    # STT and TTS on 2 cores, the built-in brain and the tool on one.
    assert offline["core_seconds"] == pytest.approx(0.5 * 2 + 1.0 * 2 + 0.1 + 0.2)
    assert offline["cost"]["compute"] == pytest.approx(3.3 / 3600 * table.compute.core_hour, abs=1e-6)
    assert offline["cost"]["llm"] == 0 and offline["tokens"] == {"input": 300, "output_text": 20}
    hosted = table.hosted_realtime
    expected_hosted = (
        6 * 10 * hosted.audio_input_per_million
        + 5 * 20 * hosted.audio_output_per_million
        + 300 * hosted.text_input_per_million
        + 20 * hosted.text_output_per_million
    ) / 1e6
    assert offline["hosted_realtime"]["cost"] == pytest.approx(expected_hosted, abs=1e-6)
    assert offline["hosted_realtime"]["cost"] > 10 * offline["cost"]["total"]
    with_llm = price_session(stats(), table, engine_threads=2, llm=True)
    assert with_llm["core_seconds"] == pytest.approx(3.2), "an LLM's time is network wait, not our cores"
    llm = (300 * table.llm.input_per_million + 20 * table.llm.output_per_million) / 1e6
    assert with_llm["cost"]["llm"] == pytest.approx(llm, abs=1e-6)
    assert with_llm["prices"]["hosted_realtime"]["date"] == hosted.date


def test_a_price_file_replaces_the_table(tmp_path: Path) -> None:
    text = PriceTable.load().model_dump_json().replace('"core_hour":0.0446', '"core_hour":1.0')
    (tmp_path / "prices.json").write_text(text)
    assert PriceTable.load(tmp_path / "prices.json").compute.core_hour == 1.0
    (tmp_path / "bad.json").write_text('{"currency": "EUR"}')
    with pytest.raises(ValueError, match="compute"):
        PriceTable.load(tmp_path / "bad.json")


def test_costs_are_kept_with_the_conversation_and_summed_per_key() -> None:
    table = PriceTable.load()
    summary = price_session(stats(), table, engine_threads=2, llm=False)
    with ConversationStore("sqlite://") as store:
        store.save_session_cost("conv_1", "sess_1", "key_a", summary)
        store.save_session_cost("conv_1", "sess_2", "key_a", summary)
        store.save_session_cost("conv_2", "sess_3", "key_b", summary)
        assert [c["session_id"] for c in store.session_costs("conv_1")] == ["sess_1", "sess_2"]
        assert store.session_costs("conv_1")[0]["compute_seconds"]["tts"] == 1.0
        today = store.costs_by_key(datetime.now(UTC) - timedelta(hours=1))
        sessions, total, hosted = today["key_a"]
        assert sessions == 2 and total == pytest.approx(2 * summary["cost"]["total"])
        assert hosted == pytest.approx(2 * summary["hosted_realtime"]["cost"])
        assert today["key_b"][0] == 1
        assert store.costs_by_key(datetime.now(UTC) + timedelta(hours=1)) == {}
