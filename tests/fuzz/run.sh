#!/bin/sh
# Fuzz the loader: build tests/fuzz/fuzz_loader.c with clang's libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer against vm/ and loader/,
# seed it, and run it for a bounded time.  Exits non-zero when the fuzzer
# finds a crash, a leak, a hang or a broken loader contract; the input that
# did it is left in build/fuzz/crashes/.
#
# Usage, from anywhere: sh tests/fuzz/run.sh [REPRODUCER...]
#   FUZZ_SECONDS  how long to fuzz (60)
#   CLANG         the compiler (clang)
# With file arguments it only runs the target on them (to replay a crash).
# Installs nothing: "make fuzz" runs scripts/deps.sh fuzz first.
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=${FUZZ_SECONDS:-60}
clang=${CLANG:-clang}
out=build/fuzz
bin=$out/fuzz_loader
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cflags="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wstrict-prototypes
    -Wno-missing-field-initializers -g -O1 -I. -DVM_POISON $san"
libs=$(pkg-config --libs libelf 2>/dev/null || echo -lelf)

# Compile vm/ and loader/ with coverage, then link the target with
# libFuzzer's main.  Everything is rebuilt: it takes seconds, and no stale
# object can hide a change to a header.
build() {
    rm -rf "$out/obj"
    mkdir -p "$out/obj" "$out/crashes" || return 1
    for src in vm/*.c loader/*.c; do
        obj=$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
        # shellcheck disable=SC2086
        $clang $cflags -fsanitize=fuzzer-no-link -c -o "$obj" "$src" || return 1
    done
    # shellcheck disable=SC2086
    $clang $cflags -fsanitize=fuzzer -o "$bin" tests/fuzz/fuzz_loader.c "$out"/obj/*.o $libs
}

# The seed corpus, rebuilt each run from recipes (nothing binary is kept in
# the tree): the malformed-ELF corpus, the fuzz seeds, and the test
# programs when they are built.
seed() {
    rm -rf "$out/seeds" "$out/elfcorpus"
    mkdir -p "$out/seeds" "$out/corpus" || return 1
    python3 tests/elfcorpus/gen.py "$out/elfcorpus" || return 1
    python3 tests/fuzz/seeds.py "$out/seeds" || return 1
    for f in "$out"/elfcorpus/* "$out"/elfcorpus/aux/* build/testprogs/*; do
        if [ -f "$f" ] && [ ! -L "$f" ]; then
            cp "$f" "$out/seeds/$(basename "$(dirname "$f")")-$(basename "$f")"
        fi
    done
}

count() { # the files in a directory
    find "$1" -type f | wc -l
}

if ! command -v "$clang" >/dev/null 2>&1; then
    echo "fuzz: $clang not found (make fuzz installs it)" >&2
    exit 2
fi
echo "fuzz: building $bin"
build || { echo "fuzz: build failed" >&2; exit 2; }
if [ $# -gt 0 ]; then
    exec "$bin" "$@"
fi
seed || { echo "fuzz: cannot make the seed corpus" >&2; exit 2; }
echo "fuzz: $(count "$out/seeds") seeds, $(count "$out/corpus") inputs kept from" \
    "earlier runs; fuzzing for $secs s (log: $out/fuzz.log)"
# New inputs go to the first directory, build/fuzz/corpus, which later
# runs start from.
"$bin" -max_len=65536 -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
    -dict=tests/fuzz/elf.dict -artifact_prefix="$out/crashes/" \
    "$out/corpus" "$out/seeds" >"$out/fuzz.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
    echo "fuzz: the fuzzer stopped with status $rc:" >&2
    grep -v '^#[0-9]' "$out/fuzz.log" | tail -60 >&2
    echo "fuzz: replay with: sh tests/fuzz/run.sh $out/crashes/<file>" >&2
    exit 1
fi
grep -E '^(Done|stat::)' "$out/fuzz.log"
grep -E '^#[0-9]+' "$out/fuzz.log" | tail -1
echo "fuzz: no crash; corpus $out/corpus: $(count "$out/corpus") inputs"
