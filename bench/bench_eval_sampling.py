"""Throughput of `overopt eval`'s local sampler (LocalSampler) against plain `model.generate` on the same batches.

    python3 bench/bench_eval_sampling.py [--prompts 64] [--samples 8] [--batch-size 64] [--max-new-tokens 32]
                                         [--threads 1] [--repeats 3] [--device cpu]

Builds a small random Llama (hidden 64, 2 layers, a word-level vocabulary of a few hundred words), saves it to a
temporary folder, and samples prompts x samples completions with LocalSampler (tokenizing, batching, seeding,
decoding and counting included). The baseline calls `model.generate` directly on exactly the batches
LocalSampler draws (same rows, same left padding, same seeds and settings; prompt encoding and decoding not
timed), so both do the same generation work; the script checks that they produce the same texts. Runs alternate
and the best of --repeats is kept for each. Prints samples/s for both, the ratio (target >= 0.8x) and peak
memory. Then the scoring overhead per sample: scan's detectors alone, and with a tiny reward model (the same
random Llama as a 1-label classifier), in ms per sample. Exit code 1 if the target is missed or the texts differ.
Torch uses one thread by default: a model this small gains nothing from more, and on a busy two-core machine
two threads ran about ten times slower (threads waiting on each other), which buries the comparison in noise.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

TARGET = 0.8


def build_model(folder: str, vocab: int, seed: int) -> None:
    from overopt.models.tiny import TinyConfig, causal_lm, word_tokenizer

    tok = word_tokenizer([f"w{i}" for i in range(vocab)])
    size = TinyConfig(hidden_size=64, num_layers=2, num_heads=4, intermediate_size=128, max_positions=128)
    causal_lm(tok, size, seed).save_pretrained(folder)
    tok.save_pretrained(folder)


def make_requests(prompts: int, samples: int, vocab: int, seed: int):
    from overopt.evals._requests import SampleRequest

    rng = random.Random(seed)
    texts = ["<bos> " + " ".join(f"w{rng.randrange(vocab)}" for _ in range(rng.randint(4, 24)))
             for _ in range(prompts)]
    return [SampleRequest(f"p{i}", j, text, rng.randrange(2**31)) for i, text in enumerate(texts)
            for j in range(samples)]


def plain_generate(sampler, batch):
    """`model.generate` on one of LocalSampler's batches, seeded the same way, without the sampler around it."""
    import torch

    with torch.no_grad():
        torch.manual_seed(batch.seed)
        return sampler.model.generate(
            input_ids=batch.input_ids, attention_mask=batch.attention_mask, do_sample=True,
            temperature=sampler.temperature, top_p=sampler.top_p, top_k=0, max_new_tokens=sampler.max_new_tokens,
            pad_token_id=sampler.tokenizer.pad_token_id, eos_token_id=sampler.eos_ids)


def timed(fn, *args):
    import torch

    start = time.perf_counter()
    out = fn(*args)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - start, out


def paired_times(sampler, batches, repeats: int):
    """Per batch, the best of `repeats` for plain generate and for LocalSampler on that batch's requests (which
    LocalSampler batches, pads and seeds exactly as before), alternating which goes first so load drift on a
    shared machine hits both alike."""
    plain_s, sampler_s, outputs, results = 0.0, 0.0, [], []
    for i, batch in enumerate(batches):
        best = {"plain": float("inf"), "sampler": float("inf")}
        for r in range(repeats):
            for which in (("plain", "sampler") if (i + r) % 2 == 0 else ("sampler", "plain")):
                if which == "plain":
                    seconds, out = timed(plain_generate, sampler, batch)
                else:
                    seconds, res = timed(lambda reqs: list(sampler.sample(reqs)), batch.requests)
                best[which] = min(best[which], seconds)
        plain_s, sampler_s = plain_s + best["plain"], sampler_s + best["sampler"]
        outputs.append(out)
        results += res
    return plain_s, sampler_s, outputs, results


