"""EndpointSampler against the fake OpenAI-compatible server in tests/fake_openai.py."""

import socket
import time

import pytest
from fake_openai import FakeOpenAI

from overopt.errors import ConfigError, InputError
from overopt.evals._endpoint import EndpointSampler, SampleRequest, api_base


def make_requests(n_prompts=3, n_samples=2):
    return [SampleRequest(f"p{p}", i, f"prompt {p}", seed=100 * p + i)
            for p in range(n_prompts) for i in range(n_samples)]


def sampler_for(server, **kw):
    kw.setdefault("backoff", 0.01)
    return EndpointSampler(server.url, server.model, **kw)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]   # closed on exit: nothing listens there


@pytest.mark.parametrize("mode", ["chat", "completions"])
def test_all_requests_answered_with_ids_and_texts(mode):
    requests = make_requests()
    with FakeOpenAI(reasoning="let me think") as server:
        results = list(sampler_for(server, mode=mode, concurrency=3, max_tokens=64).sample(requests))
    got = {(r.request.prompt_id, r.request.index): r for r in results}
    assert len(results) == len(requests) == len(got)
    for req in requests:
        r = got[(req.prompt_id, req.index)]
        assert r.request == req
        assert r.text == f"answer {req.seed}"          # reasoning fields are not part of the text
        assert r.tokens == 2 and r.finish_reason == "stop" and r.attempts == 1 and r.seconds >= 0
    sent = {p["seed"]: p for p in server.payloads}
    for req in requests:
        p = sent[req.seed]
        assert (p["model"], p["max_tokens"], p["temperature"], p["top_p"], p["n"]) == ("fake-model", 64, 1.0, 1.0, 1)
        if mode == "chat":
            assert p["messages"] == [{"role": "user", "content": req.prompt}] and "prompt" not in p
        else:
            assert p["prompt"] == req.prompt and "messages" not in p


def test_500_429_and_garbage_are_retried_and_counted():
    requests = make_requests()
    with FakeOpenAI(rate_limit_first=2, fail_first=3, garbage_first=1) as server:
        results = list(sampler_for(server, concurrency=2).sample(requests))
    assert sorted(r.request.seed for r in results) == sorted(r.seed for r in requests)
    assert sum(r.attempts for r in results) == len(requests) + 6
    assert max(r.attempts for r in results) > 1
    assert server.statuses[429] == 2 and server.statuses[500] == 3
    assert server.completions == len(requests) + 6


def test_retry_after_replaces_the_backoff():
    with FakeOpenAI(rate_limit_first=3) as server:   # 429 with Retry-After: 0
        start = time.monotonic()
        (result,) = sampler_for(server, backoff=5.0, concurrency=1).sample(make_requests(1, 1))
    assert result.attempts == 4
    assert time.monotonic() - start < 2.0   # a 5 s backoff would have taken > 10 s


def test_retries_exhausted_raise_input_error():
    with FakeOpenAI(fail_first=100) as server, \
            pytest.raises(InputError, match=r"failing after 3 attempts: HTTP 500: internal error"):
        list(sampler_for(server, max_retries=2, concurrency=1).sample(make_requests(1, 1)))
    assert server.completions == 3


def test_400_fails_at_once_and_cancels_pending_requests():
    requests = make_requests(20, 2)
    with FakeOpenAI(max_tokens_limit=100, delay=0.05) as server:
        start = time.monotonic()
        with pytest.raises(InputError, match=r"HTTP 400: max_tokens must be at most 100"):
            list(sampler_for(server, max_tokens=512, concurrency=2).sample(requests))
        elapsed = time.monotonic() - start
        time.sleep(0.2)   # let in-flight requests land
    assert elapsed < 1.0
    assert server.statuses[400] <= 4 and server.completions <= 4   # no retries, the other 36+ never sent


