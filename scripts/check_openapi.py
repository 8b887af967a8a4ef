#!/usr/bin/env python3
"""Checks Hovor's OpenAPI document: the standard validator first, then the house rules.

The standard: openapi-spec-validator (pinned in scripts/openapi-requirements.txt), against the
OpenAPI 3.1 schema whatever version the document claims. Every schema error is listed; its
semantic checks (unique operationIds, path parameters that resolve, ...) run on a document that
passes the schema, since they assume one.

The house rules, which the standard leaves open:
- every operation has an operationId, and no two share one;
- every response object has a non-empty description;
- every parameter says where it goes (`in`), one of query, path, header, cookie; a parameter
  `in: path` names a {placeholder} of its path (so a query string parameter is declared
  `in: query`), and no operation lists the same name and place twice;
- every operation has an explicit `security` or inherits the document's global one, and every
  security requirement names a scheme of components.securitySchemes.

Prints each problem as `openapi: WHERE: WHAT` (the standard validator's as
`openapi: [OpenAPI 3.1] AT: MESSAGE`), then `openapi: N operations, M errors`; exits 1 when M > 0.
Run by scripts/check-openapi.sh, with the virtualenv that holds the validator.
"""

import argparse
import json
import re
import sys
from pathlib import Path

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
LOCATIONS = ("query", "path", "header", "cookie")
UNRESOLVED = object()
# Keys whose values are data, not OpenAPI objects: a "$ref" inside them is no reference...
LITERALS = ("example", "value", "default", "const", "enum")
# ...unless they are names, the keys of these maps (a schema's property called "value", say).
NAME_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas", "paths", "webhooks", "schemas",
             "responses", "parameters", "examples", "requestBodies", "headers", "securitySchemes", "links",
             "callbacks", "pathItems", "content", "encoding", "variables")


class Checker:
    def __init__(self, doc):
        self.doc = doc
        self.problems = []
        self.operations = 0

    def problem(self, where, what):
        self.problems.append(f"{where}: {what}")

    def resolve(self, node):
        """Follows local `$ref`s ("#/..."); UNRESOLVED when one leads nowhere or in a circle."""
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
                return UNRESOLVED
            seen.add(ref)
            target = self.doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if isinstance(target, dict) and part in target:
                    target = target[part]
                elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                    target = target[int(part)]
                else:
                    return UNRESOLVED
            node = target
        return node

    def check(self):
        doc = self.doc
        if not isinstance(doc, dict):
            self.problem("document", "is not a JSON object")
            return
        components = doc.get("components") if isinstance(doc.get("components"), dict) else {}
        schemes = components.get("securitySchemes")
        self.schemes = set(schemes) if isinstance(schemes, dict) else set()
        global_security = doc.get("security")
        if "security" in doc:
            self.check_security("global security", global_security)

        for name, response in dict_items(components.get("responses")):
            self.check_response(f"components/responses/{name}", response)
        for name, parameter in dict_items(components.get("parameters")):
            self.check_parameter(f"components/parameters/{name}", parameter, path=None)

        self.check_refs(doc, "$")

        operation_ids = {}
        for section, label in (("paths", "{}"), ("webhooks", "webhook {}")):
            for path, item in dict_items(doc.get(section)):
                where_path = label.format(path)
                item = self.resolve(item)
                if not isinstance(item, dict):  # UNRESOLVED: reported by check_refs
                    continue
                shared = item.get("parameters") if isinstance(item.get("parameters"), list) else []
                template = path if section == "paths" else None
                self.check_parameter_list(f"{where_path} (all methods)", shared, template)
                for method in METHODS:
                    operation = item.get(method)
                    if not isinstance(operation, dict):
                        continue
                    self.operations += 1
                    where = f"{where_path} {method.upper()}"
                    self.check_operation(where, operation, shared, template, global_security)
                    operation_id = operation.get("operationId")
                    if isinstance(operation_id, str) and operation_id.strip():
                        operation_ids.setdefault(operation_id, []).append(where)
                    else:
                        self.problem(where, "has no operationId")
        for operation_id, wheres in operation_ids.items():
            for where in wheres[1:]:
                self.problem(where, f"operationId '{operation_id}' is already used by {wheres[0]}")

    def check_refs(self, node, at, names=False):
        """Every $ref points into this document, at something that is there."""
        if isinstance(node, dict):
            ref = None if names else node.get("$ref")
            if isinstance(ref, str):
                if not ref.startswith("#"):
                    self.problem(at, f"$ref {ref!r} points outside the document")
                elif ref != "#" and self.resolve({"$ref": ref}) is UNRESOLVED:
                    self.problem(at, f"$ref {ref!r} leads nowhere")
            for key, value in node.items():
                if names or key not in LITERALS:
                    where = f"{at}.{key}" if re.fullmatch(r"[A-Za-z_]\w*", key) else f"{at}[{key!r}]"
                    self.check_refs(value, where, names=not names and key in NAME_MAPS)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                self.check_refs(value, f"{at}[{index}]")

    def check_operation(self, where, operation, shared, template, global_security):
        own = operation.get("parameters") if isinstance(operation.get("parameters"), list) else []
        self.check_parameter_list(where, own, template)
        # An operation's parameter overrides a path-level one of the same name and place.
        own_keys = {key for key in map(self.parameter_key, own) if key}
        merged = [p for p in shared if self.parameter_key(p) not in own_keys] + own
        if template is not None:
            declared = {key[0] for key in map(self.parameter_key, merged) if key and key[1] == "path"}
            for placeholder in re.findall(r"\{([^{}]+)\}", template):
                if placeholder not in declared:
                    self.problem(where, f"path placeholder {{{placeholder}}} has no parameter `in: path`")

        responses = operation.get("responses")
        if not isinstance(responses, dict) or not responses:
            self.problem(where, "has no responses")
        for status, response in dict_items(responses):
            self.check_response(f"{where} response {status}", response)

        if "security" in operation:
            self.check_security(where, operation["security"])
        elif not global_security:
            self.problem(where, "has no `security` and the document has no global one to inherit")

    def check_response(self, where, response):
        target = self.resolve(response)
        if target is UNRESOLVED:
            return  # reported by check_refs
        if not isinstance(target, dict):
            self.problem(where, "is not an object")
            return
        if isinstance(response, dict) and "$ref" in response:
            # A description beside the $ref overrides the target's; the target is checked where
            # it is declared (components/responses), so only an empty override is reported here.
            if "description" in response and not non_empty(response["description"]):
                self.problem(where, "has an empty description")
            return
        if not non_empty(target.get("description")):
            self.problem(where, "has no description" if "description" not in target else "has an empty description")

    def parameter_key(self, parameter):
        target = self.resolve(parameter)
        if isinstance(target, dict) and isinstance(target.get("name"), str):
            return (target["name"], target.get("in"))
        return None

    def check_parameter_list(self, where, parameters, template):
        seen = set()
        for parameter in parameters:
            self.check_parameter(where, parameter, template)
            key = self.parameter_key(parameter)
            if key and key[1] is not None:
                if key in seen:
                    self.problem(where, f"parameter '{key[0]}' (in: {key[1]}) is listed twice")
                seen.add(key)

    def check_parameter(self, where, parameter, path):
        target = self.resolve(parameter)
        if target is UNRESOLVED:
            return  # reported by check_refs
        if not isinstance(target, dict):
            self.problem(where, "a parameter is not an object")
            return
        if isinstance(parameter, dict) and "$ref" in parameter:
            return  # checked where it is declared (components/parameters)
        name = target.get("name")
        label = f"parameter '{name}'" if isinstance(name, str) else "a parameter without a name"
        location = target.get("in")
        if location is None:
            self.problem(where, f"{label} has no `in` (a query string parameter is `in: query`)")
        elif location not in LOCATIONS:
            self.problem(where, f"{label} has `in: {location}`, not one of {', '.join(LOCATIONS)}")
        elif location == "path" and path is not None and isinstance(name, str) and f"{{{name}}}" not in path:
            self.problem(where, f"{label} is `in: path` but the path has no {{{name}}}"
                                " (a query string parameter is `in: query`)")

    def check_security(self, where, security):
        if not isinstance(security, list):
            self.problem(where, "`security` is not a list")
            return
        for requirement in security:
            if not isinstance(requirement, dict):
                self.problem(where, "a security requirement is not an object")
                continue
            for scheme in requirement:
                if scheme not in self.schemes:
                    self.problem(where, f"security names the scheme '{scheme}', which components.securitySchemes lacks")


