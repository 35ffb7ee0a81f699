"""A real MCP server (stdio or streamable HTTP) for the tests: `python -m tests.tools.mcp_server`."""

from __future__ import annotations

import sys

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer("realtalk-test-tools")


@server.tool()
def convert_distance(kilometers: float) -> dict[str, float]:
    """Convert a distance in kilometers to miles."""
    return {"kilometers": kilometers, "miles": round(kilometers * 0.621371, 2)}


@server.tool()
def get_stock_price(symbol: str) -> str:
    """Get the current stock price for a ticker symbol."""
    if symbol.upper() != "ACME":
        raise ToolError(f"unknown symbol {symbol}")
    return "ACME trades at 42 dollars."


if __name__ == "__main__":
    if len(sys.argv) > 1:  # a port: serve Streamable HTTP on loopback
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[1]))
    else:
        server.run("stdio")
