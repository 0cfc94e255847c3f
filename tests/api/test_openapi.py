"""The OpenAPI document is complete: every operation has a summary, tags, documented problem
responses, and an example for its request body or its response."""

from __future__ import annotations

from typing import Any

from uprflow.api.app import create_app

#: Operations routes that take no token (probes and load balancers call them).
UNAUTHENTICATED = ("/health", "/livez", "/readyz")


def _has_example(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> bool:
    if depth > 6 or not isinstance(schema, dict):
        return False
    if "example" in schema or "examples" in schema:
        return True
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _has_example(components.get(name, {}), components, depth + 1)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict) and _has_example(schema[key], components, depth + 1):
            return True
    props = schema.get("properties", {})
    if any(_has_example(s, components, depth + 1) for s in props.values()):
        return True
    for key in ("allOf", "anyOf", "oneOf"):
        if any(_has_example(s, components, depth + 1) for s in schema.get(key, [])):
            return True
    return False


def test_every_operation_is_documented() -> None:
    doc = create_app().openapi()
    components = doc.get("components", {}).get("schemas", {})
    missing: list[str] = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            where = f"{method.upper()} {path}"
            if not op.get("summary"):
                missing.append(f"{where}: summary")
            if not op.get("tags"):
                missing.append(f"{where}: tags")
            body = op.get("requestBody", {}).get("content", {})
            ok_responses = {
                code: r for code, r in op.get("responses", {}).items() if code.startswith("2")
            }
            schemas = [c.get("schema", {}) for c in body.values()] + [
                c.get("schema", {})
                for r in ok_responses.values()
                for c in r.get("content", {}).values()
            ]
            examples = [c for c in body.values() if "example" in c or "examples" in c] + [
                c
                for r in ok_responses.values()
                for c in r.get("content", {}).values()
                if "example" in c or "examples" in c
            ]
            if (
                path != "/health"
                and not examples
                and not any(_has_example(s, components) for s in schemas)
            ):
                missing.append(f"{where}: example")
            if (
                path not in UNAUTHENTICATED
                and not path.startswith("/public")
                and not any(code in op.get("responses", {}) for code in ("401", "403"))
            ):
                missing.append(f"{where}: 401/403 documented")
    assert missing == [], "\n".join(missing)
