"""The Grafana dashboard in deploy/ only charts metrics the server exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from realtalk.server.metrics import Metrics

DASHBOARD = Path(__file__).parents[2] / "deploy" / "grafana" / "realtalk-dashboard.json"


def test_every_dashboard_query_names_an_exported_metric() -> None:
    metrics = Metrics()
    # Touch every labelled family once so it shows in the exposition.
    metrics.sessions_live.labels("websocket")
    metrics.observe_latency("voice_to_voice", 0.5)
    metrics.observe_latency("endpoint", 0.5)
    exported: set[str] = set()
    for family in text_string_to_metric_families(metrics.exposition(0.0).decode()):
        exported |= {sample.name for sample in family.samples} | {family.name}
    dashboard = json.loads(DASHBOARD.read_text())
    queries = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert len(queries) >= 15
    named = {name for query in queries for name in re.findall(r"\b((?:realtalk|process)_[a-z_]+)\b", query)}
    assert {"realtalk_voice_to_voice_seconds_bucket", "realtalk_sessions_refused_total"} <= named
    # Counters without samples yet (no labels used) are exported as families: compare on families.
    families = {re.sub(r"_(total|bucket|count|sum|created)$", "", name) for name in exported}
    missing = {name for name in named if re.sub(r"_(total|bucket|count|sum)$", "", name) not in families}
    assert not missing, missing
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])
