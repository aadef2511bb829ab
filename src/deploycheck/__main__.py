"""python -m deploycheck"""
import sys

from deploycheck.cli import main

if __name__ == "__main__":
    sys.exit(main())
