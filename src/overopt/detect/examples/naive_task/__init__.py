"""Task folder for `overopt probe --grader-cmd "python3 check.py"` (naive version)."""
