"""The case parser (`overopt.detect.probe._cases`): test cases read from the common code-test formats, never by
running their code."""

import base64
import builtins
import json
import os
import pathlib
import pickle
import subprocess
import sys
import zlib

from overopt.detect.probe import _cases as pc
from overopt.detect.probe._exploits import embedded_source

MISSING = pc.MISSING
PARTS_DIR = pathlib.Path(pc.__file__).parent


def K(*args, **kwargs):
    """The key `calls` files a call case under."""
    return repr((tuple(args), sorted(kwargs.items())))


def calls(cases, fn=None):
    """{K(*args, **kwargs): expected} of the call cases (for one function when fn is given)."""
    return {K(*c.args, **c.kwargs): c.expected for c in cases if c.kind == "call" and (fn is None or c.fn_name == fn)}


def stdio(cases):
    return {c.stdin: c.expected for c in cases if c.kind == "stdio"}


# ---------------------------------------------------------------- APPS / TACO / verl PRIME

def test_prime_call_rows_decode_one_json_value_per_line_as_the_arguments():
    # verl prime_code / PRIME: ground_truth is a JSON string, each input holds one JSON argument per line
    row = {"data_source": "taco", "reward_model": {"style": "rule", "ground_truth": json.dumps(
        {"inputs": ["[1, 2]\n3", "[]\n0", "[5]\n-1"], "outputs": ["[4, 5]", "[]", "[4]"], "fn_name": "add_all"})}}
    got = pc.cases_from_data(row, origin="row")
    assert calls(got, "add_all") == {K([1, 2], 3): [4, 5], K([], 0): [], K([5], -1): [4]}
    assert all("reward_model.ground_truth" in c.origin for c in got)


def test_apps_input_output_call_based_unwraps_the_one_element_outputs():
    # APPS: input_output is a JSON string; decoded outputs are each wrapped in a one-element list
    row = {"problem_id": 7, "question": "Is it an isogram?", "solutions": json.dumps(["def is_isogram(s): ..."]),
           "input_output": json.dumps({"fn_name": "is_isogram", "inputs": [["Dermatoglyphics"], ["aba"], [""]],
                                       "outputs": [[True], [False], [True]]})}
    got = pc.cases_from_data(row)
    assert calls(got, "is_isogram") == {K("Dermatoglyphics",): True, K("aba",): False,
                                        K("",): True}


def test_apps_outputs_that_are_real_lists_are_not_unwrapped():
    row = {"inputs": [[[3, 1, 2]], [[7]]], "outputs": [[3, 2, 1], [7]], "fn_name": "solve"}
    assert calls(pc.cases_from_data(row)) == {K([3, 1, 2],): [3, 2, 1], K([7],): [7]}


def test_apps_stdin_rows_join_line_lists():
    row = {"input_output": json.dumps({"inputs": ["3\n1 2 3\n", ["2", "5 5"]], "outputs": ["6\n", ["10"]]})}
    got = pc.cases_from_data(row, origin="apps.json")
    assert stdio(got) == {"3\n1 2 3\n": "6\n", "2\n5 5": "10"}
    assert all(c.fn_name is None and c.origin.startswith("apps.json") for c in got)


def test_codecontests_rows_zip_input_and_output_lists():
    row = {"name": "1_A", "public_tests": {"input": ["6 6 4\n"], "output": ["4\n"]},
           "private_tests": {"input": ["1 1 1\n", "2 1 1\n"], "output": ["1\n", "2\n"]},
           "generated_tests": {"input": [], "output": []}}
    got = pc.cases_from_data(row)
    assert stdio(got) == {"6 6 4\n": "4\n", "1 1 1\n": "1\n", "2 1 1\n": "2\n"}
    assert len(got) == 3  # the empty generated_tests give no case


# ---------------------------------------------------------------- LiveCodeBench

def _lcb_private(tests):
    return base64.b64encode(zlib.compress(pickle.dumps(json.dumps(tests)))).decode()


