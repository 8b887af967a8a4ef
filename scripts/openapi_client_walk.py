"""Generates a Python client from the OpenAPI document a running Hovor server serves, and calls every
operation in it through that client against the real server (a fresh SQLite database with the demo
contact center).

What it proves: the document is complete enough for a standard generator (openapi-python-client),
every route can be called through the generated functions, every answer's status is one the document
lists for that operation (the generated client raises on any other), and every answer's body decodes
into the documented schema (an ErrorBody for every error).

Arguments are built from the document itself: path parameters from real ids where the demo has them,
request bodies and required query parameters from their schemas (the smallest value that is valid by
type). Many calls are therefore refused (404, 409, 422), which is the point: refusals must be
documented as well as successes.

Usage: python openapi_client_walk.py SERVER_BINARY WORK_DIR
Prints one line per operation and `client: N operations, K answered 2xx, M problems`; exits 1 on any problem.
"""

from __future__ import annotations

import importlib
import inspect
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import httpx

INBOUND_TOKEN = "openapi-walk-token"
PASSWORD = "hovor-demo"
RAW_EMAIL = (
    b"From: Walk Tester <walk@customer.example>\r\n"
    b"To: billing@hovor.example\r\n"
    b"Subject: Invoice question\r\n"
    b"Message-ID: <walk-1@customer.example>\r\n"
    b"\r\n"
    b"Where is my invoice?\r\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary: str, work: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(work, "server.log"), "wb")
    server = subprocess.Popen(
        [
            binary,
            "--listen", f"127.0.0.1:{port}",
            "--database", f"sqlite://{os.path.join(work, 'walk.db')}",
            "--demo",
            "--inbound-email-token", INBOUND_TOKEN,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # The demo fill takes a while on a busy machine: wait for the server's answer, not a fixed time.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"client: the server exited with {server.returncode}; see {work}/server.log")
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=2) as answer:
                if answer.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("client: the server did not answer /api/health within 300 s")


def generate_client(doc_path: str, work: str):
    package = os.path.join(work, "hovor_client")
    shutil.rmtree(package, ignore_errors=True)
    config = os.path.join(work, "generator.json")
    with open(config, "w") as f:
        # The inbound email body is raw RFC 5322; the generator sends such bodies as bytes.
        json.dump({"content_type_overrides": {"message/rfc822": "application/octet-stream"}, "post_hooks": []}, f)
    generator = os.path.join(os.path.dirname(sys.executable), "openapi-python-client")
    result = subprocess.run(
        [generator, "generate", "--path", doc_path, "--output-path", package, "--meta", "none", "--config", config],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not os.path.isdir(os.path.join(package, "api")):
        sys.exit(f"client: generation failed:\n{result.stdout}\n{result.stderr}")
    if "will not be generated" in result.stdout:
        sys.exit(f"client: the generator skipped operations:\n{result.stdout}")
    sys.path.insert(0, work)
    package = importlib.import_module("hovor_client")
    for part in ("models", "types", "errors"):
        importlib.import_module(f"hovor_client.{part}")
    return package


class Samples:
    """The smallest values valid by type for the document's schemas."""

    def __init__(self, doc: dict):
        self.schemas = doc.get("components", {}).get("schemas", {})

    def value(self, schema: dict, depth: int = 0):
        if depth > 12:
            return None
        if "$ref" in schema:
            return self.value(self.schemas[schema["$ref"].split("/")[-1]], depth + 1)
        if "enum" in schema:
            return schema["enum"][0]
        if "const" in schema:
            return schema["const"]
        for key in ("oneOf", "anyOf"):
            if key in schema:
                choices = [c for c in schema[key] if c.get("type") != "null"]
                return self.value(choices[0], depth + 1) if choices else None
        if "allOf" in schema:
            merged: dict = {}
            for part in schema["allOf"]:
                part_value = self.value(part, depth + 1)
                if isinstance(part_value, dict):
                    merged.update(part_value)
            return merged
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "object" or (kind is None and "properties" in schema):
            properties = schema.get("properties", {})
            return {name: self.value(properties.get(name, {}), depth + 1) for name in schema.get("required", [])}
        if kind == "array":
            return [self.value(schema.get("items", {}), depth + 1) for _ in range(schema.get("minItems", 0))]
        if kind == "string":
            if schema.get("format") == "date-time":
                return "2026-01-01T00:00:00Z"
            if schema.get("format") == "date":
                return "2026-01-01"
            return "x" * max(1, schema.get("minLength", 1))
        if kind == "integer":
            return max(1, schema.get("minimum", 1))
        if kind == "number":
            return max(1.0, schema.get("minimum", 1.0))
        if kind == "boolean":
            return False
        return None


class Walk:
    def __init__(self, doc: dict, client_package, base: str):
        self.doc = doc
        self.pkg = client_package
        self.base = base
        self.samples = Samples(doc)
        self.problems: list[str] = []
        self.statuses: dict[str, int] = {}
        self.called = 0
        self.succeeded = 0
        # A connection per call: a refusal answered before its body arrived ends the connection
        # (the body is not read), and a pooled connection reused at that moment would fail the walk
        # for no fault of the answer.
        fresh = {"limits": httpx.Limits(max_keepalive_connections=0)}

        def make(**kwargs):
            return client_package.Client(httpx_args=fresh, **kwargs)

        self.agent = make(base_url=base, raise_on_unexpected_status=True, timeout=30.0)
        self.admin = make(base_url=base, raise_on_unexpected_status=True, timeout=30.0)
        self.customer = make(base_url=base, raise_on_unexpected_status=True, timeout=30.0)
        self.public = make(base_url=base, raise_on_unexpected_status=True, timeout=30.0)
        self.gateway = client_package.AuthenticatedClient(
            base_url=base, token=INBOUND_TOKEN, raise_on_unexpected_status=True, timeout=30.0, httpx_args=fresh
        )
        self.ids: dict[str, object] = {}

    def module(self, operation: dict):
        tag = operation["tags"][0]
        return importlib.import_module(f"hovor_client.api.{tag}.{operation['operationId']}")

    def operations(self):
        for path, item in self.doc["paths"].items():
            for method, operation in item.items():
                if method in ("get", "put", "post", "delete", "patch"):
                    yield path, method, operation

    def find(self, operation_id: str):
        for path, method, operation in self.operations():
            if operation["operationId"] == operation_id:
                return path, method, operation
        raise SystemExit(f"client: the document has no operation {operation_id}")

    def client_for(self, path: str, operation: dict):
        # An operation without its own `security` has the document's.
        requirements = operation.get("security", self.doc.get("security", []))
        schemes = [name for requirement in requirements for name in requirement]
        if "gateway" in schemes:
            return self.gateway
        if "chat" in schemes:
            return self.customer
        if "session" in schemes:
            return self.admin if path.startswith("/api/admin/") else self.agent
        return self.public

    def path_value(self, path: str, name: str, schema: dict):
        resource = path.removeprefix("/api/").split("/")[0]
        if name == "id" and resource in self.ids:
            return self.ids[resource]
        return self.samples.value(schema)

    def arguments(self, path: str, operation: dict, function) -> dict:
        wanted = inspect.signature(function).parameters
        args: dict = {}
        for parameter in operation.get("parameters", []):
            name = parameter["name"].replace("-", "_").lower()
            if name not in wanted:
                continue
            if parameter["in"] == "path":
                args[name] = self.path_value(path, parameter["name"], parameter.get("schema", {}))
            elif parameter.get("required"):
                args[name] = self.samples.value(parameter.get("schema", {}))
        if "body" in wanted:
            content = operation["requestBody"]["content"]
            media, body = next(iter(content.items()))
            if media == "application/json":
                ref = body["schema"].get("$ref")
                sample = self.samples.value(body["schema"])
                args["body"] = self.model_of(ref.split("/")[-1], sample) if ref else sample
            else:
                args["body"] = self.pkg.types.File(payload=io.BytesIO(RAW_EMAIL), mime_type=media)
        return args

    def model_of(self, name: str, sample):
        """The generated model for a sample of schema `name`. A oneOf (a tagged enum such as
        CallCommand) has one model per variant, `<name>Type<n>`: the one the sample decodes into."""
        model = getattr(self.pkg.models, name, None)
        if model is not None:
            return model.from_dict(sample)
        variants = sorted(n for n in dir(self.pkg.models) if re.fullmatch(rf"{name}Type\d+", n))
        for variant in variants:
            try:
                return getattr(self.pkg.models, variant).from_dict(sample)
            except (KeyError, TypeError, ValueError):
                continue
        raise AttributeError(f"no generated model decodes a sample of {name}")

    def call(self, path: str, method: str, operation: dict, client=None, **override):
        self.called += 1
        where = f"{method.upper()} {path} ({operation['operationId']})"
        documented = set(operation["responses"].keys())
        client = client or self.client_for(path, operation)
        if "text/event-stream" in json.dumps(operation["responses"].get("200", {})):
            return self.call_stream(where, path, client, documented)
        module = self.module(operation)
        try:
            args = self.arguments(path, operation, module.sync_detailed)
            args.update(override)
            response = module.sync_detailed(client=client, **args)
        except self.pkg.errors.UnexpectedStatus as e:
            self.problem(where, f"answered {e.status_code}, not documented: {e.content[:200]!r}")
            return None
        except (KeyError, TypeError, ValueError) as e:
            self.problem(where, f"an answer that does not decode into the documented schema: {e!r}")
            return None
        status = int(response.status_code)
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
        if status >= 400:
            if type(response.parsed).__name__ != "ErrorBody":
                self.problem(where, f"{status} without an ErrorBody: {response.content[:200]!r}")
        elif 200 <= status < 300:
            self.succeeded += 1
            if response.content and response.parsed is None:
                self.problem(where, f"{status} with a body the document does not describe")
        print(f"  {status} {where}")
        return response

    def call_stream(self, where: str, path: str, client, documented: set[str]):
        http = client.get_httpx_client()
        with http.stream("GET", path, timeout=10.0) as answer:
            status = answer.status_code
            kind = answer.headers.get("content-type", "")
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
        if str(status) not in documented:
            self.problem(where, f"answered {status}, not documented")
        elif status == 200:
            self.succeeded += 1
            if not kind.startswith("text/event-stream"):
                self.problem(where, f"200 as {kind}, not text/event-stream")
        print(f"  {status} {where}")
        return None

    def problem(self, where: str, what: str):
        self.problems.append(f"{where}: {what}")
        print(f"  PROBLEM {where}: {what}")

    def sign_in(self, client, username: str):
        path, method, operation = self.find("session_sign_in")
        body = self.pkg.models.SignInRequest(username=username, password=PASSWORD)
        response = self.call(path, method, operation, client=client, body=body)
        if response is None or response.status_code != 200:
            raise SystemExit(f"client: {username} could not sign in")

    def run(self) -> int:
        first = {"session_sign_in", "chat_start", "session_sign_out"}
        self.sign_in(self.agent, "agent1")
        self.sign_in(self.admin, "admin")
        tasks = self.call(*self.find("conversations_tasks"))
        if tasks is not None and tasks.parsed:
            self.ids["conversations"] = tasks.parsed[0].id
        # A customer starts a chat the way the chat page does: the queue's survey first, then the start
        # with every required question answered, so that the customer's routes are called with a cookie.
        queue = 1
        setup = self.call(*self.find("chat_setup"), id=queue)
        answers = []
        if setup is not None and setup.status_code == 200:
            for question in setup.parsed.survey:
                if question.required:
                    answers.append({"question_id": question.id, "answer": (question.options or ["Walk"])[0]})
        start_body = self.pkg.models.StartChat.from_dict({"name": "Walk Tester", "answers": answers})
        started = self.call(*self.find("chat_start"), client=self.customer, id=queue, body=start_body)
        if started is None or started.status_code != 201:
            self.problem("walk", "the customer could not start a chat; the chat routes would only be refused")
        for path, method, operation in self.operations():
            if operation["operationId"] not in first:
                self.call(path, method, operation)
        self.sign_out_both()
        return self.report()

    def sign_out_both(self):
        path, method, operation = self.find("session_sign_out")
        self.call(path, method, operation, client=self.agent)
        self.call(path, method, operation, client=self.admin)

    def report(self) -> int:
        total = sum(1 for _ in self.operations())
        # The second sign-in, the second sign-out, the task list and the chat's setup come twice.
        expected_calls = total + 4
        if self.called < expected_calls:
            self.problem("walk", f"called {self.called} of {expected_calls} planned operations")
        counts = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        print(f"client: {total} operations, {self.called} calls ({counts}), {self.succeeded} answered 2xx, "
              f"{len(self.problems)} problems")
        for problem in self.problems:
            print(f"  {problem}")
        return 1 if self.problems else 0


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    binary, work = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(work, exist_ok=True)
    for stale in ("walk.db", "walk.db-wal", "walk.db-shm"):
        if os.path.exists(os.path.join(work, stale)):
            os.remove(os.path.join(work, stale))
    server, base = start_server(binary, work)
    try:
        doc_path = os.path.join(work, "served-openapi.json")
        with urllib.request.urlopen(f"{base}/api/openapi.json", timeout=30) as answer:
            doc = json.load(answer)
        with open(doc_path, "w") as f:
            json.dump(doc, f)
        package = generate_client(doc_path, work)
        return Walk(doc, package, base).run()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
