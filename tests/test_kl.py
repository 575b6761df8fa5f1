import itertools

import numpy as np
import torch

from overopt.measure.kl import sequence_kl
from overopt.models.tiny import TinyConfig, causal_lm, word_tokenizer
from overopt.optimize.sampling import sample

SIZE = TinyConfig(hidden_size=16, num_layers=1, num_heads=2, intermediate_size=32, max_positions=16)


def _models():
    tok = word_tokenizer(["a", "b"])
    p, q = causal_lm(tok, SIZE, seed=1), causal_lm(tok, SIZE, seed=2)
    with torch.no_grad():  # make the two clearly different
        for param in p.parameters():
            param.mul_(3.0)
    return tok, p.eval(), q.eval()


@torch.no_grad()
def _exact_sequence_kl(p, q, tok, prompt_ids, max_new):
    """Enumerate every completion of up to `max_new` tokens (ending at EOS or the cap)."""
    vocab, eos, total = len(tok), tok.eos_token_id, 0.0
    for length in range(1, max_new + 1):
        seqs = [s for s in itertools.product(range(vocab), repeat=length)
                if eos not in s[:-1] and (length == max_new or s[-1] == eos)]
        ids = torch.tensor([prompt_ids + list(s) for s in seqs])
        comp = ids[:, len(prompt_ids):]
        logp, logq = ([torch.log_softmax(m(ids).logits[:, len(prompt_ids) - 1:-1], -1)
                       .gather(-1, comp.unsqueeze(-1)).squeeze(-1).sum(-1) for m in (p, q)])
        total += float((logp.exp() * (logp - logq)).sum())
    return total


def test_sequence_kl_matches_enumeration():
    tok, p, q = _models()
    max_new = 3
    exact = _exact_sequence_kl(p, q, tok, [tok.bos_token_id], max_new)
    s = sample(p, tok, ["<bos>"], per_prompt=4000, max_new_tokens=max_new, seed=0)
    est = sequence_kl(p, q, s)
    se = float(est.std()) / np.sqrt(len(est))
    assert exact > 0.1
    assert abs(float(est.mean()) - exact) < 4 * se + 1e-3, (float(est.mean()), exact, se)


def test_kl_of_a_policy_with_itself_is_zero_and_never_negative():
    tok, p, q = _models()
    s = sample(p, tok, ["<bos> a", "<bos>"], per_prompt=50, max_new_tokens=4, seed=1)
    assert torch.allclose(sequence_kl(p, p, s), torch.zeros(len(s)), atol=1e-5)
    assert bool((sequence_kl(p, q, s) >= -1e-6).all())


def test_samples_stop_at_eos_and_are_reproducible():
    tok, p, _ = _models()
    a = sample(p, tok, ["<bos>"], per_prompt=64, max_new_tokens=5, seed=3)
    b = sample(p, tok, ["<bos>"], per_prompt=64, max_new_tokens=5, seed=3)
    assert torch.equal(a.completion_ids, b.completion_ids) and a.completions == b.completions
    eos = tok.eos_token_id
    for ids, mask in zip(a.completion_ids, a.completion_mask):
        n = int(mask.sum())
        assert eos not in ids[:n - 1].tolist()
        assert all(t == tok.pad_token_id for t in ids[n:].tolist())