def dict_items(value):
    return value.items() if isinstance(value, dict) else ()


def non_empty(value):
    return isinstance(value, str) and value.strip() != ""


def shorten(text, limit=400):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def standard_errors(doc, document_path):
    """The standard validator's messages for the document, one line each."""
    from jsonschema.exceptions import best_match
    from openapi_spec_validator import OpenAPIV31SpecValidator
    from openapi_spec_validator.schemas import openapi_v31_schema_validator

    def line(error):
        at = error.json_path if getattr(error, "json_path", "$") != "$" else "document"
        message = error.message
        if error.context:  # anyOf/oneOf: the closest branch says more than the whole instance
            message = f"{shorten(message, 160)} (closest: {best_match(error.context).message})"
        return f"[OpenAPI 3.1] {at}: {shorten(message)}"

    schema_errors = sorted(openapi_v31_schema_validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if schema_errors:
        return [line(error) for error in schema_errors]
    try:
        validator = OpenAPIV31SpecValidator(doc, base_uri=Path(document_path).resolve().as_uri())
        return [line(error) for error in validator.iter_errors()]
    except Exception as error:  # the validator stopped: that is an error too
        if isinstance(getattr(error, "ref", None), str):  # referencing's Unresolvable and kin
            return [f"[OpenAPI 3.1] document: {type(error).__name__}: $ref {error.ref!r} does not resolve"]
        return [f"[OpenAPI 3.1] the validator failed: {type(error).__name__}: {shorten(error)}"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("document", help="the OpenAPI document, JSON")
    args = parser.parse_args()
    try:
        with open(args.document, encoding="utf-8") as file:
            doc = json.load(file)
    except (OSError, ValueError) as error:
        print(f"openapi: cannot read {args.document} as JSON: {error}")
        print("openapi: 0 operations, 1 errors")
        return 1
    problems = standard_errors(doc, args.document)
    checker = Checker(doc)
    checker.check()
    problems += checker.problems
    for problem in problems:
        print(f"openapi: {problem}")
    print(f"openapi: {checker.operations} operations, {len(problems)} errors")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
