"""pywork.py N: the real-program suite's python3 workload.

Builds N records from a fixed seed, turns them into JSON, deflates that
with zlib, inflates and parses it back (and checks it came back the same),
then counts the first two words of every "name" with a regular expression.
Prints the sizes, a checksum and the counts: the same lines on every run.
"""
import json
import random
import re
import sys
import zlib


def main():
    n = int(sys.argv[1])
    rng = random.Random(1)
    words = "alpha beta gamma delta epsilon zeta eta theta".split()
    recs = [{"id": i,
             "name": " ".join(rng.choice(words) for _ in range(4)),
             "score": rng.randint(0, 10**6),
             "tags": [rng.choice(words) for _ in range(3)]}
            for i in range(n)]
    text = json.dumps(recs, sort_keys=True)
    packed = zlib.compress(text.encode(), 6)
    back = json.loads(zlib.decompress(packed).decode())
    if back != recs:
        sys.exit("pywork: the records did not come back the same")
    counts = {}
    for m in re.finditer(r'"name": "(\w+) (\w+)', text):
        key = m.group(1) + "-" + m.group(2)
        counts[key] = counts.get(key, 0) + 1
    print(len(text), len(packed), sum(r["score"] for r in back))
    for key in sorted(counts):
        print(key, counts[key])


main()
