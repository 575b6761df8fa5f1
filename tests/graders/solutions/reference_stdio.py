values = sorted(set(map(int, input().split())), reverse=True)
print(len(values))
print(*values)
