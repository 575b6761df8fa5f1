"""LocalSampler: batched, seeded sampling from a local Hugging Face folder (tiny random Llama, word tokenizer)."""

import shutil
from collections import Counter

import pytest
import torch

from overopt.errors import ConfigError, InputError
from overopt.evals._local import LocalSampler
from overopt.evals._requests import SampleRequest
from overopt.models.tiny import random_checkpoints


@pytest.fixture(scope="module")
def policy(tmp_path_factory):
    return random_checkpoints(tmp_path_factory.mktemp("ck")) / "policy"


def requests(prompts=5, per_prompt=4, seed_base=0):
    # prompts of different lengths, so the length sort and the left padding matter
    return [SampleRequest(f"p{i}", j, "<bos> " + " ".join(f"w{(i + k) % 20}" for k in range(1 + i % 3)),
                          seed_base + 1000 * i + j)
            for i in range(prompts) for j in range(per_prompt)]


def with_template(policy, tmp_path, template, post_bos=False):
    """A copy of the policy folder whose tokenizer has `template` (and, with post_bos, adds <bos> itself)."""
    from tokenizers import processors
    from transformers import AutoTokenizer

    folder = tmp_path / "chat"
    shutil.copytree(policy, folder)
    tok = AutoTokenizer.from_pretrained(folder)
    tok.chat_template = template
    if post_bos:
        tok._tokenizer.post_processor = processors.TemplateProcessing(
            single="<bos> $A", special_tokens=[("<bos>", tok.bos_token_id)])
    tok.save_pretrained(folder)
    return folder


def record_inputs(sampler):
    """Wrap the model's generate to record each call's input ids (rows without padding)."""
    seen, original = [], sampler.model.generate

    def generate(**kw):
        for ids, mask in zip(kw["input_ids"].tolist(), kw["attention_mask"].tolist()):
            seen.append([t for t, m in zip(ids, mask) if m])
        return original(**kw)

    sampler.model.generate = generate
    return seen


def test_every_request_gets_exactly_one_result(policy):
    reqs = requests()
    results = list(LocalSampler(str(policy), batch_size=8, max_new_tokens=6).sample(reqs))
    assert Counter((r.request.prompt_id, r.request.index) for r in results) == \
        Counter((q.prompt_id, q.index) for q in reqs)
    assert {r.request for r in results} == set(reqs)
    assert all(r.attempts == 1 and r.seconds > 0 for r in results)


def test_same_requests_give_same_texts_and_leave_global_rng_alone(policy):
    reqs = requests()
    before = torch.get_rng_state()
    first = {r.request: r.text for r in LocalSampler(str(policy), batch_size=8, max_new_tokens=6).sample(reqs)}
    assert torch.equal(before, torch.get_rng_state())
    torch.manual_seed(12345)  # a different global state must not matter
    second = {r.request: r.text for r in LocalSampler(str(policy), batch_size=8, max_new_tokens=6).sample(reqs)}
    assert first == second
    other = {(r.request.prompt_id, r.request.index): r.text
             for r in LocalSampler(str(policy), batch_size=8, max_new_tokens=6).sample(requests(seed_base=7))}
    assert sum(other[(q.prompt_id, q.index)] != first[q] for q in reqs) >= len(reqs) // 2
    assert len(set(first.values())) > len(reqs) // 2  # the samples of one prompt differ from each other


def test_token_counts_and_finish_reasons_match_the_generated_ids(policy):
    sampler = LocalSampler(str(policy), batch_size=8, max_new_tokens=6)
    reqs = requests(prompts=6, per_prompt=5)
    results = list(sampler.sample(reqs))
    eos = sampler.tokenizer.eos_token_id
    expected = []
    for batch in sampler.batches(reqs):  # the same batches and seeds again: recount by hand
        out = sampler.generate(batch)[:, batch.input_ids.shape[1]:].tolist()
        for request, row in zip(batch.requests, out):
            n = row.index(eos) + 1 if eos in row else len(row)
            expected.append((request, n, "stop" if eos in row else "length",
                             sampler.tokenizer.decode(row[:n], skip_special_tokens=True)))
    assert [(r.request, r.tokens, r.finish_reason, r.text) for r in results] == expected
    reasons = Counter(r.finish_reason for r in results)
    assert reasons["stop"] > 0 and reasons["length"] > 0  # a random 24-word model stops now and then
    for r in results:
        assert 1 <= r.tokens <= 6
        assert r.finish_reason == "stop" or r.tokens == 6
        assert len(r.text.split()) <= r.tokens - (r.finish_reason == "stop")
        assert "<eos>" not in r.text and "<pad>" not in r.text


def test_results_stream_one_batch_at_a_time(policy):
    sampler = LocalSampler(str(policy), batch_size=4, max_new_tokens=3)
    rows = record_inputs(sampler)
    stream = sampler.sample(requests(prompts=3, per_prompt=4))
    first = [next(stream) for _ in range(4)]
    assert len(rows) == 4  # one generate call of 4 rows so far, not all 12
    assert len(first) + len(list(stream)) == 12 and len(rows) == 12


def test_auto_uses_the_chat_template_and_never_skips_it(policy, tmp_path):
    folder = with_template(policy, tmp_path, "{{ bos_token }} {% for m in messages %}{{ m['content'] }}{% endfor %} w7")
    reqs = [SampleRequest("a", 0, "w1 w2", 1)]
    auto = LocalSampler(str(folder), max_new_tokens=2)
    seen = record_inputs(auto)
    list(auto.sample(reqs))
    ids = auto.tokenizer.convert_tokens_to_ids
    assert seen == [ids(["<bos>", "w1", "w2", "w7"])]
    never = LocalSampler(str(folder), max_new_tokens=2, chat_template="never")
    seen = record_inputs(never)
    list(never.sample(reqs))
    assert seen == [ids(["w1", "w2"])]
    always = LocalSampler(str(folder), max_new_tokens=2, chat_template="always")
    assert always.encode("w1 w2") == ids(["<bos>", "w1", "w2", "w7"])


def test_special_tokens_are_added_once(policy, tmp_path):
    """A tokenizer that adds <bos> itself: raw prompts get one <bos>, templated text (which writes it) too."""
    folder = with_template(policy, tmp_path, "{{ bos_token }} {% for m in messages %}{{ m['content'] }}{% endfor %}",
                           post_bos=True)
    bos, w1 = LocalSampler(str(folder), chat_template="never").tokenizer.convert_tokens_to_ids(["<bos>", "w1"])
    assert LocalSampler(str(folder), chat_template="never").encode("w1") == [bos, w1]
    assert LocalSampler(str(folder), chat_template="auto").encode("w1") == [bos, w1]


def test_always_without_a_template_is_a_config_error(policy):
    with pytest.raises(ConfigError, match="no chat template"):
        LocalSampler(str(policy), chat_template="always")
    with pytest.raises(ConfigError, match="chat_template"):
        LocalSampler(str(policy), chat_template="sometimes")


def test_bad_paths_and_settings(policy, tmp_path):
    with pytest.raises(InputError, match="not found") as err:
        LocalSampler(str(tmp_path / "nowhere"))
    assert err.value.path == str(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="config.json") as err:
        LocalSampler(str(tmp_path / "empty"))
    assert err.value.path == str(tmp_path / "empty")
    with pytest.raises(ConfigError, match="dtype"):
        LocalSampler(str(policy), dtype="float8")
    for bad in ({"batch_size": 0}, {"max_new_tokens": 0}, {"temperature": 0.0}, {"top_p": 1.5}):
        with pytest.raises(ConfigError):
            LocalSampler(str(policy), **bad)
