"""What every connection shares: settings, the loaded engines, the brain and the store."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from redis.asyncio import Redis

from ..brain.base import Brain
from ..brain.loader import load_brain
from ..brain.semantic_cache import SemanticCache
from ..brain.sounds import english
from ..config import Settings
from ..engines import minilm_embedder
from ..engines.base import ImageTextReader
from ..engines.loader import SpeechEngines, load_image_reader, load_speech_engines, warm_up
from ..ratelimits.counters import Counters
from ..ratelimits.memory_counters import MemoryCounters
from ..ratelimits.policy import LimitsConfig, RateLimiter
from ..ratelimits.redis_counters import RedisCounters
from ..session.session import Handoff
from ..storage.store import ConversationStore
from ..tools.registry import ToolRegistry
from .auth import RefusalLog
from .capacity import Capacity
from .client_secrets import ClientSecrets
from .cluster import Cluster, node_url
from .costs import PriceTable
from .drain import Drain
from .metrics import Metrics
from .throttle import LoginThrottle
from .tracing import Tracing

if TYPE_CHECKING:
    from .calls import Call

log = logging.getLogger(__name__)


@dataclass
class AppState:
    """Process-wide state. Engines load in the background; `ready` is set once they have."""

    settings: Settings
    api_keys: list[str]
    store: ConversationStore
    brain: Brain
    capacity: Capacity
    limiter: RateLimiter
    metrics: Metrics = field(default_factory=Metrics)
    answer_cache: SemanticCache | None = None
    """The LLM answer cache, when `REALTALK_SEMANTIC_CACHE` is on and an LLM is configured."""
    tracing: Tracing = field(default_factory=Tracing)
    prices: PriceTable = field(default_factory=PriceTable.load)
    image_reader: ImageTextReader | None = None
    """OCR for `input_image` content; its model loads on the first image."""
    tools: ToolRegistry = field(default_factory=ToolRegistry)
    """Server-side tools every session can use (an app registers them)."""
    session_defaults: dict[str, Any] = field(default_factory=dict)
    """A partial GA `session` applied to every new session before the client's updates."""
    handoffs: list[Handoff] = field(default_factory=list)
    calls: dict[str, Call] = field(default_factory=dict)
    """Live WebRTC calls by id, for sideband connections and hang-up."""
    client_secrets: ClientSecrets = field(default_factory=ClientSecrets)
    cluster: Cluster | None = None
    """The link to the other nodes, with `REALTALK_REDIS_URL` (it then holds `calls` and
    `client_secrets`)."""
    drain: Drain = field(default_factory=lambda: Drain(timeout_s=0))
    """Live calls of every transport, and the SIGTERM drain (`create` sets its timeout)."""
    ui_token: str = ""
    """The web app's sign-in token (see `auth.load_or_create_ui_token`)."""
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    refusals: RefusalLog = field(default_factory=RefusalLog)
    """Refused credentials, logged at a rate nobody can abuse."""
    app_name: str | None = None
    app_title: str = "RealTalk"
    public_paths: set[str] = field(default_factory=set)
    public_prefixes: list[str] = field(default_factory=list)
    """Paths (exact, and by prefix) an app serves without a key: its page shells."""
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    load_error: str | None = None
    mcp_status: dict[str, str] = field(default_factory=dict)
    _engines: SpeechEngines | None = None

    @property
    def engines(self) -> SpeechEngines:
        if self._engines is None:
            raise RuntimeError("engines are not loaded yet")
        return self._engines

    @classmethod
    def create(cls, settings: Settings, api_keys: list[str], tools: ToolRegistry | None = None) -> AppState:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        metrics = Metrics()
        # One Redis connection pool for the node: the counters close it at shutdown.
        redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        counters: Counters = RedisCounters(redis) if redis else MemoryCounters()
        tls = settings.ssl_certfile is not None
        cluster = (
            Cluster(redis, node_url(settings.host, settings.port, settings.node_url, tls)) if redis else None
        )
        state = cls(
            tools=tools or ToolRegistry(),
            settings=settings,
            api_keys=api_keys,
            capacity=Capacity(settings.max_sessions, settings.max_loop_lag_ms, settings.max_queue_wait_ms),
            limiter=RateLimiter(LimitsConfig.load(settings.rate_limits, api_keys), counters),
            store=ConversationStore(settings.resolved_database_url),
            metrics=metrics,
            prices=PriceTable.load(settings.prices_file),
            brain=load_brain(settings, report=metrics),
            answer_cache=(
                SemanticCache(
                    minilm_embedder.shared,
                    threshold=settings.semantic_cache_threshold,
                    ttl_s=settings.semantic_cache_ttl_s,
                    max_entries=settings.semantic_cache_entries,
                    report=metrics,
                )
                if settings.semantic_cache and settings.llm_base_url
                else None
            ),
            image_reader=load_image_reader(settings),
            drain=Drain(settings.drain_timeout_s),
            cluster=cluster,
        )
        if cluster is not None:  # what the nodes share (see `cluster`)
            state.calls, state.client_secrets = cluster.calls, cluster.secrets
        return state

    async def load_engines(self) -> None:
        """Load (and warm up) the speech models off the event loop."""
        try:
            engines = await asyncio.to_thread(load_speech_engines, self.settings)
            await asyncio.to_thread(warm_up, engines)
            # The dictionary a backchannel's lone word is looked up in, read on the event loop.
            await asyncio.to_thread(english, "hello")
        except Exception as exc:
            self.load_error = f"{type(exc).__name__}: {exc}"
            log.exception("loading speech engines failed")
            return
        self._engines = engines
        self.ready.set()
        log.info(
            "engines ready: vad=%s stt=%s tts=%s brain=%s",
            type(engines.vad).__name__,
            engines.stt.name,
            engines.tts.name,
            self.brain.name,
        )

    async def load_history(self, conversation_id: str) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self.store.load_items, conversation_id)

    async def has_conversation(self, conversation_id: str) -> bool:
        return await asyncio.to_thread(self.store.has_conversation, conversation_id)
