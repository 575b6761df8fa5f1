"""How `overopt probe` calls a grader function: adapters for the forms RL frameworks define, and the
bootstrap that runs inside the sandbox (this file is run there as a script; standard library only).

Adapters (`--adapter`):
- `source`: `fn(completion) -> score`;
- `verl`: `fn(solution_str, ground_truth[, extra_info=...])`, e.g. prime_code's compute_score;
- `verl-ds`: `fn(data_source, solution_str, ground_truth, extra_info)`, verl's default_compute_score;
- `trl`: `fn(prompts, completions, **columns) -> list[float]`, plain or conversational completions;
- `auto`: picked from the function's parameter names.

The completion is the submission, wrapped by `--response-template` when given (`{code}` marks the spot).
The score is read from a bool, a number, a list's or tuple's first item, a dict key or a result object's
attribute (`--score-key`, else the first of score, reward, acc, pass).

The bootstrap reads its whole config (tag, nonce, the grader, the submission, the dataset row) from stdin,
so nothing of it sits on disk where a submission could read it, then points stdin at /dev/null, calls the
grader and writes `TAG NONCE {json}` to a duplicate of the original stdout.
"""

import importlib
import inspect
import json
import math
import os
import sys

ADAPTERS = ("auto", "source", "verl", "verl-ds", "trl")
SCORE_KEYS = ("score", "reward", "acc", "pass")
TRL_PARAMS = ("prompts", "completions")
GROUND_TRUTH_PARAMS = ("ground_truth", "solution_str", "test_cases", "reference", "answer", "gt")


def _params(fn):
    try:
        return list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None