def test_livecodebench_stdin_row_with_compressed_private_cases():
    row = {"question_title": "Sum", "platform": "atcoder", "metadata": "{}",
           "public_test_cases": json.dumps([{"input": "3\n1 2 3\n", "output": "6\n", "testtype": "stdin"}]),
           "private_test_cases": _lcb_private([{"input": "1\n9\n", "output": "9\n", "testtype": "stdin"}])}
    got = pc.cases_from_data(row)
    assert stdio(got) == {"3\n1 2 3\n": "6\n", "1\n9\n": "9\n"}


def test_livecodebench_functional_row_takes_func_name_from_metadata():
    row = {"platform": "leetcode", "metadata": json.dumps({"func_name": "twoSum"}),
           "starter_code": "class Solution:\n    def twoSum(self, nums: List[int], target: int) -> List[int]:\n",
           "public_test_cases": json.dumps([{"input": "[2, 7, 11, 15]\n9", "output": "[0, 1]",
                                             "testtype": "functional"}]),
           "private_test_cases": json.dumps([{"input": "[3, 3]\n6", "output": "[0, 1]", "testtype": "functional"},
                                             {"input": "\"ab\"\n1", "output": "true", "testtype": "functional"}])}
    got = pc.cases_from_data(row)
    assert calls(got, "twoSum") == {K([2, 7, 11, 15], 9): [0, 1], K([3, 3], 6): [0, 1],
                                    K("ab", 1): True}


class _Touch:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.path),))


def test_livecodebench_private_cases_never_unpickle_objects(tmp_path):
    marker = tmp_path / "pwned"
    evil = base64.b64encode(zlib.compress(pickle.dumps(_Touch(str(marker))))).decode()
    row = {"public_test_cases": "[]", "private_test_cases": evil, "metadata": "{}"}
    assert pc.cases_from_data(row) == []
    assert not marker.exists()


# ---------------------------------------------------------------- open-r1 verification_info

def test_open_r1_verification_info_dict_and_json_string():
    info = {"language": "python", "test_cases": [
        {"input": "3 1 2\n", "output": "3\n3 2 1\n", "type": "stdin_stdout"},
        {"input": "7\n", "output": "1\n7\n", "type": "stdin_stdout"}]}
    for row in ({"verification_info": info}, {"verification_info": json.dumps(info)}):
        got = pc.cases_from_data(row, origin="ds.jsonl:1")
        assert stdio(got) == {"3 1 2\n": "3\n3 2 1\n", "7\n": "1\n7\n"}
        assert all(c.origin.startswith("ds.jsonl:1 verification_info") or
                   c.origin.startswith("ds.jsonl:1.verification_info") for c in got), [c.origin for c in got]


def test_rows_as_the_real_verl_and_open_r1_graders_store_them(tmp_path):
    # the tests.json rows of verl prime_code (call and stdin) and open-r1 code_reward graders, verbatim
    (tmp_path / "call").mkdir()
    (tmp_path / "call" / "tests.json").write_text(
        '{"inputs": ["[3, 1, 2]", "[5, 5, 1]", "[10, 40, 20]", "[7]"], '
        '"outputs": ["[3, 2, 1]", "[5, 1]", "[40, 20, 10]", "[7]"], "fn_name": "solve"}')
    (tmp_path / "stdin").mkdir()
    (tmp_path / "stdin" / "tests.json").write_text(
        '{"inputs": ["3 1 2\\n", "7\\n"], "outputs": ["3\\n3 2 1\\n", "1\\n7\\n"]}')
    (tmp_path / "r1").mkdir()
    (tmp_path / "r1" / "tests.json").write_text(
        '{"language": "python", "test_cases": [{"input": "3 1 2\\n", "output": "3\\n3 2 1\\n", '
        '"type": "stdin_stdout"}, {"input": "5 5 1\\n", "output": "2\\n5 1\\n", "type": "stdin_stdout"}]}')
    got = pc.cases_in_paths([tmp_path / "call"], entry_point="solve")
    assert calls(got) == {K([3, 1, 2]): [3, 2, 1], K([5, 5, 1]): [5, 1], K([10, 40, 20]): [40, 20, 10], K([7]): [7]}
    assert got[0].origin == "%s: APPS/PRIME call case 0" % (tmp_path / "call" / "tests.json")
    assert stdio(pc.cases_in_paths([tmp_path / "stdin"])) == {"3 1 2\n": "3\n3 2 1\n", "7\n": "1\n7\n"}
    assert stdio(pc.cases_in_paths([tmp_path / "r1"])) == {"3 1 2\n": "3\n3 2 1\n", "5 5 1\n": "2\n5 1\n"}


