#!/usr/bin/env python3
"""Write seeds for fuzz_loader that reach past the file checks.

Usage: seeds.py OUTDIR

fuzz_loader serves the input as "/prog", a fixed interpreter as
"/lib/ld.so" and nothing else, so these seeds name those wherever a path
is read: a PT_INTERP of "/prog" and "#!/prog" lines bring the loader back
to the same file, a PT_INTERP of "/lib/ld.so" has it place an interpreter
beside the program.  The programs come from
tests/elfcorpus/gen.py, which builds them with struct.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "elfcorpus"))
sys.dont_write_bytecode = True  # keep the source tree clean
import gen  # noqa: E402
from gen import (PAGE, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_INTERP, PT_LOAD,  # noqa: E402
                 PT_PHDR, elf, phdr)


def data_bss(L):
    """Text, a .data page whose tail is cleared, a .bss, PT_PHDR and an
    executable-stack PT_GNU_STACK."""
    return [phdr(PT_PHDR, offset=64, vaddr=L.base + 64, filesz=56 * 4, flags=PF_R, align=8),
            L.text(),
            phdr(PT_LOAD, offset=0, vaddr=L.base + 0x10000, filesz=L.size,
                 memsz=4 * PAGE, flags=PF_R | PF_W),
            phdr(PT_GNU_STACK, vaddr=0, flags=PF_R | PF_W | PF_X, align=16)]


def interp_headers(L):
    """Text and a PT_INTERP over the payload."""
    return [L.text(), phdr(PT_INTERP, offset=L.payload, vaddr=L.base + L.payload,
                           filesz=L.size - L.payload, align=1)]


SEEDS = {
    "exec": lambda: elf(),
    "pie": lambda: gen.valid_pie(),
    "shared-page": lambda: gen.shared_page(),
    "data-bss": lambda: elf(nph=4, headers=data_bss),
    "data-bss-pie": lambda: elf(nph=4, headers=data_bss, etype=gen.ET_DYN, base=0),
    "interp-self": lambda: gen.with_interp("/prog"),
    "interp-ok": lambda: gen.with_interp("/lib/ld.so"),
    "interp-ok-pie": lambda: elf(nph=2, etype=gen.ET_DYN, base=0, payload=b"/lib/ld.so\0",
                                 headers=interp_headers),
    "interp-ok-data-bss": lambda: elf(nph=5, payload=b"/lib/ld.so\0",
                                      headers=lambda L: data_bss(L) + interp_headers(L)[1:]),
    "interp-missing": lambda: gen.with_interp("/lib64/ld-linux-x86-64.so.2"),
    "script-self": lambda: b"#!/prog\n",
    "script-self-arg": lambda: b"#! /prog -e x\n",
    "script-missing": lambda: b"#!/bin/sh\necho\n",
    "segments-64": lambda: gen.many_loads(64),
}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: seeds.py OUTDIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, make in SEEDS.items():
        with open(os.path.join(sys.argv[1], name), "wb") as f:
            f.write(make())


if __name__ == "__main__":
    main()
