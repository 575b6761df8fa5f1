"""`overopt eval` end to end: a local tiny model with a grader and a baseline, an OpenAI-compatible server that
dies mid-run followed by a resume, and bad input."""

import csv
import json

import pytest

from fake_openai import FakeOpenAI
from helpers import run_cli
from overopt.evals._stats import pass_at_k


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from overopt.models.tiny import random_checkpoints

    root = tmp_path_factory.mktemp("eval")
    random_checkpoints(root / "ck")
    rows = [{"id": f"p{i}", "prompt": f"<bos> w{i} w{i + 1}", "category": "odd" if i % 2 else "even",
             "ground_truth": f"w{i % 4}"} for i in range(6)]
    (root / "prompts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (root / "g.py").write_text("def compute_score(solution_str, ground_truth):\n"
                               "    return 1.0 if ground_truth in solution_str.split() else 0.0\n")
    return root


def _records(out):
    return [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]


def test_local_model_and_baseline_with_grader_and_reward_model(world, tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = run_cli(["eval", "--model", str(world / "ck/policy"), "--baseline", str(world / "ck/policy"),
                            "--prompts", str(world / "prompts.jsonl"), "--samples", "4", "--max-new-tokens", "8",
                            "--grader", "g:compute_score", "--grader-dir", str(world),
                            "--reward-model", str(world / "ck/proxy"), "--out", str(out)], capsys)
    assert code == 0, err
    records = _records(out)
    assert len(records) == 2 * 6 * 4
    assert {(r["model"], r["prompt_id"], r["index"]) for r in records} == {
        (m, f"p{i}", j) for m in ("model", "baseline") for i in range(6) for j in range(4)}
    for r in records:  # the grader's verdict is the sample's
        truth = f"w{int(r['prompt_id'][1:]) % 4}"
        assert r["passed"] is (truth in r["text"].split()) and isinstance(r["reward"], float)
    summary = json.loads((out / "summary.json").read_text())
    rows = list(csv.DictReader(open(out / "per_prompt.csv")))
    assert len(rows) == 12
    model_rows = [r for r in rows if r["model"] == "model"]
    expected = sum(pass_at_k(4, int(r["passed"]), 2) for r in model_rows) / 6
    assert summary["model"]["pass_at_k"][1] == pytest.approx(expected)
    assert summary["model"]["pass"]["k"] == sum(int(r["passed"]) for r in model_rows)
    assert set(summary["model"]["by_prompt_category"]) == {"odd", "even"}
    assert set(summary["model_minus_baseline"]["paired_by_prompt"]) >= {"pass_rate", "reward_mean", "length_mean"}
    for name in ("rewards_per_prompt.png", "pass_at_k.png", "rates.png", "report.md"):
        assert (out / name).is_file(), name
    assert "## Model minus baseline" in (out / "report.md").read_text()


def test_endpoint_that_dies_mid_run_resumes_without_redoing_samples(world, tmp_path, capsys):
    out = tmp_path / "ep"
    args = ["eval", "--model", None, "--endpoint-model", "fake", "--prompts", str(world / "prompts.jsonl"),
            "--samples", "5", "--concurrency", "2", "--max-retries", "1", "--out", str(out)]
    with FakeOpenAI(model="fake", die_after=13) as server:
        args[2] = server.url
        code, _, err = run_cli(args, capsys)
    assert code == 2 and "unreachable" in err and "Traceback" not in err
    first = _records(out)
    assert 0 < len(first) < 30 and json.loads((out / "status.json").read_text())["state"] == "failed"
    with FakeOpenAI(model="fake") as server:
        args[2] = server.url
        code, _, err = run_cli(args, capsys)
        answered = server.answered
    assert code == 0, err
    records = _records(out)
    assert len(records) == 30 and records[:len(first)] == first
    assert len({(r["prompt_id"], r["index"]) for r in records}) == 30
    assert answered == 30 - len(first)  # the resume asked only for what was missing


def test_changed_settings_refuse_to_resume(world, tmp_path, capsys):
    out = tmp_path / "r"
    base = ["eval", "--model", str(world / "ck/policy"), "--prompts", str(world / "prompts.jsonl"),
            "--samples", "1", "--max-new-tokens", "4", "--out", str(out)]
    assert run_cli(base, capsys)[0] == 0
    code, _, err = run_cli(base + ["--seed", "7"], capsys)
    assert code == 2 and "other seed" in err


@pytest.mark.parametrize("args,needle", [
    (["--model", "/nonexistent/model"], "model not found"),
    (["--samples", "0"], "samples must be a positive integer"),
    (["--samples", "-3"], "samples must be a positive integer"),
    (["--dtype", "float8"], "dtype must be one of"),
    (["--model", "http://127.0.0.1:9/v1", "--endpoint-model", "m", "--max-retries", "0"], "unreachable"),
    (["--model", "http://127.0.0.1:9/v1"], "--endpoint-model"),
])
def test_bad_input_is_one_line_and_exit_2(world, tmp_path, capsys, args, needle):
    full = ["eval", "--model", str(world / "ck/policy"), "--prompts", str(world / "prompts.jsonl"),
            "--out", str(tmp_path / "o")]
    for i in range(0, len(args), 2):
        if args[i] in full:
            full[full.index(args[i]) + 1] = args[i + 1]
        else:
            full += args[i:i + 2]
    code, _, err = run_cli(full, capsys)
    assert code == 2 and needle in err, err
    assert err.strip().count("\n") == 0 and err.startswith("error:")


def test_malformed_prompts_line_names_file_and_line(world, tmp_path, capsys):
    bad = tmp_path / "p.jsonl"
    bad.write_text('{"prompt": "<bos> w1"}\n{"prompt": 3}\n')
    code, _, err = run_cli(["eval", "--model", str(world / "ck/policy"), "--prompts", str(bad),
                            "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and 'p.jsonl:2: expected an object with a non-empty string "prompt"' in err
    assert not (tmp_path / "o").exists()


def test_demo_shows_the_shift_with_intervals(tmp_path):
    """The demo on the RLHF lab's smoke preset (seconds): reference vs RL policy, proxy reward and gold."""
    from overopt.evals._demo import run_demo
    from overopt.evals._run import EvalConfig

    summary = run_demo(EvalConfig(samples=4), tmp_path / "demo", preset="smoke")
    diff = summary["model_minus_baseline"]["paired_by_prompt"]
    assert {"reward_mean", "length_mean", "distinct_2"} <= set(diff)
    assert all(d["low"] <= d["mean"] <= d["high"] for d in diff.values())
    assert summary["gold"]["model_minus_baseline"]["n"] == summary["model"]["prompts"] > 0
    report = (tmp_path / "demo" / "eval" / "report.md").read_text()
    assert "## Model minus baseline" in report and "## Gold" in report
    assert (tmp_path / "demo" / "eval" / "rates.png").is_file()
    tools = summary["tools"]  # naive- vs ledger-verifier policies, 4 episodes per task each
    assert tools["model"]["samples"] == tools["baseline"]["samples"] == 4 * tools["model"]["prompts"]
    assert {"pass", "hack"} <= set(tools["model_minus_baseline"]["rates"])
    assert len(tools["model"]["pass_at_k"]) == 4
    assert "## Model minus baseline" in (tmp_path / "demo" / "tools" / "report.md").read_text()