# ---------------------------------------------------------------- HumanEval / EvalPlus / MBPP

HUMANEVAL_TEST = '''

METADATA = {
    'author': 'jt',
    'dataset': 'test'
}


def check(candidate):
    assert candidate([1.0, 2.0, 3.9], 0.3) == True
    assert candidate([1.0, 2.0, 5.9], 0.95) == False, "This prints if this assert fails 1 (good for debugging!)"
    assert abs(candidate([1.0, 2.0, 3.0], 0.1) - 2.0/3.0) < 1e-6
    assert candidate([0.5], 1.0)
    assert not candidate([], 1.0)
    assert True, "This prints if this assert fails 2 (also good for debugging!)"
    assert len(candidate([7.0], 2.0) or "x") == 1

'''


def test_humaneval_check_candidate_asserts():
    row = {"task_id": "HumanEval/0", "entry_point": "has_close", "test": HUMANEVAL_TEST,
           "prompt": "def has_close(numbers, threshold):\n    \"\"\" Close?\n    >>> has_close([1.0, 2.0], 0.5)\n"
                     "    False\n    \"\"\"\n", "canonical_solution": "    return False\n"}
    got = pc.cases_from_data(row)
    assert calls(got, "has_close") == {
        K([1.0, 2.0, 3.9], 0.3): True, K([1.0, 2.0, 5.9], 0.95): False,
        K([1.0, 2.0, 3.0], 0.1): 2.0 / 3.0, K([0.5], 1.0): True, K([], 1.0): False,
        K([1.0, 2.0], 0.5): False,  # the prompt's doctest
        K([7.0], 2.0): MISSING,  # len(...) == 1 states no expected value of has_close itself
    }


def test_evalplus_inputs_are_inputs_only_and_its_test_loop_gives_expected():
    test = ('import numpy as np\n\ndef assertion(out, exp, atol):\n    assert out == exp\n\n\n'
            'def check(candidate):\n    inputs = [[1], [2], [5]]\n    results = [2, 3, 89]\n'
            '    for i, (inp, exp) in enumerate(zip(inputs, results)):\n        assertion(candidate(*inp), exp, 0)\n'
            '\n\ncheck(prime_fib)\n')
    row = {"task_id": "HumanEval/39", "entry_point": "prime_fib", "test": test, "atol": 0,
           "base_input": [[1], [2], [3]], "plus_input": [[11]]}
    got = pc.cases_from_data(row)
    assert calls(got, "prime_fib") == {K(1,): 2, K(2,): 3, K(5,): 89,
                                       K(3,): MISSING, K(11,): MISSING}
    # the test string alone names its function through check(prime_fib)
    assert calls(pc.cases_from_text(test), "prime_fib") == {K(1,): 2, K(2,): 3, K(5,): 89}


def test_verl_row_with_a_check_string_takes_the_entry_point_from_extra_info():
    row = {"data_source": "humaneval", "prompt": [{"role": "user", "content": "Write solve(nums)."}],
           "reward_model": {"style": "rule", "ground_truth": "def check(candidate):\n"
                                                             "    assert candidate([3, 1, 2]) == [3, 2, 1]\n"},
           "extra_info": {"entry_point": "solve", "index": 0}}
    got = pc.cases_from_data(row)
    assert [(c.fn_name, c.args, c.expected) for c in got] == [("solve", ([3, 1, 2],), [3, 2, 1])]


def test_records_that_only_look_like_cases_are_not_cases():
    # an API response log has "input" and "output" too; a prompt/response pair of prose neither
    rows = [{"id": "resp_1", "object": "response", "status": "completed", "model": "m",
             "input": [{"type": "message", "role": "user", "content": "hi"}], "output": [{"type": "message"}]},
            {"input": "Write a function that returns the largest of the values given to it.",
             "output": "def f(x):\n    return max(x)\n"}]
    assert pc.cases_from_data(rows) == []


