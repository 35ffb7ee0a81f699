"""RealTalk: self-hosted realtime voice agents that speak the OpenAI Realtime API."""

__version__ = "0.1.0"
