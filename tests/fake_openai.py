"""A fake OpenAI-compatible server for tests: answers deterministically, fails on demand, counts what it saw.

    with FakeOpenAI(fail_first=2) as server:
        sampler = EndpointSampler(server.url, server.model, backoff=0.01)

Serves GET /v1/models, POST /v1/chat/completions and POST /v1/completions in the shape vLLM and llama.cpp
answer (`choices[0].message.content` / `choices[0].text`, `finish_reason`, `usage.completion_tokens`; errors
as `{"error": {"message", "type", "code"}}`). Failure knobs apply to completion requests only, in this order:
the first `rate_limit_first` get 429 (Retry-After: 0), the next `fail_first` get 500, the next `garbage_first`
get a 200 with a body that is not JSON. After `die_after` successful answers the server stops: requests
already in it get their connection dropped and later connections are refused.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


def default_answer(payload: dict) -> str:
    return f"answer {payload.get('seed')}"


class FakeOpenAI:
    def __init__(self, *, model: str = "fake-model", answer: Callable[[dict], str] = default_answer,
                 fail_first: int = 0, rate_limit_first: int = 0, garbage_first: int = 0,
                 die_after: int | None = None, delay: float = 0.0, require_key: str | None = None,
                 serve_models: bool = True, any_model: bool = False, max_tokens_limit: int | None = None,
                 reasoning: str | None = None):
        self.model, self.answer, self.delay = model, answer, delay
        self.fail_first, self.rate_limit_first, self.garbage_first = fail_first, rate_limit_first, garbage_first
        self.die_after, self.require_key, self.serve_models = die_after, require_key, serve_models
        self.any_model = any_model                 # accept any model name, like llama.cpp with one model loaded
        self.max_tokens_limit = max_tokens_limit   # answer 400 when a request asks for more, like vLLM
        self.reasoning = reasoning                 # when set, chat answers also carry reasoning fields
        # counters (read them after the run)
        self.requests = 0          # every HTTP request received, /models included
        self.completions = 0       # completion requests received (chat or text)
        self.answered = 0          # successful completion answers
        self.statuses: Counter = Counter()   # HTTP status -> how many times it was sent
        self.payloads: list[dict] = []       # JSON bodies of completion requests, in arrival order
        self.auth_headers: list[str | None] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.dead = False
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"   # a base without /v1; the sampler appends it
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)
        self._closed = False

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._server.shutdown()
        self._server.server_close()

    def _die(self) -> None:
        threading.Thread(target=self.close, daemon=True).start()

    # ---- deciding the answer -------------------------------------------------------------------------

    def _completion(self, path: str, payload: dict) -> tuple[int, object]:
        with self._lock:
            k = self.completions
            self.completions += 1
            self.payloads.append(payload)
        if k < self.rate_limit_first:
            return 429, _error("rate limited", "rate_limit_error", 429)
        k -= self.rate_limit_first
        if k < self.fail_first:
            return 500, _error("internal error", "InternalServerError", 500)
        k -= self.fail_first
        if k < self.garbage_first:
            return 200, b"<html>bad gateway</html>"
        if payload.get("model") != self.model and not self.any_model:
            return 404, _error(f"The model `{payload.get('model')}` does not exist.", "NotFoundError", 404)
        if self.max_tokens_limit is not None and int(payload.get("max_tokens") or 0) > self.max_tokens_limit:
            return 400, _error(f"max_tokens must be at most {self.max_tokens_limit}", "BadRequestError", 400)
        text = self.answer(payload)
        tokens = len(text.split())
        usage = {"prompt_tokens": 3, "completion_tokens": tokens, "total_tokens": 3 + tokens}
        if path.endswith("/chat/completions"):
            message = {"role": "assistant", "content": text, "tool_calls": []}
            if self.reasoning is not None:
                message.update(reasoning=self.reasoning, reasoning_content=self.reasoning)
            choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}
            kind = "chat.completion"
        else:
            choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": "stop"}
            kind = "text_completion"
        return 200, {"id": f"cmpl-{k}", "object": kind, "created": int(time.time()), "model": self.model,
                     "choices": [choice], "usage": usage}

    def _models(self) -> tuple[int, object]:
        if not self.serve_models:
            return 404, _error("Not Found", "NotFoundError", 404)
        return 200, {"object": "list", "data": [{"id": self.model, "object": "model", "created": 0,
                                                  "owned_by": "fake", "root": self.model, "parent": None}]}


def _error(message: str, kind: str, code: int) -> dict:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _handler_for(fake: FakeOpenAI):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):   # keep test output clean
            pass

        def _send(self, status: int, body: object) -> None:
            with fake._lock:
                if status == 200 and not isinstance(body, bytes) and "choices" in body:
                    if fake.dead:    # died while this request waited: drop it like a crashed server
                        self.close_connection = True
                        return
                    fake.answered += 1
                    if fake.die_after is not None and fake.answered >= fake.die_after:
                        fake.dead = True
                        fake._die()
                fake.statuses[status] += 1
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(data)

        def _authorized(self) -> bool:
            header = self.headers.get("Authorization")
            with fake._lock:
                fake.requests += 1
                fake.auth_headers.append(header)
            if fake.require_key is None or header == f"Bearer {fake.require_key}":
                return True
            self._send(401, _error("Invalid API key", "authentication_error", 401))
            return False

        def do_GET(self):
            if not self._authorized():
                return
            if fake.dead:
                self.close_connection = True
                return
            self._send(*(fake._models() if self.path == "/v1/models" else (404, _error("Not Found", "x", 404))))

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not self._authorized():
                return
            if fake.dead:
                self.close_connection = True
                return
            if self.path not in ("/v1/chat/completions", "/v1/completions"):
                self._send(404, _error("Not Found", "NotFoundError", 404))
                return
            with fake._lock:
                fake.in_flight += 1
                fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
            try:
                if fake.delay:
                    time.sleep(fake.delay)
                try:
                    payload = json.loads(body)
                except ValueError:
                    self._send(400, _error("body is not JSON", "BadRequestError", 400))
                    return
                self._send(*fake._completion(self.path, payload))
            finally:
                with fake._lock:
                    fake.in_flight -= 1

    return Handler