def pick_adapter(fn):
    """The adapter for `fn`, from its parameter names; None when they do not tell."""
    params = _params(fn)
    if params is None:
        return "source"
    names = [p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if any(n in names for n in TRL_PARAMS):
        return "trl"
    if "data_source" in names:
        return "verl-ds"
    if any(n in names for n in GROUND_TRUTH_PARAMS):
        return "verl"
    required = [p for p in params if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(required) <= 1 and names:
        return "source"
    return None


def row_parts(row):
    """The pieces of a dataset row: ground_truth, data_source, extra_info, prompt and the other columns.
    A row is a JSON object holding `ground_truth` (or `reward_model.ground_truth`); anything else is the
    ground truth itself."""
    parts = {"ground_truth": row, "data_source": None, "extra_info": None, "prompt": None, "columns": {}}
    if isinstance(row, dict):
        rm = row.get("reward_model")
        if "ground_truth" in row:
            parts["ground_truth"] = row["ground_truth"]
        elif isinstance(rm, dict) and "ground_truth" in rm:
            parts["ground_truth"] = rm["ground_truth"]
        parts["data_source"] = row.get("data_source")
        parts["extra_info"] = row.get("extra_info")
        parts["prompt"] = row.get("prompt")
        parts["columns"] = {k: v for k, v in row.items() if k not in ("prompt", "completion", "completions")}
    elif row is not None:
        parts["columns"] = {"ground_truth": row}
    return parts


def completion_text(source, template):
    return template.replace("{code}", source) if template else source


def _accepts(fn, name):
    params = _params(fn)
    if params is None:
        return True
    return any(p.kind == p.VAR_KEYWORD for p in params) or any(p.name == name for p in params)


def _filter_kwargs(fn, kwargs):
    params = _params(fn)
    if params is None or any(p.kind == p.VAR_KEYWORD for p in params):
        return dict(kwargs)
    names = {p.name for p in params}
    return {k: v for k, v in kwargs.items() if k in names}


def is_messages(v):
    return isinstance(v, list) and bool(v) and all(isinstance(m, dict) and "role" in m for m in v)


def call_grader(fn, adapter, completion, row, has_row, trl_form="auto"):
    """Call `fn` the way `adapter` says. Returns (return value, the TRL form used or None)."""
    parts = row_parts(row if has_row else None)
    if adapter == "source":
        return fn(completion), None
    if adapter == "verl":
        extra = {}
        if parts["extra_info"] is not None and _accepts(fn, "extra_info"):
            extra["extra_info"] = parts["extra_info"]
        return fn(completion, parts["ground_truth"], **extra), None
    if adapter == "verl-ds":
        args = (parts["data_source"], completion, parts["ground_truth"], parts["extra_info"])
        try:
            inspect.signature(fn).bind(*args)
        except (TypeError, ValueError):
            args = args[:3]
        return fn(*args), None
    if adapter == "trl":
        columns = {k: [v] for k, v in parts["columns"].items()}
        prompt = parts["prompt"]
        forms = [trl_form] if trl_form in ("plain", "conversational") else (
            ["conversational"] if is_messages(prompt) else ["plain", "conversational"])
        first_exc = None
        for form in forms:
            if form == "plain":
                prompts = [prompt if isinstance(prompt, str) else ""]
                completions = [completion]
            else:
                prompts = [prompt if is_messages(prompt) else [{"role": "user", "content": prompt or ""}]]
                completions = [[{"role": "assistant", "content": completion}]]
            kwargs = _filter_kwargs(fn, dict(columns, prompts=prompts, completions=completions))
            try:
                return fn(**kwargs), form
            except Exception as exc:  # noqa: BLE001 - try the other form, then report the first failure
                if first_exc is None:
                    first_exc = exc
        raise first_exc
    raise ValueError("unknown adapter %r" % adapter)


def extract_score(ret, score_key=None):
    """(score, kind): kind is "bool", "number", or "other" (score None)."""
    if hasattr(ret, "item") and callable(ret.item) and not isinstance(ret, (list, tuple, dict, str)):
        try:
            ret = ret.item()
        except Exception:  # noqa: BLE001 - not a scalar
            pass
    if isinstance(ret, bool):
        return ret, "bool"
    if isinstance(ret, (int, float)):
        v = float(ret)
        return (None, "other") if math.isnan(v) else (v, "number")
    if isinstance(ret, (list, tuple)) and ret:
        return extract_score(ret[0], score_key)
    keys = [score_key] if score_key else SCORE_KEYS
    if isinstance(ret, dict) or (hasattr(ret, "keys") and hasattr(ret, "__getitem__")):
        for k in keys:
            try:
                if k in ret:
                    return extract_score(ret[k], None)
            except Exception:  # noqa: BLE001 - a mapping that refuses the key
                pass
    elif ret is not None and not isinstance(ret, (str, bytes, list, tuple)):
        # a result object (a dataclass such as rllm's RewardOutput(reward=..., is_correct=...), a namedtuple-free
        # record, a pydantic model): the score is its attribute
        for k in keys:
            try:
                v = getattr(ret, k)
            except Exception:  # noqa: BLE001 - no such attribute, or a property that raised
                continue
            if not callable(v):
                return extract_score(v, None)
    return None, "other"


def main():
    cfg = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    try:
        fd = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd, 0)
        os.close(fd)
        sys.stdin = open(os.devnull)
    except OSError:
        pass
    out_fd = os.dup(1)
    tag, nonce = cfg["tag"], cfg["nonce"]

    def report(obj):
        os.write(out_fd, ("\n%s %s %s\n" % (tag, nonce, json.dumps(obj, default=repr))).encode("utf-8", "replace"))

    sys.path.insert(0, cfg["user_dir"])
    try:
        mod = importlib.import_module(cfg["module"])
        fn = getattr(mod, cfg["function"])
    except BaseException as exc:  # noqa: BLE001 - a grader that does not load is the user's to fix
        report({"setup_error": "%s: %s" % (type(exc).__name__, exc)})
        os._exit(3)
    if not callable(fn):
        report({"setup_error": "%s:%s is not callable" % (cfg["module"], cfg["function"])})
        os._exit(3)
    adapter = cfg["adapter"]
    if adapter == "auto":
        adapter = pick_adapter(fn)
        if adapter is None:
            report({"setup_error": "cannot tell how to call %s%s from its parameters; pass --adapter "
                                   "(source, verl, verl-ds or trl)" % (cfg["function"], inspect.signature(fn))})
            os._exit(3)
    if adapter in ("verl", "verl-ds") and not cfg["has_row"]:
        params = _params(fn) or []
        needed = [p for p in params if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(needed) >= (2 if adapter == "verl" else 3):
            report({"setup_error": "adapter %s calls %s with a ground truth: pass --ground-truth FILE (the dataset "
                                   "row, JSON)" % (adapter, cfg["function"])})
            os._exit(3)
    completion = completion_text(cfg["source"], cfg.get("template"))
    try:
        ret, form = call_grader(fn, adapter, completion, cfg.get("row"), cfg["has_row"], cfg.get("trl_form", "auto"))
    except BaseException as exc:  # noqa: BLE001 - the grader rejected this submission by raising
        report({"raised": "%s: %s" % (type(exc).__name__, str(exc)[:300]), "adapter": adapter})
        _leave()
    score, kind = extract_score(ret, cfg.get("score_key"))
    try:
        shown = repr(ret)[:200]
    except Exception:  # noqa: BLE001
        shown = "<%s>" % type(ret).__name__
    report({"score": score, "kind": kind, "repr": shown, "adapter": adapter, "trl_form": form})
    _leave()


def _leave():
    """Exit now: leftover grader threads or worker processes must not hold the run open."""
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except Exception:  # noqa: BLE001
            pass
    os._exit(0)


if __name__ == "__main__":
    main()
