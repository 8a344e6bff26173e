"""inputs.py DIR TEXT_BYTES RANDOM_BYTES: the real-program suite's inputs.

Writes DIR/text.txt, TEXT_BYTES or a little less of lines of words (3 to 14 a line)
drawn from a vocabulary of about 20000 made-up words with Zipf weights, so
that a few words are common and most rare, as in prose; and DIR/random.bin,
RANDOM_BYTES of pseudo-random bytes.  Both come from fixed seeds, so every
run of the suite (and every machine with this Python) gets the same bytes.
"""
import itertools
import os
import random
import sys


def text(path, size):
    rng = random.Random(42)
    syllables = "ka lo mi ne ru sa to vi be do fa gu he ji po ze".split()
    vocab = {"".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))
             for _ in range(20000)}
    words = sorted(vocab)
    rng.shuffle(words)
    cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(words))))
    written = 0
    with open(path, "w", encoding="ascii") as out:
        while written < size:
            pool = rng.choices(words, cum_weights=cum, k=50000)
            lines = []
            i = 0
            while i < len(pool):
                k = rng.randint(3, 14)
                lines.append(" ".join(pool[i:i + k]))
                i += k
            chunk = "\n".join(lines) + "\n"
            if written + len(chunk) > size:  # end on the last line that fits
                chunk = chunk[:chunk.rfind("\n", 0, size - written) + 1] or chunk
            out.write(chunk)
            written += len(chunk)


def randbytes(path, size):
    rng = random.Random(7)
    with open(path, "wb") as out:
        while size > 0:
            n = min(size, 1 << 20)
            out.write(rng.randbytes(n))
            size -= n


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: inputs.py DIR TEXT_BYTES RANDOM_BYTES")
    out = sys.argv[1]
    text(os.path.join(out, "text.txt"), int(sys.argv[2]))
    randbytes(os.path.join(out, "random.bin"), int(sys.argv[3]))


main()
