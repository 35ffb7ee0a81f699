"""The RealTalk voice app: a static, build-free web front end served by the RealTalk server.

The page (``static/index.html``) logs in with the UI token, mints an ephemeral key per call and
talks to the server over WebRTC, falling back to the SSE chat endpoint for text without a call.
This package only ships the files; the server's routes serve them.
"""

from pathlib import Path

STATIC_DIR: Path = Path(__file__).parent / "static"
"""The folder holding index.html, the service worker, the manifest and the app's assets."""
