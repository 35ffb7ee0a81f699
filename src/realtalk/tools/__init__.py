"""Tools the agent runs on the server: a registry of Python functions (and, later, MCP servers)."""

from .registry import ServerTool, ToolContext, ToolError, ToolRegistry

__all__ = ["ServerTool", "ToolContext", "ToolError", "ToolRegistry"]
