"""The OpenAPI document read for people (``/api/docs``): its operations grouped by tag, each
with its parameters, request body fields and responses, and the schemas they name, with
each type written out in words ("array of Job", "string or null", "one of a, b")."""

import json
import re
from dataclasses import dataclass, field

METHODS = ("get", "post", "put", "patch", "delete")
SCHEMA_REF = re.compile(r'"#/components/(?:schemas|responses)/([^"]+)"')


@dataclass
class Row:
    """A parameter or a field: its name, where it goes (parameters only), its type in words,
    the schema it names (a link), whether it is required, what it is."""

    name: str
    type: str
    description: str = ""
    required: bool = False
    where: str = ""
    schema: str | None = None


@dataclass
class Answer:
    status: str
    description: str
    content_type: str | None = None
    type: str = ""
    schema: str | None = None
    headers: list[Row] = field(default_factory=list)


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    token: str | None  # "required", "optional" or None
    parameters: list[Row]
    body_type: str | None
    body: list[Row]
    answers: list[Answer]

    @property
    def anchor(self) -> str:
        cleaned = "".join(c if c.isalnum() else "-" for c in self.path.lower())
        return f"{self.method.lower()}{cleaned}".rstrip("-")


@dataclass
class Tag:
    name: str
    title: str
    description: str
    operations: list[Operation]


@dataclass
class Schema:
    name: str
    description: str
    fields: list[Row]


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict) -> tuple[str, str | None]:
    """A JSON schema's type in words, and the component schema it names (if any)."""
    if not schema:
        return "any", None
    if "$ref" in schema:
        return _name(schema["$ref"]), _name(schema["$ref"])
    kind = schema.get("type", "object")
    kinds = kind if isinstance(kind, list) else [kind]
    named = None
    words = []
    for one in kinds:
        if one == "array":
            inner, named = type_of(schema.get("items", {}))
            words.append(f"array of {inner}")
        elif one != "null":
            words.append(one + (f" ({schema['format']})" if "format" in schema else ""))
    if "null" in kinds:
        words.append("null")
    text = " or ".join(words) or "null"
    if "enum" in schema:
        text += ": one of " + ", ".join(str(value) for value in schema["enum"])
    elif "items" in schema and "enum" in schema["items"]:
        text += ": each one of " + ", ".join(str(value) for value in schema["items"]["enum"])
    if "minimum" in schema and "maximum" in schema:
        text += f", {schema['minimum']} to {schema['maximum']}"
    if "default" in schema and schema["default"] is not None:
        text += f", default {schema['default']}"
    return text, named


def fields_of(schema: dict, document: dict) -> list[Row]:
    """The properties of an object schema (a reference is followed)."""
    if "$ref" in schema:
        schema = resolve(document, schema["$ref"])
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        kind, named = type_of(prop)
        rows.append(
            Row(
                name=name,
                type=kind,
                description=prop.get("description", ""),
                required=name in required,
                schema=named,
            )
        )
    return rows


def resolve(document: dict, ref: str) -> dict:
    found = document
    for part in ref.removeprefix("#/").split("/"):
        found = found.get(part, {})
    return found


def _token(operation: dict) -> str | None:
    security = operation.get("security")
    if not security:
        return None
    return "optional" if {} in security else "required"


def _parameters(path_item: dict, operation: dict) -> list[Row]:
    rows = []
    for parameter in [*path_item.get("parameters", []), *operation.get("parameters", [])]:
        kind, named = type_of(parameter.get("schema", {}))
        rows.append(
            Row(
                name=parameter["name"],
                where=parameter["in"],
                type=kind,
                description=parameter.get("description", ""),
                required=parameter.get("required", False),
                schema=named,
            )
        )
    return rows


def _answers(operation: dict, document: dict) -> list[Answer]:
    found = []
    for status, answer in sorted(operation.get("responses", {}).items()):
        if "$ref" in answer:
            answer = resolve(document, answer["$ref"])
        content = answer.get("content", {})
        content_type = next(iter(content), None)
        kind, named = type_of(content[content_type].get("schema", {})) if content else ("", None)
        headers = [
            Row(
                name=name,
                type=type_of(header.get("schema", {}))[0],
                description=header.get("description", ""),
            )
            for name, header in answer.get("headers", {}).items()
        ]
        found.append(
            Answer(
                status=status,
                description=answer.get("description", ""),
                content_type=content_type,
                type=kind,
                schema=named,
                headers=headers,
            )
        )
    return found


def _operation(path: str, method: str, path_item: dict, document: dict) -> Operation:
    operation = path_item[method]
    body_type, body = None, []
    content = operation.get("requestBody", {}).get("content", {})
    if content:
        content_type, media = next(iter(content.items()))
        schema = media.get("schema", {})
        body_type = f"{content_type}: {type_of(schema)[0]}"
        body = fields_of(schema, document)
    return Operation(
        method=method.upper(),
        path=path,
        summary=operation.get("summary", ""),
        description=operation.get("description", ""),
        token=_token(operation),
        parameters=_parameters(path_item, operation),
        body_type=body_type,
        body=body,
        answers=_answers(operation, document),
    )


def tags(document: dict) -> list[Tag]:
    """The operations, grouped by their first tag, in the document's tag order."""
    declared = {tag["name"]: tag.get("description", "") for tag in document.get("tags", [])}
    grouped: dict[str, list[Operation]] = {name: [] for name in declared}
    for path, path_item in document.get("paths", {}).items():
        for method in METHODS:
            if method in path_item:
                operation = _operation(path, method, path_item, document)
                tag = (path_item[method].get("tags") or ["other"])[0]
                grouped.setdefault(tag, []).append(operation)
    return [
        Tag(
            name=name,
            title=name.replace("_", " ").capitalize(),
            description=declared.get(name, ""),
            operations=operations,
        )
        for name, operations in grouped.items()
        if operations
    ]


def _referenced(document: dict) -> set[str]:
    """The component schemas the operations name, directly or through other schemas."""
    components = document.get("components", {})
    found: set[str] = set()
    todo = SCHEMA_REF.findall(json.dumps(document.get("paths", {})))
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        for kind in ("schemas", "responses"):
            if name in components.get(kind, {}):
                todo.extend(SCHEMA_REF.findall(json.dumps(components[kind][name])))
    return found


def schemas(document: dict) -> list[Schema]:
    """The component schemas the operations use, by name."""
    used = _referenced(document)
    return [
        Schema(
            name=name,
            description=schema.get("description", ""),
            fields=fields_of(schema, document),
        )
        for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
        if name in used
    ]