def plain_texts(sampler, batches, outputs) -> list[str]:
    texts = []
    for b, out in zip(batches, outputs):
        for row in out[:, b.input_ids.shape[1]:].tolist():
            stops = [i for i, t in enumerate(row) if t in sampler.eos_ids]
            texts.append(sampler.tokenizer.decode(row[:stops[0] + 1] if stops else row, skip_special_tokens=True))
    return texts


def scoring_overhead(results, args) -> dict[str, float]:
    """ms per sample of SampleScorer.score: detectors only, then detectors + a reward model."""
    from transformers import LlamaConfig, LlamaForSequenceClassification

    from overopt.evals._scoring import SampleScorer, ScoringConfig
    from overopt.models.tiny import word_tokenizer

    rows = [{"prompt": r.request.prompt} for r in results]
    texts = [r.text for r in results]
    out = {}
    with tempfile.TemporaryDirectory(prefix="bench_eval_rm_") as folder:
        tok = word_tokenizer([f"w{i}" for i in range(args.vocab)])
        config = LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                             num_attention_heads=4, num_key_value_heads=4, pad_token_id=tok.pad_token_id,
                             num_labels=1)
        LlamaForSequenceClassification(config).save_pretrained(folder)
        tok.save_pretrained(folder)
        for label, cfg in (("scan's detectors", ScoringConfig()),
                           ("detectors + reward model", ScoringConfig(reward_model=folder, reward_batch_size=64))):
            scorer = SampleScorer(cfg, Path(folder) / "sandbox")
            seconds, _ = timed(lambda: scorer.score(rows, texts))
            out[label] = 1000 * seconds / len(texts)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--vocab", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    warnings.filterwarnings("ignore")

    import torch
    from transformers.utils import logging as hf_logging

    from overopt.evals._local import LocalSampler

    hf_logging.disable_progress_bar()
    torch.set_num_threads(args.threads)
    folder = tempfile.mkdtemp(prefix="bench_eval_sampling_")
    try:
        build_model(folder, args.vocab, args.seed)
        sampler = LocalSampler(folder, device=args.device, batch_size=args.batch_size,
                               max_new_tokens=args.max_new_tokens)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    requests = make_requests(args.prompts, args.samples, args.vocab, args.seed)
    batches = list(sampler.batches(requests))
    list(sampler.sample(requests[:args.batch_size]))  # warm-up
    best_plain, best_sampler, outputs, results = paired_times(sampler, batches, args.repeats)
    whole_s, whole = timed(lambda: list(sampler.sample(requests)))
    assert [r.text for r in whole] == [r.text for r in results], "re-sampling a batch's requests changed its texts"
    same = [r.text for r in results] == plain_texts(sampler, batches, outputs)
    n = len(requests)
    tokens = sum(r.tokens for r in results)
    stops = sum(r.finish_reason == "stop" for r in results)
    ratio = (n / best_sampler) / (n / best_plain)
    print(f"model: random Llama, hidden 64, 2 layers, vocab {len(sampler.tokenizer)}; device {args.device}, "
          f"torch threads {torch.get_num_threads()}")
    print(f"requests: {args.prompts} prompts x {args.samples} samples = {n} in {len(batches)} batches of "
          f"<= {args.batch_size}, max_new_tokens {args.max_new_tokens}; {tokens} tokens generated, "
          f"{stops} samples stopped at EOS; per batch best of {args.repeats}, alternating")
    print(f"plain model.generate: {best_plain:.2f} s  {n / best_plain:8.1f} samples/s  "
          f"{tokens / best_plain:8.0f} tokens/s")
    print(f"LocalSampler:         {best_sampler:.2f} s  {n / best_sampler:8.1f} samples/s  "
          f"{tokens / best_sampler:8.0f} tokens/s  (all {n} requests in one call, once: {whole_s:.2f} s)")
    peak = f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    if sampler.model.device.type == "cuda":
        peak += f", peak GPU memory allocated {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB"
    print(peak)
    print(f"same texts as plain generate: {'yes' if same else 'NO'}")
    for label, ms in scoring_overhead(results, args).items():
        print(f"scoring overhead, {label}: {ms:.2f} ms per sample")
    ok = ratio >= TARGET and same
    print(f"ratio: {ratio:.2f}x plain generate's throughput (target >= {TARGET}x) -> {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
