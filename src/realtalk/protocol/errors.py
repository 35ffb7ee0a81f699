"""The one exception a misbehaving client can cause, and its wire form.

Like h11's `RemoteProtocolError`, a `ProtocolError` never leaves the session half-updated: every
handler validates before it mutates, and the session answers with an `error` event and lives on.
"""

from __future__ import annotations

from typing import Any


class ProtocolError(Exception):
    """A client event that cannot be honoured. Becomes a Realtime `error` event."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        param: str | None = None,
        type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.param = param
        self.type = type

    def to_error(self, client_event_id: str | None) -> dict[str, Any]:
        """The `error` object of an `error` server event."""
        return {
            "type": self.type,
            "code": self.code,
            "message": self.message,
            "param": self.param,
            "event_id": client_event_id,
        }
