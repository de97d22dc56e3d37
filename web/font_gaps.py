"""Writes, one per line as U+XXXX, the characters of the given ranges that
the main fonts lack: the fallback font is cut down to just those.

Usage: font_gaps.py OUTPUT U+0020-024F,U+0370-03FF,... MAIN_FONT...
Run by the web build with Debian's python3 and its fontTools."""
import sys

from fontTools.ttLib import TTFont


def characters(ranges):
    for part in ranges.split(","):
        first, last = part.removeprefix("U+").split("-")
        yield from range(int(first, 16), int(last, 16) + 1)


def main():
    output, ranges, fonts = sys.argv[1], sys.argv[2], sys.argv[3:]
    covered = set.intersection(*(set(TTFont(font).getBestCmap()) for font in fonts))
    gaps = sorted(set(characters(ranges)) - covered)
    with open(output, "w", encoding="ascii") as out:
        out.writelines(f"U+{code:04X}\n" for code in gaps)


main()
