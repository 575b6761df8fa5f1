values = list(map(int, input().split()))
print(len(values))
print(*values)
