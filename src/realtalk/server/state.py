"""What every connection shares: settings, the loaded engines, the brain and the store."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..brain.base import Brain
from ..brain.loader import load_brain
from ..config import Settings
from ..engines.base import ImageTextReader
from ..engines.loader import SpeechEngines, load_image_reader, load_speech_engines, warm_up
from ..session.session import Handoff
from ..storage.store import ConversationStore
from ..tools.registry import ToolRegistry
from .auth import RefusalLog
from .client_secrets import ClientSecrets
from .drain import Drain
from .throttle import LoginThrottle

if TYPE_CHECKING:
    from .calls import Call
    from .cluster import Cluster

log = logging.getLogger(__name__)


@dataclass
class AppState:
    """Process-wide state. Engines load in the background; `ready` is set once they have."""

    settings: Settings
    api_keys: list[str]
    store: ConversationStore
    brain: Brain
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
        return cls(
            tools=tools or ToolRegistry(),
            settings=settings,
            api_keys=api_keys,
            store=ConversationStore(settings.resolved_database_url),
            brain=load_brain(settings),
            image_reader=load_image_reader(settings),
            drain=Drain(settings.drain_timeout_s),
        )

    async def load_engines(self) -> None:
        """Load (and warm up) the speech models off the event loop."""
        try:
            engines = await asyncio.to_thread(load_speech_engines, self.settings)
            await asyncio.to_thread(warm_up, engines)
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
