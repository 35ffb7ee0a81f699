"""The deployment files, checked offline: no cluster and no Docker daemon run here.

Kubernetes manifests against the API schemas `kubernetes-validate` ships (strict: unknown fields
fail); the compose file and HAProxy config by structure and by `haproxy -c`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

DEPLOY = Path(__file__).parents[2] / "deploy"
KUBERNETES_VERSION = "1.33.0"
"""The oldest API we target: the preStop `sleep` action is GA there."""
MANIFESTS = sorted(p for p in (DEPLOY / "k8s").glob("*.yaml") if p.name != "prometheus-adapter-rules.yaml")


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_kubernetes_manifests_validate(path: Path) -> None:
    for document in _documents(path):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_manifests_fit_together() -> None:
    """Drain and scaling settings that only work together."""
    by_kind = {doc["kind"]: doc for path in MANIFESTS for doc in _documents(path)}
    assert set(by_kind) >= {"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler",
                            "ConfigMap", "Secret"}  # fmt: skip
    pod = by_kind["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    drain_s = float(by_kind["ConfigMap"]["data"]["REALTALK_DRAIN_TIMEOUT_S"])
    pre_stop_s = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pod["terminationGracePeriodSeconds"] > drain_s + pre_stop_s  # never SIGKILLed mid-drain
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    labels = by_kind["Deployment"]["spec"]["selector"]["matchLabels"]
    for kind in ("Service", "PodDisruptionBudget"):
        selector = by_kind[kind]["spec"]["selector"]
        assert selector.get("matchLabels", selector) == labels
    hpa = by_kind["HorizontalPodAutoscaler"]["spec"]
    assert hpa["metrics"][0]["pods"]["metric"]["name"] == "realtalk_sessions_live"
    assert hpa["scaleTargetRef"]["name"] == by_kind["Deployment"]["metadata"]["name"]


def test_compose_runs_three_nodes_behind_haproxy_with_the_tested_config() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    nodes = [name for name in services if name.startswith("node")]
    assert len(nodes) == 3
    for name in nodes:
        env = services[name]["environment"]
        assert env["REALTALK_NODE_URL"] == f"http://{name}:8080"
        assert env["REALTALK_REDIS_URL"].startswith("redis://redis")
        assert env["REALTALK_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert float(services[name]["stop_grace_period"].rstrip("s")) > float(env["REALTALK_DRAIN_TIMEOUT_S"])
    proxy = services["haproxy"]
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in proxy["volumes"]
    assert {proxy["environment"][f"NODE{i}"] for i in (1, 2, 3)} == {f"{n}:8080" for n in nodes}
    assert {"postgres", "redis"} <= set(services)


def test_haproxy_config_is_valid() -> None:
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    env = {**os.environ, "HAPROXY_BIND": "127.0.0.1:8080"}
    env.update({f"NODE{i}": "127.0.0.1:1" for i in (1, 2, 3)})
    checked = subprocess.run(
        [binary, "-c", "-f", str(DEPLOY / "haproxy.cfg")], env=env, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


def test_dockerfile_is_non_root_with_a_health_check() -> None:
    text = (DEPLOY.parent / "Dockerfile").read_text()
    assert "\nUSER 10001\n" in text and "HEALTHCHECK" in text and "/healthz" in text
    assert "FROM python:3.11-slim" in text