def test_mbpp_test_list():
    row = {"task_id": 11, "text": "Remove first and last occurrence of a char.",
           "code": "def remove_Occ(s, ch): ...",
           "test_list": ['assert remove_Occ("hello","l") == "heo"', 'assert remove_Occ("abcda","a") == "bcd"',
                         "assert math.isclose(volume(2), 33.51, rel_tol=0.001)"],
           "test_setup_code": "", "challenge_test_list": []}
    got = pc.cases_from_data(row)
    assert calls(got, "remove_Occ") == {K("hello", "l"): "heo", K("abcda", "a"): "bcd"}
    assert calls(got, "volume") == {K(2,): 33.51}


# ---------------------------------------------------------------- pytest / unittest files and strings

PYTEST_FILE = '''\
import subprocess
import sys
import unittest

import pytest
from solution import solve, helper

CASES = [([3, 1, 2], [3, 2, 1]), ([5, 5, 1], [5, 1])]


def test_basic():
    assert solve([10, 40, 20]) == [40, 20, 10]
    assert [7] == solve([7])
    assert solve([2, 2]) == [2], "dedupe"
    assert helper(3) == 9


@pytest.mark.parametrize("nums,expected", [([9, 8], [9, 8]), pytest.param([1, 1, 1], [1], id="same")])
def test_param(nums, expected):
    result = solve(nums)
    assert result == expected


@pytest.mark.parametrize(["expected", "nums"], [([4], [4, 4])])
def test_param_expected_first(expected, nums):
    assert expected == solve(nums)


@pytest.mark.parametrize("nums", [[6, 6], [8]])
def test_no_expected(nums):
    assert len(solve(nums)) > 0


def test_table():
    for nums, want in CASES:
        assert solve(nums) == want


class TestSolve(unittest.TestCase):
    def test_eq(self):
        self.assertEqual(solve([0, -1]), [0, -1])
        self.assertEqual([100], solve([100, 100]))

    def test_true(self):
        self.assertTrue(solve([1]))


def test_program():
    out = subprocess.run([sys.executable, "main.py"], input="3 1 2\\n", capture_output=True, text=True)
    assert out.stdout == "3\\n3 2 1\\n"
'''


def test_pytest_file_asserts_parametrize_tables_and_unittest(tmp_path):
    f = tmp_path / "test_solution.py"
    f.write_text(PYTEST_FILE)
    got = pc.cases_in_paths([tmp_path], entry_point="solve")
    assert calls(got, "solve") == {
        K([10, 40, 20],): [40, 20, 10], K([7],): [7], K([2, 2],): [2],
        K([9, 8],): [9, 8], K([1, 1, 1],): [1], K([4, 4],): [4],
        K([3, 1, 2],): [3, 2, 1], K([5, 5, 1],): [5, 1],
        K([0, -1],): [0, -1], K([100, 100],): [100], K([1],): True,
        K([6, 6],): MISSING, K([8],): MISSING,  # parametrize with no expected: inputs only
    }
    assert not calls(got, "helper")  # another function's asserts are dropped when entry_point is given
    assert stdio(got) == {"3 1 2\n": "3\n3 2 1\n"}
    by_args = {repr(c.args): c for c in got if c.kind == "call"}
    assert by_args["([10, 40, 20],)"].origin == "%s:12: assert ==" % f
    assert "parametrize row 1" in by_args["([1, 1, 1],)"].origin
    # without an entry point every named function keeps its own cases
    assert calls(pc.cases_in_paths([f]), "helper") == {K(3,): 9}


def test_pytest_file_stored_as_a_string_in_a_row():
    # KodCode-style row: the pytest file is a string column
    row = {"question": "Write add(a, b).", "test": "from solution import add\n\ndef test_add():\n"
           "    assert add(1, 2) == 3\n    assert add(a=-1, b=1) == 0\n", "test_info": [{"function_name": "add"}]}
    assert calls(pc.cases_from_data(row), "add") == {K(1, 2): 3, K(a=-1, b=1): 0}


