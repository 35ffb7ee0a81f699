"""Tools the agent runs on the server: a registry of Python functions (and, later, MCP servers)."""

from .registry import ServerTool, ToolError, ToolRegistry

__all__ = ["ServerTool", "ToolError", "ToolRegistry"]
