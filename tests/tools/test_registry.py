"""Tool schemas from type hints and docstrings, and calling tools safely."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import pytest
from pydantic import Field

from realtalk.tools import ToolError, ToolRegistry
from tests.tools.sample_tools import tools as sample


def test_schema_from_hints_and_docstring() -> None:
    tool = sample.tools["get_weather"]
    assert tool.description == "Get the current weather for a city."
    assert tool.parameters == {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "city": {"type": "string", "description": "The city name, e.g. Paris."},
            "unit": {
                "enum": ["C", "F"],
                "type": "string",
                "default": "C",
                "description": "Temperature unit.",
            },
        },
        "required": ["city"],
    }


def test_annotated_descriptions_and_numbers() -> None:
    registry = ToolRegistry()

    @registry.register(name="book")
    async def book_table(
        party_size: Annotated[int, Field(ge=1, description="How many people")], vip: bool = False
    ) -> str:
        """Book a table."""
        return f"booked for {party_size}"

    tool = registry.tools["book"]
    assert tool.parameters["properties"]["party_size"] == {
        "type": "integer",
        "minimum": 1,
        "description": "How many people",
    }
    assert tool.parameters["required"] == ["party_size"]
    assert asyncio.run(registry.call("book", '{"party_size": 4}')) == json.dumps("booked for 4")
    with pytest.raises(ToolError, match="party_size"):
        asyncio.run(registry.call("book", '{"party_size": 0}'))


async def test_calls_sync_and_async_tools() -> None:
    assert json.loads(await sample.call("get_weather", '{"city": "Oslo"}'))["temperature"] == 21
    assert json.loads(await sample.call("lookup_order", '{"order_number": "42"}'))["status"] == "shipped"


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("get_weather", "{}", "city"),
        ("get_weather", '{"city": "Oslo", "unit": "K"}', "unit"),
        ("get_weather", '{"city": "Oslo", "colour": 1}', "colour"),
        ("get_weather", "not json", "invalid arguments"),
        ("reset_password", '{"email": "a@b.c"}', "mail server is down"),
        ("check_inventory", '{"item": "x"}', "longer than 1 seconds"),
        ("no_such_tool", "{}", "no tool called"),
    ],
)
async def test_failures_are_tool_errors(name: str, arguments: str, message: str) -> None:
    with pytest.raises(ToolError, match=message):
        await sample.call(name, arguments)
