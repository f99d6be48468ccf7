"""Summarise py-spy's raw (collapsed) stacks: inclusive share per function, busiest first.

    python -m bench.profile_summary var/bench/storm.raw [--top 40] [--match rooms/]
"""

import argparse
import collections
import re

FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>.*?):(?P<line>\d+)\)$")


def summarise(path: str, *, top: int, match: str) -> str:
    total, inclusive = 0, collections.Counter()
    for line in open(path):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        total += int(count)
        seen = set()
        for frame in stack.split(";"):
            found = FRAME.match(frame)
            key = f"{found['function']} ({found['file'].split('site-packages/')[-1]})" if found else frame
            if key not in seen and (not match or match in key):
                inclusive[key] += int(count)
                seen.add(key)
    lines = [f"{total} samples"]
    lines += [f"{count / total * 100:5.1f}%  {key}" for key, count in inclusive.most_common(top)]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="")
    arguments = parser.parse_args()
    print(summarise(arguments.path, top=arguments.top, match=arguments.match))
