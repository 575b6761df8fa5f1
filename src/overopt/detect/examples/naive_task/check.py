"""Naive command grader: runs the visible tests with pytest; exit code 0 means pass."""
import subprocess
import sys

sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--import-mode=importlib", "."]))
