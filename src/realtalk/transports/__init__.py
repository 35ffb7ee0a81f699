"""Thin adapters that connect a `SessionRuntime` to a wire: WebSocket today."""
