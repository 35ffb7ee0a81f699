"""`realtalk serve` runs the server with uvicorn; `realtalk eval` measures a running one."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

import uvicorn

from .apps import builtin_apps
from .config import Settings
from .engines.scheduler import keep_freed_memory_until_idle
from .server.app import create_app
from .server.drain import DrainingServer
from .server.protocols import QuietRefusalWebSocketProtocol, http_protocol
from .tools.registry import ToolRegistry


def load_tools(target: str) -> ToolRegistry:
    """Import `module:name` and check it is a ToolRegistry."""
    module_name, _, attribute = target.partition(":")
    registry = getattr(importlib.import_module(module_name), attribute or "tools")
    if not isinstance(registry, ToolRegistry):
        raise SystemExit(f"{target} is a {type(registry).__name__}, not a realtalk.tools.ToolRegistry")
    return registry


def _announce_web_app(ui_token: str, settings: Settings) -> None:
    """Tell the person at the terminal where the voice app is. The sign-in link holds the UI token,
    so it goes only to an interactive terminal, never into logs."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    scheme = "https" if settings.ssl_certfile else "http"
    url = f"{scheme}://{host}:{settings.port}/"
    if sys.stdout.isatty():
        print(f"\n  RealTalk voice app: {url}#token={ui_token}\n", flush=True)
    else:
        logging.getLogger("realtalk").info(
            "voice app at %s (sign in with REALTALK_UI_TOKEN or the token in %s)",
            url,
            settings.data_dir / "ui_token",
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="realtalk", description="Self-hosted realtime voice agents.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the Realtime API server")
    serve.add_argument("--host", help="interface to bind (default 127.0.0.1, or REALTALK_HOST)")
    serve.add_argument("--port", type=int, help="port (default 8080, or REALTALK_PORT)")
    serve.add_argument("--app", choices=sorted(builtin_apps()), help="run one of the example apps")
    serve.add_argument(
        "--tools", metavar="MODULE:NAME", help="a realtalk.tools.ToolRegistry of server-side tools to load"
    )
    serve.add_argument(
        "--ssl-certfile", help="serve HTTPS/WSS with this PEM certificate (or REALTALK_SSL_CERTFILE)"
    )
    serve.add_argument("--ssl-keyfile", help="the certificate's PEM private key (or REALTALK_SSL_KEYFILE)")
    evaluate = commands.add_parser(
        "eval", help="play a scenario file's audio to a running Realtime-API server and report"
    )
    evaluate.add_argument("scenario", help="scenario file (YAML or JSON); see realtalk.evaluation.scenario")
    evaluate.add_argument(
        "--url", default="http://127.0.0.1:8080", help="server base URL (http/https/ws/wss)"
    )
    evaluate.add_argument("--key", help="API key (default: $REALTALK_EVAL_KEY, then data/api_key)")
    evaluate.add_argument(
        "--model", default="realtalk", help="the model query parameter of the WebSocket URL"
    )
    evaluate.add_argument("--split", help="run only the cases of this split (dev, test)")
    evaluate.add_argument("--config", action="append", help="run only this configuration (repeatable)")
    evaluate.add_argument("--report", default="eval-report.html", help="HTML report to write")
    args = parser.parse_args(argv)
    if args.command == "eval":
        from .evaluation.command import run_eval  # only eval needs websockets and plotting code

        raise SystemExit(run_eval(args))

    given = {
        "host": args.host,
        "port": args.port,
        "ssl_certfile": args.ssl_certfile,
        "ssl_keyfile": args.ssl_keyfile,
    }
    overrides = {k: v for k, v in given.items() if v is not None}
    settings = Settings(**overrides)
    if (settings.ssl_certfile is None) != (settings.ssl_keyfile is None):
        parser.error("TLS needs both a certificate and its key (--ssl-certfile and --ssl-keyfile)")
    app = builtin_apps()[args.app] if args.app else None
    tools = app.tools if app else ToolRegistry()
    if args.tools:
        for tool in load_tools(args.tools).tools.values():
            tools.add(tool)
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # it logs every utterance at INFO
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    keep_freed_memory_until_idle()  # before the engines' threads allocate anything
    server = create_app(
        settings,
        tools=tools,
        session_defaults=app.session if app else None,
        handoffs=[agent.handoff() for agent in app.agents] if app else None,
        app_name=app.name if app else None,
        app_title=app.title if app else "RealTalk",
    )
    if app is not None and app.attach is not None:
        app.attach(server, settings)
    _announce_web_app(server.state.realtalk.ui_token, settings)
    # Limits and timeouts: docs/security.md says why each is what it is.
    config = uvicorn.Config(
        server,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        http=http_protocol(settings.header_timeout_s),
        ws=QuietRefusalWebSocketProtocol,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        ws_max_size=32 * 1024 * 1024,
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=settings.keep_alive_timeout_s,  # type: ignore[arg-type]  # a float works
        ssl_certfile=settings.ssl_certfile,
        ssl_keyfile=settings.ssl_keyfile,
        # aiosipua and aiortp (SIP, RTP) are built and tested on asyncio's own loop, not uvloop.
        loop="asyncio" if settings.sip_port is not None else "auto",
    )
    DrainingServer(config, server.state.realtalk.drain).run()
