"""Sample prompts from any OpenAI-compatible server (vLLM, llama.cpp, a hosted API) with the standard library.

Requests run on a thread pool; results are yielded as they complete, so a caller that writes each one down
loses only the requests in flight when the server dies. Connection errors, timeouts, HTTP 429/500/502/503/504
and malformed bodies are retried with exponential backoff and seeded jitter; any other 4xx fails at once.
The API key comes only from the environment variable named by `api_key_env` and is never stored.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from overopt.errors import ConfigError, InputError
from overopt.evals._requests import SampleRequest, SampleResult

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0   # seconds; a longer Retry-After is capped
MAX_BACKOFF = 30.0       # seconds; the exponential backoff stops growing here
MODES = {"chat": "/chat/completions", "completions": "/completions"}


class _Retryable(Exception):
    """A failure worth another attempt; `retry_after` is the server's Retry-After in seconds, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None, connection: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.connection = connection


class _Rejected(InputError):
    """The server answered with a status that retrying will not change (400, 401, 404, ...)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class _Cancelled(Exception):
    """The run stopped (another request failed) before this request was sent again."""


def api_base(url: str) -> str:
    """`http://host:8000` -> `http://host:8000/v1`; a URL with a path keeps it, minus a trailing endpoint."""
    url = url.rstrip("/")
    for endpoint in ("/chat/completions", "/completions", "/models"):
        if url.endswith(endpoint):
            url = url[: -len(endpoint)]
            break
    return url if urllib.parse.urlsplit(url).path else url + "/v1"


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """The server's error message: OpenAI/llama.cpp `{"error": {"message"}}` or vLLM's flat `{"message"}`."""
    try:
        body = exc.read().decode("utf-8", "replace")
    except OSError:
        return ""
    try:
        data = json.loads(body)
        err = data.get("error", data) if isinstance(data, dict) else data
        message = err.get("message") if isinstance(err, dict) else err
        body = message if isinstance(message, str) else body
    except ValueError:
        pass
    body = " ".join(body.split())
    return f": {body[:300]}" if body else ""


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    try:
        return min(max(float(exc.headers.get("Retry-After", "")), 0.0), MAX_RETRY_AFTER)
    except (TypeError, ValueError):
        return None   # absent, or an HTTP date: fall back to the backoff


def _message_text(choice: dict) -> str:
    """A chat choice's answer; reasoning fields (`reasoning`, `reasoning_content`) are left out."""
    content = choice["message"].get("content")
    if isinstance(content, list):   # content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content or ""


