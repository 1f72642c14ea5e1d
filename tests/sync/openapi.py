"""Hold fakes to the official API descriptions in ../shared/api/.

`ApiSpec.check_request` finds the operation for a method and URL (it must exist), checks the
query parameters are ones the operation defines, and validates a JSON body against the
operation's request schema; `check_response` validates what a fake answers against the
response schema. OpenAPI 3.0's `nullable` is turned into JSON Schema's `null` type.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jsonschema import Draft7Validator

from conftest import SHARED


def _nullable(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _nullable(v) for k, v in node.items()}
        if node.pop("nullable", False):
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
            if "type" in node:
                node["type"] = (
                    [node["type"], "null"]
                    if isinstance(node["type"], str)
                    else [*node["type"], "null"]
                )
            elif "oneOf" in node or "anyOf" in node or "allOf" in node or "$ref" in node:
                node = {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


class ApiSpec:
    def __init__(self, path: Path, *, base_path: str = "", spec_prefix: str = "") -> None:
        self.document = _nullable(json.loads(path.read_text()))
        self.base_path = base_path  # the part of request paths the spec's paths do not have
        self.spec_prefix = spec_prefix  # put in its place: /rest/api/2 requests, /rest/api/3 spec
        self.operations: list[tuple[str, re.Pattern[str], str, dict[str, Any]]] = []
        for template, item in self.document["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$")
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    self.operations.append((method.upper(), pattern, template, operation))

    def extend(self, path: Path) -> None:
        """Add the operations (and components) of another cut of the same upstream description."""
        other = _nullable(json.loads(path.read_text()))
        for section, entries in other.get("components", {}).items():
            self.document.setdefault("components", {}).setdefault(section, {}).update(entries)
        for template, item in other["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$")
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    self.operations.append((method.upper(), pattern, template, operation))

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def operation(self, method: str, url: str) -> tuple[str, dict[str, Any]]:
        path = urlsplit(url).path
        if self.base_path and path.startswith(self.base_path):
            path = self.spec_prefix + path[len(self.base_path) :]
        for op_method, pattern, template, operation in self.operations:
            if op_method == method.upper() and pattern.match(path):
                return template, operation
        raise AssertionError(
            f"{method} {path} is not an operation of {self.document['info']['title']!r}"
        )

    def _validate(self, schema: dict[str, Any], value: Any, what: str) -> None:
        rooted = {**schema, "components": self.document.get("components", {})}
        errors = sorted(Draft7Validator(rooted).iter_errors(value), key=lambda e: list(e.path))
        assert not errors, f"{what}: " + "; ".join(
            f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]
        )

    def check_request(self, method: str, url: str, body: bytes | str | None) -> str:
        template, operation = self.operation(method, url)
        known = set()
        for parameter in operation.get("parameters", []):
            parameter = self._resolve(parameter)
            if parameter.get("in") == "query":
                known.add(parameter["name"])
        for name, _ in parse_qsl(urlsplit(url).query):
            assert name in known, (
                f"{method} {template}: query parameter {name!r} is not in the spec"
            )
        request = operation.get("requestBody")
        if request is not None and body:
            schema = self._resolve(request)["content"]["application/json"]["schema"]
            self._validate(schema, json.loads(body), f"{method} {template} request body")
        return template

    def check_response(self, method: str, url: str, status: int, payload: Any) -> None:
        _, operation = self.operation(method, url)
        responses = operation.get("responses", {})
        response = responses.get(str(status)) or responses.get("default")
        assert response is not None, f"{method} {url}: status {status} is not documented"
        content = self._resolve(response).get("content", {}).get("application/json")
        if content and "schema" in content:
            self._validate(content["schema"], payload, f"{method} {url} {status} response")


def load_spec(name: str, **options: str) -> ApiSpec | None:
    """The description in ../shared/api/, or None where ../shared is absent (fakes then run
    unchecked; `test_fakes_are_held_to_the_spec` skips with the reason)."""
    path = SHARED / "api" / name
    return ApiSpec(path, **options) if path.exists() else None
