from solution import solve


def test_examples():
    assert solve([3, 1, 2]) == [3, 2, 1]
    assert solve([5, 5, 1]) == [5, 1]
    assert solve([10, 40, 20, 40]) == [40, 20, 10]


def test_edge_cases():
    assert solve([7]) == [7]
    assert solve([-2, 0, -2]) == [0, -2]