def test_api_key_from_env_var(monkeypatch):
    monkeypatch.setenv("OVEROPT_TEST_KEY", "sekret-123")
    with FakeOpenAI(require_key="sekret-123") as server:
        sampler = sampler_for(server, api_key_env="OVEROPT_TEST_KEY")
        sampler.check()
        results = list(sampler.sample(make_requests(1, 2)))
        assert len(results) == 2
        assert set(server.auth_headers) == {"Bearer sekret-123"}
        assert "sekret" not in repr(vars(sampler))   # the key is never stored
        monkeypatch.delenv("OVEROPT_TEST_KEY")
        with pytest.raises(InputError, match=r"HTTP 401.*set \$OVEROPT_TEST_KEY"):
            list(sampler.sample(make_requests(1, 1)))
        with pytest.raises(InputError, match=r"HTTP 401"):
            sampler.check()
        assert server.auth_headers[-1] is None
        monkeypatch.setenv("OVEROPT_TEST_KEY", "wrong")
        with pytest.raises(InputError, match=r"HTTP 401") as err:
            sampler.check()
        assert "wrong" not in str(err.value)


def test_check_unreachable_port_fails_fast():
    url = f"http://127.0.0.1:{free_port()}"
    sampler = EndpointSampler(url, "m", max_retries=2, backoff=0.01)
    start = time.monotonic()
    with pytest.raises(InputError, match=rf"endpoint {url}/v1 unreachable after 3 attempts: .*refused"):
        sampler.check()
    assert time.monotonic() - start < 2.0


def test_check_model_served_unknown_and_models_route_missing():
    with FakeOpenAI() as server:
        sampler_for(server).check()
        assert server.completions == 0    # /models listed the model: no probe
        with pytest.raises(InputError, match=r"does not serve model 'other' \(it serves: fake-model\)"):
            EndpointSampler(server.url, "other", backoff=0.01).check()
    with FakeOpenAI(any_model=True) as server:     # llama.cpp lists a file path but answers under any name
        EndpointSampler(server.url, "my-alias", backoff=0.01).check()
        assert server.completions == 1 and server.payloads[0]["model"] == "my-alias"
    with FakeOpenAI(serve_models=False) as server:
        sampler_for(server, mode="completions").check()   # falls back to a 1-token request
        assert server.completions == 1 and server.payloads[0]["max_tokens"] == 1


def test_server_dying_mid_run_then_resume_on_a_fresh_server():
    requests = make_requests(5, 4)
    by_key = {}
    with FakeOpenAI(die_after=7) as server:
        sampler = sampler_for(server, concurrency=3, max_retries=2)
        start = time.monotonic()
        with pytest.raises(InputError, match=r"after 3 attempts"):
            for r in sampler.sample(requests):     # the caller writes each result to samples.jsonl
                by_key[(r.request.prompt_id, r.request.index)] = r
        assert time.monotonic() - start < 5.0
    assert len(by_key) == 7 == server.answered
    missing = [q for q in requests if (q.prompt_id, q.index) not in by_key]
    assert len(missing) == len(requests) - 7
    with FakeOpenAI() as fresh:
        rest = list(sampler_for(fresh, concurrency=3).sample(missing))
    assert fresh.completions == len(missing)        # only the missing requests were asked for
    for r in rest:
        by_key[(r.request.prompt_id, r.request.index)] = r
    assert sorted(by_key) == sorted((q.prompt_id, q.index) for q in requests)
    assert all(r.text == f"answer {r.request.seed}" for r in by_key.values())


def test_concurrency_overlaps_requests():
    with FakeOpenAI(delay=0.2) as server:
        start = time.monotonic()
        results = list(sampler_for(server, concurrency=8).sample(make_requests(4, 2)))
        wall = time.monotonic() - start
    assert len(results) == 8
    assert wall < 1.0                 # one at a time would take >= 1.6 s
    assert server.max_in_flight >= 4


def test_url_normalization_and_settings_validation():
    assert api_base("http://h:8000") == "http://h:8000/v1"
    assert api_base("http://h:8000/v1/") == "http://h:8000/v1"
    assert api_base("http://h:8000/v1/chat/completions") == "http://h:8000/v1"
    assert api_base("https://openrouter.ai/api/v1") == "https://openrouter.ai/api/v1"
    for bad in [{"url": "localhost:8000"}, {"mode": "responses"}, {"concurrency": 0}, {"max_retries": -1}]:
        kw = {"url": "http://h:1", "model": "m", **bad}
        with pytest.raises(ConfigError):
            EndpointSampler(kw.pop("url"), kw.pop("model"), **kw)
    assert list(EndpointSampler("http://h:1", "m").sample([])) == []
