"""The normalized view of one episode (`EpisodeView`); test runs, visible tests and claims are read on first use."""

from __future__ import annotations

import re
from dataclasses import dataclass

from overopt.detect.episodes import Episode
from overopt.detect.view._code_blocks import FILE_NAME
from overopt.detect.view._records import CodeBlock, Command, Segment, TestRun
from overopt.detect.view._test_runs import test_run
from overopt.detect.view._visible_tests import TEST_PATH, tests_in

_FILE_IN_CMD = re.compile(rf"({FILE_NAME})")


@dataclass(init=False)
class EpisodeView:
    episode: Episode
    reasoning: list[Segment]
    final_text: list[Segment]
    user_text: list[Segment]
    tool_output: list[Segment]
    code: list[CodeBlock]
    commands: list[Command]

    def __init__(self, episode: Episode):
        self.episode = episode
        self.reasoning, self.final_text, self.user_text, self.tool_output = [], [], [], []
        self.code, self.commands = [], []
        # test_runs and visible_tests are read from these on first use (most episodes never ask)
        self._outputs: list[tuple[str, str, int, Command | None]] = []
        self._file_tests: list[CodeBlock] = []
        self._test_runs: list[TestRun] | None = None
        self._visible_tests: list[CodeBlock] | None = None
        self._claims: list | None = None

    @property
    def test_runs(self) -> list[TestRun]:
        """Test runs recognized by their output, in order."""
        if self._test_runs is None:
            runs = []
            for text, where, index, _cmd in self._outputs:
                tr = test_run(text)
                if tr is not None:
                    runs.append(TestRun(where, index, tr[0], tr[1][:200]))
            self._test_runs = runs
        return self._test_runs

    @property
    def visible_tests(self) -> list[CodeBlock]:
        """Tests the model could see: in user/system messages, tool outputs, and test files written or diffed."""
        if self._visible_tests is None:
            out: list[CodeBlock] = []
            for s in self.user_text:
                if s.text:
                    out.extend(tests_in(s.text, s.where, s.index))
            for text, where, index, cmd in self._outputs:
                path = None
                if cmd is not None and cmd.text and "test" in cmd.text:
                    pm = _FILE_IN_CMD.search(cmd.text)
                    path = pm.group(1) if pm and TEST_PATH.search(pm.group(1)) else None
                out.extend(tests_in(text, where, index, path))
            out.extend(self._file_tests)
            self._visible_tests = out
        return self._visible_tests

    @property
    def claims(self):
        """What the model claims to have done (computed once, by `overopt.detect.claims.claims_of`)."""
        if self._claims is None:
            from overopt.detect.claims import claims_of
            self._claims = claims_of(self)
        return self._claims

    def written(self) -> list[CodeBlock]:
        """Code the model wrote or ran (not quoted)."""
        return [c for c in self.code if c.origin != "quoted"]
