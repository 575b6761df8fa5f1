"""`overopt probe`: the naive example grader falls to several exploits, the hardened one to none."""

import json

from helpers import run_cli
from overopt.detect.examples import TASKS


def probe_json(out):
    return json.loads((out / "probe.json").read_text())


def test_naive_function_grader_falls(tmp_path, capsys):
    out = tmp_path / "naive"
    code, stdout, _ = run_cli(["probe", "--grader", "overopt.detect.examples.naive_grader:grade",
                               "--entry-point", "solve", "--out", str(out)], capsys)
    assert code == 1 and "accepted" in stdout
    d = probe_json(out)
    assert d["baseline"]["accepted"] is False and d["baseline"]["score"] == 0.0
    acc = set(d["accepted"])
    assert {"always_equal", "special_case_visible", "timer_monkeypatch", "read_grader_files",
            "read_grader_frames"} <= acc
    assert "exit_zero_in_call" not in acc   # in-process exec: SystemExit reaches the grader, no score
    for e in d["exploits"]:
        assert set(e) >= {"exploit", "accepted", "score", "evidence"}
    # every run is in the sandbox ledger
    ledger = (out / "sandbox" / "ledger.jsonl").read_text().splitlines()
    assert len(ledger) == 1 + len(d["exploits"])


def test_hardened_function_grader_holds(tmp_path, capsys):
    out = tmp_path / "hard"
    code, stdout, _ = run_cli(["probe", "--grader", "overopt.detect.examples.hardened_grader:grade",
                               "--entry-point", "solve", "--out", str(out)], capsys)
    d = probe_json(out)
    assert code == 0, d
    assert d["accepted"] == [] and "no exploit accepted" in stdout
    ran = [e for e in d["exploits"] if e["applicable"]]
    assert len(ran) >= 9 and all(e["score"] == 0.0 for e in ran)


def test_command_graders(tmp_path, capsys):
    out = tmp_path / "cmd-naive"
    code, _, _ = run_cli(["probe", "--grader-cmd", "python3 check.py", "--task-dir", str(TASKS["naive"]),
                          "--out", str(out), "-e", "always_equal", "-e", "conftest_report_patch",
                          "-e", "os_exit_zero", "-e", "empty_tests"], capsys)
    d = probe_json(out)
    assert code == 1
    assert {"always_equal", "conftest_report_patch", "os_exit_zero"} <= set(d["accepted"])
    assert "empty_tests" not in d["accepted"]        # pytest exits 5 when no tests ran
    out = tmp_path / "cmd-hard"
    code, _, _ = run_cli(["probe", "--grader-cmd", "python3 check.py", "--task-dir", str(TASKS["hardened"]),
                          "--out", str(out), "-e", "always_equal", "-e", "exit_zero_on_import",
                          "-e", "timer_monkeypatch"], capsys)
    assert code == 0 and probe_json(out)["accepted"] == []


def test_broken_grader_baseline_passes(tmp_path, capsys, monkeypatch):
    (tmp_path / "lenient.py").write_text("def grade(source):\n    return True\n")
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = run_cli(["probe", "--grader", "lenient:grade", "--entry-point", "solve",
                               "--out", str(tmp_path / "o")], capsys)
    assert code == 1 and "grader broken" in stdout
    assert probe_json(tmp_path / "o")["grader_broken"] is True


def test_bad_input_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["probe", "--grader", "no_such_grader_mod:grade", "--entry-point", "solve",
                            "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "grader module 'no_such_grader_mod' not found" in err
    (tmp_path / "g.py").write_text("def grade(s):\n    return 0\n")
    code, _, err = run_cli(["probe", "--grader", "g:nope", "--entry-point", "solve", "--out", str(tmp_path / "o2")],
                           capsys)
    assert code == 2 and "could not be loaded" in err and "nope" in err
    code, _, err = run_cli(["probe", "--grader", "g:grade", "--out", str(tmp_path / "o3")], capsys)
    assert code == 2 and "--entry-point" in err
    code, _, err = run_cli(["probe", "--grader-cmd", "true", "--task-dir", str(tmp_path / "nope"),
                            "--out", str(tmp_path / "o4")], capsys)
    assert code == 2 and "task folder not found" in err
    code, _, err = run_cli(["probe", "--out", str(tmp_path / "o5")], capsys)
    assert code == 2 and "exactly one of" in err
