"""Server-side tools: plain Python functions the agent can call, with schemas from their signatures.

```python
tools = ToolRegistry()

@tools.register
async def get_weather(city: str, unit: Literal["C", "F"] = "C") -> dict[str, object]:
    \"\"\"Get the current weather for a city.

    Args:
        city: The city, e.g. "Paris".
        unit: Temperature unit.
    \"\"\"
```

The JSON schema of each parameter comes from pydantic (so `Literal`, `Annotated`, dataclasses and
models work), descriptions from the docstring's `Args:` section. Arguments the brain produces are
validated against the same types before the function runs; sync functions run in a thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ..brain.base import ToolSpec

DEFAULT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class ToolContext:
    """Who is calling. A tool that declares a parameter of this type gets it injected (it is not
    part of the schema the agent sees), e.g. to keep per-session state."""

    session_id: str
    conversation_id: str


class ToolError(Exception):
    """A tool could not produce a result; the message is safe to show the agent (and the user)."""


@dataclass(frozen=True)
class ServerTool:
    """A registered function and what the agent is told about it."""

    name: str
    description: str
    parameters: dict[str, Any]
    function: Callable[..., Any]
    arguments_model: type[BaseModel] | None
    """Validates arguments before the call; None when the tool validates its own (MCP)."""
    timeout_s: float = DEFAULT_TIMEOUT_S
    filler: str | None = None
    """What the agent says if the call is slow (None: the registry's default)."""
    context_parameter: str | None = None
    """The parameter that receives the `ToolContext`, if the function has one."""

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(self.name, self.description, self.parameters)


@dataclass
class ToolRegistry:
    """Named server tools. `register` works as a decorator, with or without arguments."""

    tools: dict[str, ServerTool] = field(default_factory=dict)
    vocabulary: Callable[[], list[str]] | None = None
    """The names of the things the tools hold (task titles), for speech recognition to listen for
    and the built-in brain to check names against. Called in a worker thread, so it may read a
    database."""

    def register(
        self,
        function: Callable[..., Any] | None = None,
        *,
        name: str | None = None,
        description: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        filler: str | None = None,
    ) -> Any:
        def add(func: Callable[..., Any]) -> Callable[..., Any]:
            self.add(build_tool(func, name=name, description=description, timeout_s=timeout_s, filler=filler))
            return func

        return add(function) if function is not None else add

    def add(self, tool: ServerTool) -> None:
        """Register an already described tool (e.g. one an MCP server offers)."""
        self.tools[tool.name] = tool

    def specs(self) -> list[ToolSpec]:
        return [tool.spec for tool in self.tools.values()]

    def __contains__(self, name: object) -> bool:
        return name in self.tools

    async def call(self, name: str, arguments: str, context: ToolContext | None = None) -> str:
        """Run a tool with JSON `arguments`; the result as JSON text. Raises `ToolError`."""
        tool = self.tools.get(name)
        if tool is None:
            raise ToolError(f"there is no tool called {name}")
        try:
            kwargs = json.loads(arguments or "{}")
            if not isinstance(kwargs, dict):
                raise ValueError("arguments must be a JSON object")
            if tool.arguments_model is not None:
                values = tool.arguments_model.model_validate(kwargs)
                kwargs = {key: getattr(values, key) for key in type(values).model_fields}
        except (ValueError, ValidationError) as exc:
            raise ToolError(f"invalid arguments for {name}: {_first_error(exc)}") from exc
        if tool.context_parameter is not None:
            if context is None:
                raise ToolError(f"{name} needs a session context")
            kwargs[tool.context_parameter] = context
        try:
            if inspect.iscoroutinefunction(tool.function):
                result = await asyncio.wait_for(tool.function(**kwargs), tool.timeout_s)
            else:
                result = await asyncio.wait_for(asyncio.to_thread(tool.function, **kwargs), tool.timeout_s)
        except TimeoutError as exc:
            raise ToolError(f"{name} took longer than {tool.timeout_s:g} seconds") from exc
        except ToolError:
            raise
        except Exception as exc:
            raise ToolError(f"{name} failed: {exc}") from exc
        return json.dumps(result, default=_jsonable)


def build_tool(
    function: Callable[..., Any],
    *,
    name: str | None = None,
    description: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    filler: str | None = None,
) -> ServerTool:
    """Describe `function` as a tool: JSON schema from type hints, text from the docstring."""
    summary, arg_docs = parse_docstring(inspect.getdoc(function) or "")
    hints = get_type_hints(function, include_extras=True)
    fields: dict[str, Any] = {}
    context_parameter = None
    for param in inspect.signature(function).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        annotation = hints.get(param.name, Any)
        if annotation is ToolContext:
            context_parameter = param.name
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (annotation, default)
    model = create_model(f"{function.__name__}_arguments", __config__=ConfigDict(extra="forbid"), **fields)
    schema = _inline_refs(model.model_json_schema())
    schema.pop("title", None)
    for pname, prop in schema.get("properties", {}).items():
        prop.pop("title", None)
        if pname in arg_docs and "description" not in prop:
            prop["description"] = arg_docs[pname]
    schema.setdefault("properties", {})
    schema["type"] = "object"
    return ServerTool(
        name=name or function.__name__,
        description=description or summary,
        parameters=schema,
        function=function,
        arguments_model=model,
        timeout_s=timeout_s,
        filler=filler,
        context_parameter=context_parameter,
    )


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A flatter schema that brains (and many LLM servers) read more reliably: `$ref`s replaced by
    their definitions (an enum's choices in place), and `Optional[X] = None` stated as plain X."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            options = node.get("anyOf")
            if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
                # Optional[X] = None: the parameter is optional already; say just X.
                kept = next(o for o in options if o != {"type": "null"})
                node = {**kept, **{k: v for k, v in node.items() if k not in ("anyOf", "default")}}
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                target = {k: v for k, v in definitions[ref.removeprefix("#/$defs/")].items() if k != "title"}
                return resolve({**target, **{k: v for k, v in node.items() if k != "$ref"}})
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """The summary paragraph and the `Args:` descriptions of a Google-style docstring."""
    summary = doc.split("\n\n", 1)[0].replace("\n", " ").strip()
    args: dict[str, str] = {}
    section = re.search(r"^(?:Args|Arguments|Parameters):\s*\n((?:[ \t]+.+\n?)+)", doc, re.MULTILINE)
    if section:
        current = None
        for line in section.group(1).splitlines():
            match = re.match(r"\s+(\w+)(?:\s*\([^)]*\))?:\s*(.*)", line)
            if match and (current is None or len(line) - len(line.lstrip()) <= 8):
                current = match.group(1)
                args[current] = match.group(2).strip()
            elif current:
                args[current] += " " + line.strip()
    return summary, args


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "arguments"
        return f"{where}: {error['msg']}"
    return str(exc)


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)
