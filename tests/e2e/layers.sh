#!/bin/sh
# scripts/layers.sh passes on the tree, and fails (naming the line) when a
# file includes what its layer may not: a vm/ file reaching emu/, the
# trace tools reaching Unicorn, a cycle between folders, a cycle between
# vm/ modules.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
sh scripts/layers.sh >"$tmp/out" 2>&1 || { echo "FAIL: the tree breaks its layers:"; cat "$tmp/out"; fail=1; }
grep -q '^  emu/cpu .*<unicorn>' "$tmp/out" || { echo "FAIL: no module graph printed"; cat "$tmp/out"; fail=1; }

# expect_broken NAME FILE LINE-TO-ADD MESSAGE: a copy of the tree with
# LINE added to FILE must fail with MESSAGE.
expect_broken() {
    rm -rf "$tmp/tree"
    mkdir -p "$tmp/tree/scripts"
    cp -r vm loader emu "$tmp/tree/"
    cp scripts/layers.sh "$tmp/tree/scripts/"
    printf '%s\n' "$3" >>"$tmp/tree/$2"
    if sh "$tmp/tree/scripts/layers.sh" >"$tmp/broken" 2>&1; then
        echo "FAIL $1: layers.sh passed"
        fail=1
    elif ! grep -qF "$4" "$tmp/broken"; then
        echo "FAIL $1: expected '$4' in:"
        cat "$tmp/broken"
        fail=1
    fi
}
expect_broken vm-includes-emu vm/frame.c '#include "emu/kernel/proc.h"' \
    'vm/frame.c:'
expect_broken vm-includes-emu-message vm/frame.c '#include "emu/kernel/proc.h"' \
    'vm may not include emu/kernel'
expect_broken trace-includes-unicorn emu/trace/stat.c '#include <unicorn/unicorn.h>' \
    'only emu/cpu may include Unicorn'
expect_broken loader-includes-emu loader/elf.c '#include "emu/cpu/cpu.h"' \
    'loader may not include emu/cpu'
expect_broken folder-cycle emu/cpu/cpu.c '#include "emu/kernel/proc.h"' \
    'a cycle between folders'
expect_broken vm-module-cycle vm/frame.c '#include "vm/fault.h"' \
    'a cycle between vm/ modules'
exit $fail
