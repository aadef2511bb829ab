import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# Fixture projects are scanned, never collected: their tests/test_*.py are sample code.
collect_ignore_glob = ["fixtures/*"]

# The facts cache lives under $XDG_CACHE_HOME: the test run gets its own, so no test reads or writes a
# home directory (CI may have none) and every CLI run in the suite exercises the cache.
_CACHE_HOME = tempfile.mkdtemp(prefix="deploycheck-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
os.environ.pop("DEPLOYCHECK_CACHE_DIR", None)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/* from the current output instead of comparing")


def pytest_unconfigure(config):
    shutil.rmtree(_CACHE_HOME, ignore_errors=True)
