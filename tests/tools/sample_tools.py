"""Server-side tools used by the end-to-end tests (loaded with `realtalk serve --tools`)."""

from __future__ import annotations

import asyncio
import time
from typing import Literal

from realtalk.tools import ToolRegistry

tools = ToolRegistry()


@tools.register
def get_weather(city: str, unit: Literal["C", "F"] = "C") -> dict[str, object]:
    """Get the current weather for a city.

    Args:
        city: The city name, e.g. Paris.
        unit: Temperature unit.
    """
    return {"city": city, "temperature": 21 if unit == "C" else 70, "unit": unit, "conditions": "sunny"}


@tools.register(filler="Hold on, I'm looking up your order. ")
async def lookup_order(order_number: str) -> dict[str, object]:
    """Look up the status of an order by its order number.

    Args:
        order_number: The order number, spoken digit by digit.
    """
    await asyncio.sleep(1.5)
    return {"order": order_number, "status": "shipped"}


@tools.register(timeout_s=1.0)
def check_inventory(item: str) -> dict[str, object]:
    """Check the inventory for an item in the warehouse."""
    time.sleep(3)
    return {"item": item, "count": 3}


@tools.register
def reset_password(email: str) -> str:
    """Reset the password for an email account."""
    raise RuntimeError("the mail server is down")
