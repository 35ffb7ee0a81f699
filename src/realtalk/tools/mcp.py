"""Tools from MCP servers (the `mcp` package): listed at start-up, called like local tools.

A server is named by a string: an `http(s)://…` URL speaks Streamable HTTP; anything else is a
command line started as a subprocess that speaks MCP over stdio (`python -m my_tools`).
"""

from __future__ import annotations

import logging
import shlex
from contextlib import AsyncExitStack
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters

from .registry import DEFAULT_TIMEOUT_S, ServerTool, ToolError, ToolRegistry

log = logging.getLogger(__name__)


def server_target(spec: str) -> str | StdioServerParameters:
    """What `mcp.Client` connects to for one `REALTALK_MCP_SERVERS` entry."""
    if spec.startswith(("http://", "https://")):
        return spec
    command = shlex.split(spec)
    if not command:
        raise ValueError("an empty MCP server command")
    return StdioServerParameters(command=command[0], args=command[1:])


async def connect_mcp_servers(
    specs: list[str], registry: ToolRegistry, stack: AsyncExitStack
) -> dict[str, str]:
    """Connect to each server (kept open on `stack`) and register its tools; status per server.

    A server that cannot be reached is logged and skipped: the agent keeps its other tools.
    """
    status: dict[str, str] = {}
    for spec in specs:
        try:
            client = await stack.enter_async_context(Client(server_target(spec), read_timeout_seconds=30))
            listing = await client.list_tools()
        except Exception as exc:
            cause = _root_cause(exc)
            log.error("MCP server %r unavailable: %s: %s", spec, type(cause).__name__, cause)
            status[spec] = f"error: {type(cause).__name__}: {cause}"
            continue
        for tool in listing.tools:
            registry.add(_server_tool(client, tool))
        status[spec] = f"{len(listing.tools)} tools"
        log.info("MCP server %r: %s", spec, ", ".join(t.name for t in listing.tools))
    return status


def _root_cause(exc: BaseException) -> BaseException:
    # anyio task groups wrap the real failure in ExceptionGroups.
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _server_tool(client: Client, tool: Any) -> ServerTool:
    async def call(**arguments: Any) -> Any:
        result = await client.call_tool(tool.name, arguments)
        text = " ".join(getattr(block, "text", "") for block in result.content).strip()
        if result.is_error:
            raise ToolError(text or f"{tool.name} failed")
        return result.structured_content if result.structured_content is not None else text

    schema = dict(tool.input_schema or {"type": "object", "properties": {}})
    schema.pop("title", None)
    return ServerTool(
        name=tool.name,
        description=tool.description or "",
        parameters=schema,
        function=call,
        arguments_model=None,
        timeout_s=DEFAULT_TIMEOUT_S,
    )
