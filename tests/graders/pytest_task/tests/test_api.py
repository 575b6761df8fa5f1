import solution


def test_solution_defines_solve():
    assert callable(solution.solve)
