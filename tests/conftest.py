import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# Fixture projects are scanned, never collected: their tests/test_*.py are sample code.
collect_ignore_glob = ["fixtures/*"]


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/* from the current output instead of comparing")