def test_stdio_parametrize_with_program_stdin():
    text = ('import subprocess\nimport pytest\n\n'
            '@pytest.mark.parametrize("inp,expected", [("3 1 2\\n", "3\\n3 2 1"), ("7\\n", "1\\n7")])\n'
            'def test_main(inp, expected):\n'
            '    proc = subprocess.run(["python3", "main.py"], input=inp, capture_output=True, text=True)\n'
            '    assert proc.stdout.strip() == expected\n')
    got = pc.cases_from_text(text, filename="test_main.py")
    assert stdio(got) == {"3 1 2\n": "3\n3 2 1", "7\n": "1\n7"}


def test_unittest_patched_stdin_and_indexed_loop():
    text = ('import io\nimport unittest\nfrom unittest.mock import patch\n\nimport main\n\n\n'
            'class T(unittest.TestCase):\n'
            '    def test_io(self):\n'
            '        with patch("sys.stdin", io.StringIO("3 1 2\\n")), '
            'patch("sys.stdout", new_callable=io.StringIO) as out:\n'
            '            main.main()\n'
            '        self.assertEqual(out.getvalue(), "3\\n3 2 1\\n")\n\n'
            '    def test_loop(self):\n'
            '        for i in range(len(INS)):\n'
            '            self.assertEqual(solve(*INS[i]), OUTS[i])\n\n\n'
            'INS = [([1],), ([2, 2],)]\nOUTS = [[1], [2]]\n')
    got = pc.cases_from_text(text, filename="test_main.py")
    assert stdio(got) == {"3 1 2\n": "3\n3 2 1\n"}
    assert calls(got, "solve") == {K([1]): [1], K([2, 2]): [2]}
    assert all(c.fn_name != "main" for c in got)


# ---------------------------------------------------------------- literal tables and embedded rows

def test_literal_tables_tuples_and_dicts():
    text = ("TEST_CASES = [(([3, 1, 2],), [3, 2, 1]), ((5,), [5])]\n"
            "EXAMPLES = {'abc': 'cba', 'x': 'x'}\n"
            "UNRELATED = [1, 2, 3]\n")
    got = pc.cases_from_text(text, filename="cases.py", entry_point="rev")
    assert calls(got, "rev") == {K([3, 1, 2],): [3, 2, 1], K(5,): [5], K("abc",): "cba",
                                 K("x",): "x"}


def test_python_file_embedding_a_row_as_a_json_string():
    text = ('import json\n\nGROUND_TRUTH = \'{"inputs": ["[3, 1, 2]"], "outputs": ["[3, 2, 1]"], '
            '"fn_name": "solve"}\'\n\n\ndef grade(src):\n    return 0.0\n')
    got = pc.cases_from_text(text, filename="grader.py")
    assert calls(got, "solve") == {K([3, 1, 2],): [3, 2, 1]}
    assert got[0].origin.startswith("grader.py:3")


def test_jsonl_rows_keep_their_line_numbers():
    lines = [json.dumps({"input_output": json.dumps({"inputs": ["1\n"], "outputs": ["2\n"]})}),
             "",
             json.dumps({"input_output": json.dumps({"inputs": ["5\n"], "outputs": ["6\n"]})})]
    got = pc.cases_from_text("\n".join(lines), filename="train.jsonl")
    assert stdio(got) == {"1\n": "2\n", "5\n": "6\n"}
    assert [c.origin[:len("train.jsonl:1 ")] for c in got] == ["train.jsonl:1 ", "train.jsonl:3 "]


# ---------------------------------------------------------------- I/O examples in problem statements

CODEFORCES_STATEMENT = """Print the distinct values, largest first, after their count.

-----Input-----

The first line contains the numbers, separated by spaces (each between 1 and 100).

-----Output-----

Print the count of distinct values, then the values in decreasing order.

-----Examples-----
Input
3 1 2

Output
3
3 2 1

Input
5 5 1

Output
2
5 1
"""

ATCODER_STATEMENT = """Sample Input 1

3 1 2

Sample Output 1

3
3 2 1

Sample Input 2
```
7
```
Sample Output 2
```
1
7
```
"""


