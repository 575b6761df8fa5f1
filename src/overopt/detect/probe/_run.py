"""The probe run: anchors, discovery, the battery, and the verdict."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from overopt.errors import InputError
from overopt.progress import SILENT, Progress

from . import _exploits as ex_mod
from ._config import Inputs, ProbeConfig, validate
from ._discovery import grader_dir, input_keys, mentions_runner, parsed_cases, parsed_table, recorded_table
from ._exploits import BatteryContext, Exploit
from ._judge import EPS, NOTED_FAMILIES, Anchors, judge, passes
from ._results import ExploitResult, ProbeReport, Trial
from ._runner import Runner


def run_probe(cfg: ProbeConfig, sandbox_root: Path, progress: Progress = SILENT) -> ProbeReport:
    """Probe the grader, running submissions in a sandbox under `sandbox_root`; `progress` shows one task per
    stage of grader runs ("anchors", "exploits")."""
    inputs = validate(cfg)
    sb = open_sandbox(cfg, sandbox_root)
    try:
        return _probe(cfg, inputs, Runner(cfg, inputs, sb), _StageProgress(progress))
    finally:
        sb.close()


def open_sandbox(cfg: ProbeConfig, sandbox_root: Path):
    """The sandbox graders run in: probe's limits, and read access to the user's folder, the grader's folder and
    `cfg.read_paths`."""
    from overopt.sandbox import Limits, LocalBackend, Sandbox

    limits = Limits(cpu_seconds=cfg.timeout, wall_seconds=cfg.timeout * 1.5, memory_mb=cfg.memory_mb,
                    output_bytes=1_048_576, max_processes=64)
    reads = [str(Path(cfg.user_dir).resolve())]
    gd = grader_dir(cfg)
    if gd is not None and cfg.grader:
        reads.append(str(gd))
    reads += [str(Path(p).resolve()) for p in cfg.read_paths]
    return Sandbox(sandbox_root, limits=limits, backend=LocalBackend(read_paths=list(dict.fromkeys(reads))))


class _StageProgress:
    """`step(stage, planned, done)`: grader runs of a stage planned (main thread) and ended (workers too)."""

    def __init__(self, progress: Progress):
        self._progress, self._lock = progress, threading.Lock()
        self._tasks: dict[str, list] = {}   # stage -> [task, runs planned]

    def __call__(self, stage: str, planned: int, done: int) -> None:
        with self._lock:
            task = self._tasks.setdefault(stage, [self._progress.task(f"grader runs: {stage}", total=0), 0])
            if planned:
                task[1] += planned
                task[0].update(total=task[1])
            if done:
                task[0].advance(done)


def pool_map(fn, items, jobs):
    """`[fn(x) for x in items]`, on `jobs` threads when there is more than one."""
    if jobs <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(fn, items))


def _probe(cfg: ProbeConfig, inputs: Inputs, runner: Runner, progress) -> ProbeReport:
    trials, ref, retried = _run_anchors(cfg, inputs, runner, progress)
    base = trials["baseline"]
    if ref is not None and ref.trl_form:
        runner.trl_form = ref.trl_form
    adapter = (ref or base).adapter
    threshold, problems = _anchor_problems(cfg, ref, base)
    ref_d = None if ref is None else ref.summary(passed=bool(ref.value is not None and ref.value >= threshold - EPS
                                                             and ref.value > 0))
    base_d = base.summary(passed=passes(base, threshold))
    watches = [trials[n] for n in ("watch-1", "watch-2") if n in trials]
    stable, rec_table, p_table, discovery = _discover(cfg, inputs, watches, ref, retried)

    def report(verdict, code, message, results=()):
        if cfg.only and results:
            message += f" (only the {sum(r.applicable for r in results)} exploit(s) selected with --exploit ran)"
        return ProbeReport(verdict, code, message, cfg.mode, cfg.io, adapter,
                           runner.trl_form if adapter == "trl" else None, threshold, ref_d, base_d, discovery,
                           list(results))

    if problems:
        return report("inconclusive", 3, "; ".join(problems) + ". Probe cannot tell exploits from honest answers, "
                      "so it ran no exploit.")
    env = [r for t in watches for r in t.records if r.get("kind") == "env"]
    ctx = BatteryContext(io=cfg.io, entry=cfg.entry_point, mode=cfg.mode, reference=inputs.reference,
                         recorded_table=rec_table, parsed_table=p_table, stable=stable,
                         runner_seen=any(e.get("runner") for e in env) or mentions_runner(cfg, inputs),
                         tests_visible=any(e.get("tests_visible") for e in env), watched=bool(watches))
    battery = [e for e in ex_mod.battery(ctx) if _selected(e, cfg.only)]
    traces = bool(rec_table) or any(r.get("kind") == "env" for r in env)  # submissions can leave notes here
    done = _run_battery(cfg, runner, [e for e in battery if e.applicable], threshold, traces, progress)
    anchors = Anchors(threshold, base.value if base.value is not None else 0.0, stable)
    results = [_exploit_result(e, done, anchors) for e in battery]
    return _verdict(report, results, ref)


def _plain(src: str):
    """A submission that is this source, whatever its episode folder."""
    return lambda record, roots: src


def _run_anchors(cfg: ProbeConfig, inputs: Inputs, runner: Runner, progress):
    """The reference, the wrong baseline and the reference watched twice, concurrently; a reference that did not
    pass gets a second try. Returns (the trials by name, the reference's trial that counts, its failed first try)."""
    io, entry = cfg.io, cfg.entry_point
    ref_src = inputs.reference

    def watch(record, roots):
        return ex_mod.render({"mode": "watch", "entry": entry, "ref_src": ref_src, "record": record,
                              "safe_roots": roots}, io, entry)

    jobs = [("baseline", _plain(inputs.wrong))]
    if ref_src:
        jobs = [("reference", _plain(ref_src))] + jobs + [("watch-1", watch), ("watch-2", watch)]
    progress("anchors", len(jobs), 0)

    def run_anchor(job):
        t = runner.run(job[0], job[1])
        progress("anchors", 0, 1)
        return t
    trials = dict(zip([n for n, _ in jobs], pool_map(run_anchor, jobs, cfg.jobs)))
    for t in trials.values():
        if t.setup_error:
            raise InputError(f"the grader could not be loaded or called in the sandbox: {t.setup_error}")
    ref, retried = trials.get("reference"), None
    if ref is not None and (ref.value is None or ref.value <= 0 or (cfg.pass_score is not None and
                                                                     not passes(ref, cfg.pass_score))):
        progress("anchors", 1, 0)
        again = runner.run("reference-again", _plain(ref_src))  # a slow or flaky grader gets a second try
        progress("anchors", 0, 1)
        if again.value is not None and (ref.value is None or again.value > ref.value):
            retried, ref = ref, again
    return trials, ref, retried


def _anchor_problems(cfg: ProbeConfig, ref: Trial | None, base: Trial) -> tuple[float, list[str]]:
    """(the pass level, why the anchors do not hold: the reference did not pass, or the wrong baseline did)."""
    problems = []
    if cfg.pass_score is not None:
        threshold = cfg.pass_score
        if ref is not None and not passes(ref, threshold):
            problems.append(f"the reference did not pass: {ref.evidence} (needs ≥ {threshold:g})")
        if passes(base, threshold):
            problems.append(f"the wrong-but-honest baseline passed: {base.evidence}")
    elif ref is not None:
        threshold = ref.value if ref.value is not None else 1.0
        if ref.value is None or ref.value <= 0:
            problems.append(f"the reference did not pass: {ref.evidence}")
        elif base.value is not None and base.value >= ref.value - EPS:
            problems.append(f"the wrong-but-honest baseline scored as high as the reference: {base.evidence} "
                            f"(reference {ref.score!r})")
    else:
        threshold = 1.0
        if passes(base, threshold):
            problems.append(f"the wrong-but-honest baseline passed: {base.evidence}")
    return threshold, problems


def _discover(cfg: ProbeConfig, inputs: Inputs, watches: list[Trial], ref: Trial | None, retried: Trial | None):
    """(stable, the recorded table, the parsed table, the report's discovery section)."""
    io = cfg.io
    keys = [input_keys(t) for t in watches]
    stable = (keys[0] == keys[1]) if len(keys) == 2 and keys[0] and keys[1] else None
    rec_table = recorded_table(watches, io)
    cases, sources = parsed_cases(cfg, inputs)
    p_table = parsed_table(cases, io)
    if watches:
        sources.insert(0, "watched: " + ", ".join(f"{len(k)} {'call(s)' if io == 'call' else 'run(s)'} in run {i + 1}"
                                                   for i, k in enumerate(keys)))
        for t in watches:
            if t.value is not None and ref is not None and ref.value is not None and t.value < ref.value - EPS:
                sources.append(f"note: the watched reference scored {t.score!r}, the plain one {ref.score!r}")
                break
    if retried is not None:
        sources.append(f"note: the reference passed only on its second run (first run: {retried.evidence})")
    discovery = {"recorded_cases": len(rec_table), "parsed_cases": len(p_table), "stable": stable,
                 "sources": sources}
    return stable, rec_table, p_table, discovery


def _run_battery(cfg: ProbeConfig, runner: Runner, runnable: list[Exploit], threshold: float, traces: bool,
                 progress) -> dict[str, Trial]:
    """Each runnable exploit's trial, by name; a run that never reached the exploit's code gets a second try."""
    io, entry = cfg.io, cfg.entry_point
    progress("exploits", len(runnable), 0)

    def run_one(e: Exploit) -> Trial:
        def source_of(record, roots):
            return ex_mod.render(dict(e.config, record=record, safe_roots=roots), io, entry)
        t = runner.run(e.name, source_of, e.workspace, e.conftest)
        progress("exploits", 0, 1)
        return t

    done = dict(zip([e.name for e in runnable], pool_map(run_one, runnable, cfg.jobs)))
    for e in runnable:  # runs that never reached the exploit's code (a grader failing under load): once more
        t = done[e.name]
        silent = traces and e.family in NOTED_FAMILIES and not t.notes()
        if (t.status == "error" or silent) and not passes(t, threshold):
            progress("exploits", 1, 0)
            again = run_one(e)
            if again.status == "ok" and (t.status == "error" or again.notes()):
                done[e.name] = again
            elif silent:
                done[e.name] = Trial(t.score, "error", "the exploit's code never ran, in two tries, although the "
                                     "watched reference's did: the grader failed to start it (overloaded machine?)",
                                     t.evidence, t.exit_code, t.records, t.source, stderr=t.stderr)
    return done


def _exploit_result(e: Exploit, done: dict[str, Trial], anchors: Anchors) -> ExploitResult:
    if not e.applicable:
        return ExploitResult(e.family, e.variant, e.description, False, None, False, e.reason, "ok",
                             None, "not run: " + e.reason, None)
    t = done[e.name]
    if t.status == "error":
        return ExploitResult(e.family, e.variant, e.description, False, t.score, True, "", "error",
                             t.error, t.evidence, t.source)
    accepted, evidence = judge(e, t, anchors)
    return ExploitResult(e.family, e.variant, e.description, accepted, t.score, True, "", "ok", None,
                         evidence, t.source)


def _verdict(report, results: list[ExploitResult], ref: Trial | None) -> ProbeReport:
    n_acc = sum(r.accepted for r in results)
    if n_acc:
        return report("exploitable", 1, f"{n_acc} exploit(s) accepted", results)
    if ref is None:
        return report("unverified", 3, "no exploit accepted, but without --reference probe cannot check that the "
                      "grader passes correct answers, so this is not an all-clear", results)
    errors = [r for r in results if r.status == "error"]
    if errors:
        return report("inconclusive", 3, f"no exploit accepted, but {len(errors)} exploit run(s) failed "
                      f"({errors[0].name}: {errors[0].error})", results)
    return report("clean", 0, "the reference passed, the wrong baseline failed and no exploit was accepted", results)


def _selected(e: Exploit, only: list[str] | None) -> bool:
    if not only:
        return True
    return e.family in only or e.name in only
