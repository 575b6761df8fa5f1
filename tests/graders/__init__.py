"""Fixture graders for the `overopt probe` tests (test-only; not installed with overopt).

Each module reproduces, in code written for this project, the grading logic of a grader that a
real RL framework ships, and has a hardened counterpart of the same shape. All grade one task,
`solve(nums)` -> the distinct values of nums, largest first (`fixture_task`), as a function or as a
stdin/stdout program. Module docstrings name the real grader and its holes; every hole is
confirmed by a hand-written exploit (`hand_exploits`) in tests/test_probe_fixtures.py.

Real grader -> naive MODULE:FUNCTION | hardened MODULE:FUNCTION (dataset row)
- verl prime_code, call-based (fn_name): prime_code_fixture:compute_score |
  hardened_prime_code:compute_score (verl_call_row.json)
- verl prime_code, stdin, via default_compute_score: prime_code_fixture:default_compute_score |
  hardened_prime_code:default_compute_score (verl_stdio_row.json)
- open-r1 code_reward (TRL, conversational): open_r1_code_fixture:code_reward |
  hardened_open_r1:code_reward (open_r1_row.json)
- a TRL reward running MBPP test_list asserts: trl_test_list:test_list_reward |
  hardened_trl_test_list:test_list_reward (mbpp_row.json)
- HumanEval/EvalPlus check(candidate), as a verl custom reward: evalplus_check:compute_score |
  hardened_evalplus:compute_score (humaneval_row.json)
- a pytest file given as a string (KodCode): pytest_string_grader:grade |
  hardened_pytest_suite:grade (kodcode_row.json)
- a visible pytest folder, `--grader-cmd "python3 -m pytest -q"`: pytest_task/ |
  pytest_task_hardened/ graded by `python3 hardened_pytest_suite.py`

The modules import each other as top-level modules: run them with this folder as the current
folder (as `overopt probe --grader MODULE:FUNCTION` does) or on sys.path. Reference and
wrong-but-honest solutions are in `solutions/`.
"""