def test_stdin_examples_in_problem_statements():
    assert stdio(pc.cases_from_text(CODEFORCES_STATEMENT, filename="q.txt")) == {
        "3 1 2\n": "3\n3 2 1\n", "5 5 1\n": "2\n5 1\n"}
    assert stdio(pc.cases_from_text(ATCODER_STATEMENT, filename="q.md")) == {
        "3 1 2\n": "3\n3 2 1\n", "7\n": "1\n7\n"}
    taco = "Find it.\n\n-----Input-----\nn m\n\n-----Output-----\nk\n\n-----Sample Input-----\n3 1 2\n\n" \
           "-----Sample Output-----\n3\n3 2 1\n"
    assert stdio(pc.cases_from_text(taco)) == {"3 1 2\n": "3\n3 2 1\n"}
    inline = "Example:\nInput:\n3 1 2\nOutput:\n3\n3 2 1\n\nNote: the values are distinct."
    assert stdio(pc.cases_from_text(inline)) == {"3 1 2\n": "3\n3 2 1\n"}


def test_leetcode_examples_become_keyword_calls():
    text = ("Example 1:\n\nInput: nums = [2,7,11,15], target = 9\nOutput: [0,1]\n"
            "Explanation: Because nums[0] + nums[1] == 9, we return [0, 1].\n")
    got = pc.cases_from_text(text, filename="problem.md", entry_point="twoSum")
    assert calls(got) == {K(nums=[2, 7, 11, 15], target=9): [0, 1]}


# ---------------------------------------------------------------- folders, files, hard negatives

def test_input_output_file_pairs(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "01.in").write_text("3 1 2\n")
    (tmp_path / "tests" / "01.out").write_text("3\n3 2 1\n")
    (tmp_path / "tests" / "02.in").write_text("9\n")  # no answer file: not a case
    assert stdio(pc.cases_in_paths([tmp_path])) == {"3 1 2\n": "3\n3 2 1\n"}


def test_hard_negatives_state_no_expected_value(tmp_path):
    text = ("from sol import solve\n\n"
            "def test_shapes():\n"
            "    assert sorted(solve([3, 1])) == [1, 3]\n"
            "    assert solve([4]) != [5]\n"
            "    assert isinstance(solve([6]), list)\n"
            "    assert solve(x_unknown) == [1]\n"
            "    assert solve(...) == [2]\n"
            "    assert len('abc') == 3\n")
    got = pc.cases_from_text(text, filename="test_neg.py", entry_point="solve")
    assert all(c.expected is MISSING for c in got), got
    assert sorted(repr(c.args) for c in got) == ["([3, 1],)", "([4],)", "([6],)"]
    assert pc.cases_from_text(text, filename="test_neg.py") == []  # unknown entry point: no inputs-only guesses


def test_never_runs_parsed_code(tmp_path):
    marker = tmp_path / "ran"
    text = "def test_x():\n    assert solve(__import__('os').system('touch %s')) == 1\n" % marker
    (tmp_path / "test_x.py").write_text(text)
    assert pc.cases_in_paths([tmp_path], entry_point="solve") == []
    assert not marker.exists()


def test_malformed_json_and_huge_files_are_skipped(tmp_path):
    (tmp_path / "bad.json").write_text('{"inputs": ["[1]"], "outputs": ["[1]"], "fn_name": "solve"')
    (tmp_path / "big.jsonl").write_text(  # its first line alone would parse: the file must be skipped whole
        json.dumps({"inputs": ["[2]"], "outputs": ["[2]"], "fn_name": "solve"}) + "\n" +
        "\n".join(json.dumps({"pad": "x" * 100}) for _ in range(50)))
    (tmp_path / "ok.json").write_text(json.dumps({"inputs": ["[3]"], "outputs": ["[3]"], "fn_name": "solve"}))
    (tmp_path / "blob.py").write_bytes(b"assert solve([4]) == [4]\x00\x00")
    got = pc.cases_in_paths([tmp_path], max_bytes=1000)
    assert calls(got) == {K([3],): [3]}
    assert calls(pc.cases_in_paths([tmp_path / "big.jsonl"], max_bytes=10_000)) == {K([2],): [2]}


def test_limit_files_and_skipped_folders(tmp_path):
    for i in range(5):
        (tmp_path / ("r%d.json" % i)).write_text(json.dumps({"inputs": ["[%d]" % i], "outputs": ["1"],
                                                             "fn_name": "f"}))
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.json").write_text(json.dumps({"inputs": ["[9]"], "outputs": ["1"], "fn_name": "f"}))
    assert len(pc.cases_in_paths([tmp_path])) == 5
    assert len(pc.cases_in_paths([tmp_path], limit_files=2)) == 2


