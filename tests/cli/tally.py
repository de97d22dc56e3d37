"""Counts a test script's checks and ends it with "PREFIX: N passed, M failed",
the line scripts/test reads."""
import sys


class Tally:
    def __init__(self, prefix):
        self.prefix = prefix
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        """Counts one check; prints a failure with what was seen instead."""
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {name}" + (f"\n  {detail}" if detail != "" else ""))
        return bool(ok)

    def finish(self):
        print(f"{self.prefix}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
