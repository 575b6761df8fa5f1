"""A detector that raises is counted per detector in summary.json and report.md, not silently swallowed."""

import json

from overopt.detect import scan as scan_mod
from overopt.detect.base import Detector
from overopt.detect.detectors import all_detectors, run_detectors
from overopt.detect.episodes import parse_episode


class Boom(Detector):
    name, version, categories = "test.boom", "0", ("repetition",)

    def detect(self, ep):
        if ep.id.endswith("1"):
            raise RuntimeError("rule bug")
        return []


def test_run_detectors_counts_errors():
    errors = {}
    ep = parse_episode({"id": "e1", "messages": [{"role": "user", "content": "hi"}]})
    assert run_detectors(ep, [Boom()], errors) == []
    assert errors["test.boom"]["count"] == 1 and "RuntimeError: rule bug" in errors["test.boom"]["last_error"]
    assert run_detectors(ep, [Boom()]) == []   # without a dict: still no crash


def test_scan_summary_reports_detector_errors(tmp_path, monkeypatch):
    eps = [{"id": f"e{i}", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
           for i in range(4)]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(e) + "\n" for e in eps))
    monkeypatch.setattr(scan_mod, "select", lambda cats=None: all_detectors() + [Boom()])
    out = tmp_path / "out"
    out.mkdir()
    s = scan_mod.scan(scan_mod.ScanConfig(files=[str(src)]), out).summary   # the CLI writes this as summary.json
    assert s["episodes"] == 4
    assert s["detector_errors"]["test.boom"]["count"] == 1
    assert s["detector_errors"]["test.boom"]["last_episode"] == "e1"
    per = {d["name"]: d["errors"] for d in s["detectors"]}
    assert per["test.boom"] == 1 and per["code.tests"] == 0
    assert "Detector errors" in (out / "report.md").read_text()