def test_duplicates_merge_and_inputs_only_give_way_to_known_expected(tmp_path):
    row = {"inputs": ["[1]"], "outputs": ["[1]"], "fn_name": "solve"}
    (tmp_path / "a.json").write_text(json.dumps(row))
    (tmp_path / "b.json").write_text(json.dumps(row))
    (tmp_path / "c.json").write_text(json.dumps({"entry_point": "solve", "base_input": [[[1]], [[2]]]}))
    got = pc.cases_in_paths([tmp_path], entry_point="solve")
    assert calls(got) == {K([1],): [1], K([2],): MISSING}
    assert len(got) == 2


def test_reads_files_when_the_grader_disabled_open_and_os(tmp_path, monkeypatch):
    (tmp_path / "tests.json").write_text(json.dumps({"inputs": ["[3]"], "outputs": ["[3]"], "fn_name": "solve"}))

    def refuse(*a, **k):
        raise PermissionError("open disabled")

    monkeypatch.setattr(builtins, "open", refuse)
    for name in ("getcwd", "listdir", "scandir", "stat", "chdir"):
        monkeypatch.setattr(os, name, None)
    got = pc.cases_in_paths([str(tmp_path)])
    assert calls(got) == {K([3],): [3]}


def test_missing_survives_copy_and_pickle():
    import copy
    assert copy.deepcopy(MISSING) is MISSING
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING
    assert not MISSING and repr(MISSING) == "MISSING"
    assert pc.TestCase(kind="call").expected is MISSING


def test_imports_with_the_standard_library_only(tmp_path):
    embedded = tmp_path / "embedded_cases.py"   # the parts joined, as a submission loads them
    embedded.write_text(embedded_source(pc))
    code = ("import importlib.util, sys\n"
            "spec = importlib.util.spec_from_file_location('pcx', sys.argv[1])\n"
            "m = importlib.util.module_from_spec(spec); sys.modules['pcx'] = m; spec.loader.exec_module(m)\n"
            "extra = sorted(n for n in sys.modules if n.split('.')[0] not in sys.stdlib_module_names\n"
            "               and n not in ('pcx', '__main__'))\n"
            "print(extra)\n"
            "print(len(m.cases_from_text('assert f(1) == 2')))\n")
    r = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(embedded)], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:2] == ["[]", "1"]


def test_source_runs_standalone_when_exec_d():
    ns = {"__name__": "embedded_probe_cases"}
    exec(compile(embedded_source(pc), "<embedded>", "exec"), ns)  # noqa: S102 - our own module's text
    got = ns["cases_from_text"]("def check(candidate):\n    assert candidate(2) == 4\n", entry_point="sq")
    assert [(c.args, c.expected, c.fn_name) for c in got] == [((2,), 4, "sq")]
    assert ns["cases_from_data"]({"inputs": ["1\n"], "outputs": ["2\n"]})[0].kind == "stdio"
    # its own source states no test case (it may be written next to the graders it searches)
    assert pc.cases_in_paths([PARTS_DIR]) == []


def test_table_looped_over_without_asserts_is_still_read():
    # graders often loop over their table and count matches with `if`, not `assert`: the table still holds the cases
    src = ("CASES = [\n    (([3, 1, 2],), [3, 2, 1]),\n    (([7],), [7]),\n]\n\n\n"
           "def grade(solve):\n    passed = 0\n    for args, expected in CASES:\n"
           "        if solve(*args) == expected:\n            passed += 1\n    return passed / len(CASES)\n")
    got = pc.cases_from_text(src, filename="grader.py", entry_point="solve")
    assert [(c.args, c.expected) for c in got] == [(([3, 1, 2],), [3, 2, 1]), (([7],), [7])]
    # a loop whose asserts give the cases does not read the table a second time
    src2 = ("CASES = [([3, 1, 2], [3, 2, 1])]\nfor x, want in CASES:\n    assert solve(x) == want\n")
    assert len(pc.cases_from_text(src2, filename="test_x.py", entry_point="solve")) == 1