class EndpointSampler:
    """Sample `SampleRequest`s from an OpenAI-compatible `/chat/completions` or `/completions` endpoint."""

    def __init__(self, url: str, model: str, *, api_key_env: str = "OPENAI_API_KEY", mode: str = "chat",
                 max_tokens: int = 512, temperature: float = 1.0, top_p: float = 1.0, concurrency: int = 8,
                 max_retries: int = 5, backoff: float = 0.5, timeout: float = 120.0):
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigError(f"the endpoint URL must start with http:// or https://, got {url!r}")
        if mode not in MODES:
            raise ConfigError(f"mode must be 'chat' or 'completions', got {mode!r}")
        if not model:
            raise ConfigError("the endpoint needs a model name (the id the server lists at /v1/models)")
        ranges = {"concurrency >= 1": (concurrency, concurrency >= 1), "timeout > 0": (timeout, timeout > 0),
                  "max_retries >= 0": (max_retries, max_retries >= 0), "backoff >= 0": (backoff, backoff >= 0),
                  "max_tokens >= 1": (max_tokens, max_tokens >= 1), "0 < top_p <= 1": (top_p, 0 < top_p <= 1),
                  "temperature >= 0": (temperature, temperature >= 0)}
        failed = [f"{rule} (got {value!r})" for rule, (value, ok) in ranges.items() if not ok]
        if failed:
            raise ConfigError(f"endpoint settings out of range: need {'; '.join(failed)}")
        self.base, self.model, self.api_key_env, self.mode = api_base(url), model, api_key_env, mode
        self.max_tokens, self.temperature, self.top_p = max_tokens, temperature, top_p
        self.concurrency, self.max_retries, self.backoff, self.timeout = concurrency, max_retries, backoff, timeout

    def _payload(self, prompt: str, seed: int, max_tokens: int) -> dict:
        payload = {"model": self.model, "max_tokens": max_tokens, "temperature": self.temperature,
                   "top_p": self.top_p, "seed": seed, "n": 1}
        if self.mode == "chat":
            payload["messages"] = [{"role": "user", "content": prompt}]
        else:
            payload["prompt"] = prompt
        return payload

    def _once(self, path: str, payload: dict | None) -> dict:
        """One HTTP request; the JSON object answered, or `_Retryable` / `_Rejected`."""
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(self.base + path, data=data, method="GET" if data is None else "POST",
                                     headers={"Content-Type": "application/json"})
        key = os.environ.get(self.api_key_env)
        if key:
            req.add_header("Authorization", f"Bearer {key}")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            message = f"HTTP {exc.code}{_error_detail(exc)}"
            if exc.code in RETRY_STATUSES:
                raise _Retryable(message, retry_after=_retry_after(exc) if exc.code == 429 else None) from None
            if exc.code in (401, 403):
                message += (f" (the key in ${self.api_key_env} was refused)" if key
                            else f" (the server wants an API key: set ${self.api_key_env})")
            raise _Rejected(f"endpoint {self.base}{path} rejected the request with {message}", exc.code) from None
        except urllib.error.URLError as exc:
            raise _Retryable(str(exc.reason), connection=True) from None
        except (OSError, http.client.HTTPException) as exc:   # timeouts, resets, truncated bodies
            raise _Retryable(str(exc) or type(exc).__name__, connection=True) from None
        try:
            answer = json.loads(body)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise _Retryable(f"malformed JSON body: {body[:100]!r}")
        return answer

    def _call(self, path: str, payload: dict | None, rng: random.Random, stop: threading.Event,
              parse=lambda data: data):
        """`parse(answer)` with retries; returns (parsed, attempts). `parse` raising KeyError etc. retries."""
        last: _Retryable | None = None
        for attempt in range(1, self.max_retries + 2):
            if stop.is_set():
                raise _Cancelled()
            try:
                try:
                    return parse(self._once(path, payload)), attempt
                except (KeyError, IndexError, TypeError, AttributeError) as exc:
                    raise _Retryable(f"unexpected response shape ({type(exc).__name__}: {exc})") from None
            except _Retryable as exc:
                last = exc
            if attempt <= self.max_retries:
                delay = last.retry_after
                if delay is None:
                    step = min(MAX_BACKOFF, self.backoff * 2 ** (attempt - 1))
                    delay = step / 2 + rng.uniform(0, step / 2)
                stop.wait(delay)
        state = "unreachable" if last.connection else "failing"
        raise InputError(f"endpoint {self.base} {state} after {self.max_retries + 1} attempts: {last}")

    def _parse(self, data: dict) -> tuple[str, int | None, str | None]:
        choice = data["choices"][0]
        text = _message_text(choice) if self.mode == "chat" else choice["text"] or ""
        usage = data.get("usage") or {}
        tokens = usage.get("completion_tokens") if isinstance(usage, dict) else None
        return text, tokens if isinstance(tokens, int) else None, choice.get("finish_reason")

    def _sample_one(self, request: SampleRequest, stop: threading.Event) -> SampleResult:
        rng = random.Random(f"{request.prompt_id}/{request.index}/{request.seed}")
        start = time.monotonic()
        payload = self._payload(request.prompt, request.seed, self.max_tokens)
        (text, tokens, finish), attempts = self._call(MODES[self.mode], payload, rng, stop, self._parse)
        return SampleResult(request, text, tokens, finish, time.monotonic() - start, attempts)

    def sample(self, requests: Sequence[SampleRequest]) -> Iterator[SampleResult]:
        """Yield a `SampleResult` per request as each completes (any order); `InputError` when one fails, after
        which pending requests are cancelled and the pool released (results yielded before stay valid)."""
        stop = threading.Event()
        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="overopt-sample")
        try:
            futures = [pool.submit(self._sample_one, request, stop) for request in requests]
            for future in as_completed(futures):
                yield future.result()
        finally:
            stop.set()
            pool.shutdown(wait=False, cancel_futures=True)

    def check(self) -> None:
        """`InputError` now if the endpoint is unreachable, refuses the key or does not serve the model: GET /models,
        and when the model is not listed there (or /models is not served) a 1-token request decides, since some
        servers (llama.cpp) answer under any model name."""
        rng, stop = random.Random(0), threading.Event()
        served: list[str] = []
        try:
            listing, _ = self._call("/models", None, rng, stop)
            models = listing.get("data")
            served = [str(m.get("id")) for m in models if isinstance(m, dict)] if isinstance(models, list) else []
            if self.model in served:
                return
        except _Rejected as exc:
            if exc.status not in (404, 405):
                raise
        probe = self._payload("Hello", 0, 1)
        try:
            self._call(MODES[self.mode], probe, rng, stop, self._parse)
        except _Rejected as exc:
            if served and exc.status in (400, 404):
                raise InputError(f"endpoint {self.base} does not serve model {self.model!r} "
                                 f"(it serves: {', '.join(served[:10])}); {exc}") from None
            raise
