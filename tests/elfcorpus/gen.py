#!/usr/bin/env python3
"""Write the loader's malformed-ELF corpus into a directory.

Usage: gen.py OUTDIR

Every case is derived from one tiny ELF64 x86-64 program built here with
struct (exit(0) through the syscall instruction), so the corpus needs no
host binary and commits no blobs.  Each top-level entry of OUTDIR is one
case, named as in tests/elfcorpus/expected; files that cases refer to
(interpreters, script targets) live in OUTDIR/aux.  The case "missing"
is the one name that is deliberately not created.
"""

import os
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")  # Elf64_Ehdr, 64 bytes
PHDR = struct.Struct("<IIQQQQQQ")  # Elf64_Phdr, 56 bytes

ET_REL, ET_EXEC, ET_DYN, ET_CORE = 1, 2, 3, 4
EM_386, EM_X86_64 = 3, 62
PT_LOAD, PT_INTERP, PT_PHDR, PT_GNU_STACK = 1, 3, 6, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4
PAGE = 0x1000
BASE = 0x400000
KERNEL_HALF = 0x7FFFFFFFF000  # first address no segment may reach
RESERVE = 0x20000000  # [RESERVE, RESERVE_END) holds frames and page tables
RESERVE_END = 0x7FFF0000
U64 = (1 << 64) - 1

# mov eax, 60 (exit); xor edi, edi; syscall
EXIT0 = bytes.fromhex("b83c000000" "31ff" "0f05")


def ident(cls=2, data=1, version=1):
    """e_ident: magic, class (2 = 64-bit), byte order (1 = little), version."""
    return b"\x7fELF" + bytes([cls, data, version, 0]) + bytes(8)


def phdr(ptype, offset=0, vaddr=BASE, filesz=0, memsz=None, flags=PF_R, align=PAGE):
    """One program header as a dict; memsz defaults to filesz."""
    return dict(type=ptype, flags=flags, offset=offset, vaddr=vaddr,
                paddr=vaddr, filesz=filesz,
                memsz=filesz if memsz is None else memsz, align=align)


class Layout:
    """Where things land in a file of nph headers: headers at 64, then
    the code, then the payload (interpreter strings and the like)."""

    def __init__(self, nph, payload, base):
        self.nph = nph
        self.code = EHDR.size + PHDR.size * nph
        self.payload = self.code + len(EXIT0)
        self.size = self.payload + len(payload)
        self.base = base

    def text(self, **kw):
        """The usual single R+X segment mapping the whole file."""
        args = dict(vaddr=self.base, filesz=self.size, flags=PF_R | PF_X)
        args.update(kw)
        return phdr(PT_LOAD, **args)


def elf(nph=2, headers=None, payload=b"", etype=ET_EXEC, base=BASE, **eh):
    """Build an image.  headers(L) returns the program headers for the
    Layout L; the default is the valid program: text plus PT_GNU_STACK.
    Keyword arguments override ELF header fields (e.g. e_machine=3)."""
    lay = Layout(nph, payload, base)
    if headers is None:
        phs = [lay.text(), phdr(PT_GNU_STACK, vaddr=0, flags=PF_R | PF_W, align=16)]
    else:
        phs = headers(lay)
    fields = dict(e_ident=ident(), e_type=etype, e_machine=EM_X86_64, e_version=1,
                  e_entry=base + lay.code, e_phoff=EHDR.size, e_shoff=0, e_flags=0,
                  e_ehsize=EHDR.size, e_phentsize=PHDR.size, e_phnum=len(phs),
                  e_shentsize=64, e_shnum=0, e_shstrndx=0)
    for k, v in eh.items():
        assert k in fields, k
        fields[k] = v
    out = bytearray(EHDR.pack(*fields.values()))
    for p in phs:
        out += PHDR.pack(p["type"], p["flags"], p["offset"] & U64, p["vaddr"] & U64,
                         p["paddr"] & U64, p["filesz"] & U64, p["memsz"] & U64,
                         p["align"] & U64)
    out += EXIT0 + payload
    return bytes(out)


def with_interp(path):
    """A valid program whose PT_INTERP names path (a str)."""
    s = path.encode() + b"\0"
    return elf(nph=2, payload=s, headers=lambda L: [
        L.text(), phdr(PT_INTERP, offset=L.payload, vaddr=L.base + L.payload,
                       filesz=len(s), align=1)])


def interp_raw(offset=None, filesz=None, payload=b"/lib/ld.so\0", count=1):
    """count PT_INTERP headers over payload (or over explicit offset/size)."""

    def headers(L):
        off = L.payload if offset is None else offset(L)
        n = len(payload) if filesz is None else filesz
        return [L.text()] + [phdr(PT_INTERP, offset=off, vaddr=L.base + L.payload,
                                  filesz=n, align=1)] * count

    return elf(nph=1 + count, headers=headers, payload=payload)


def second_load(vaddr, memsz, filesz=0, offset=0, align=PAGE, flags=PF_R | PF_W):
    """The valid text segment followed by one more PT_LOAD."""
    return elf(nph=2, headers=lambda L: [
        L.text(), phdr(PT_LOAD, offset=offset, vaddr=vaddr, filesz=filesz,
                       memsz=memsz, flags=flags, align=align)])


def text_only(**kw):
    """A single text segment with some fields replaced."""
    return elf(nph=1, headers=lambda L: [L.text(**kw)])


def valid_pie():
    """The same program as ET_DYN linked at 0: a static PIE."""
    return elf(etype=ET_DYN, base=0)


def many_loads(n):
    """n PT_LOADs on consecutive pages (only the first has file bytes)."""
    def headers(L):
        hs = [L.text()]
        for i in range(1, n):
            hs.append(phdr(PT_LOAD, vaddr=BASE + (i + 1) * 0x10000, memsz=PAGE,
                           flags=PF_R | PF_W))
        return hs
    return elf(nph=n, headers=headers)


def shared_page():
    """Text, then .data and .bss starting inside the text's last page:
    legal, and the page goes to the later segment, as with MAP_FIXED, so
    that segment is executable too or the code in the page could not run."""
    data = bytes(range(1, 17))
    return elf(nph=2, payload=data, headers=lambda L: [
        L.text(filesz=L.payload),
        phdr(PT_LOAD, offset=L.payload, vaddr=BASE + L.payload, filesz=len(data),
             memsz=3 * PAGE, flags=PF_R | PF_W | PF_X)])


def fifo(path):
    """A named pipe with execute permission: opening it for reading must
    not wait for a writer."""
    os.mkfifo(path)
    os.chmod(path, 0o755)


def cases(d):
    """name -> bytes (a file), or a callable making the entry at a path.
    d is OUTDIR, absolute, for the paths that files name."""
    aux = os.path.join(d, "aux")
    valid = elf()
    c = {
        # A program that must load and run: it proves the base is right.
        "valid": valid,
        "valid-pie": valid_pie(),
        "valid-script": b"#!" + os.path.join(aux, "valid").encode() + b"\n",
        "valid-interp": with_interp(os.path.join(aux, "valid-pie")),
        "valid-shared-page": shared_page(),
        "valid-memsz-0": second_load(0x800000, 0),
        "valid-above-reserve": second_load(RESERVE_END, PAGE),
        "valid-bad-shoff": elf(e_shoff=0x100000, e_shnum=8),
        # Not ELF at all.
        "empty": b"",
        "text": b"hello, this is not a program\n",
        "short-magic": b"\x7fEL",
        "magic-only": b"\x7fELF",
        # The ELF header.
        "truncated-ehdr": valid[:40],
        "truncated-ehdr-63": valid[:63],
        "class32": ident(cls=1) + valid[16:],
        "class-unknown": ident(cls=9) + valid[16:],
        "big-endian": ident(data=2) + valid[16:],
        "version0": ident(version=0) + valid[16:],
        "machine-386": elf(e_machine=EM_386),
        "et-rel": elf(etype=ET_REL),
        "et-core": elf(etype=ET_CORE),
        "et-none": elf(etype=0),
        "phentsize-32": elf(e_phentsize=32),
        "phentsize-64": elf(e_phentsize=64),
        "phnum-0": elf(e_phnum=0),
        "phnum-513": elf(e_phnum=513),
        "phnum-ffff": elf(e_phnum=0xFFFF),
        "phoff-past-eof": elf(e_phoff=0x100000),
        "phoff-overflow": elf(e_phoff=U64 - 0x3F),
        "phoff-zero": elf(nph=1, e_phoff=0),
        # PT_LOAD against the file.
        "load-past-eof": text_only(filesz=0x10000, memsz=0x10000),
        "load-offset-overflow": text_only(offset=U64 - PAGE + 1, filesz=0x2000,
                                          memsz=0x2000, vaddr=BASE + 0x1000),
        "load-offset-past-eof": text_only(offset=0x100000, vaddr=BASE + 0x100000,
                                          filesz=16, memsz=16),
        "filesz-gt-memsz": text_only(memsz=0x10),
        # PT_LOAD against the address space.
        "load-unsorted": second_load(0x200000, PAGE),
        "load-overlap": second_load(BASE + 0x80, PAGE, offset=0x80),
        "load-duplicate": second_load(BASE, PAGE),
        "load-kernel-half": second_load(KERNEL_HALF, PAGE),
        "load-kernel-straddle": second_load(KERNEL_HALF - PAGE, 2 * PAGE),
        "load-kernel-address": second_load(0xFFFFFFFF80000000, PAGE),
        "load-reserve": second_load(RESERVE, PAGE),
        "load-reserve-straddle": second_load(RESERVE - PAGE, 2 * PAGE),
        "load-reserve-last": second_load(RESERVE_END - PAGE, PAGE),
        "memsz-overflow": second_load(0x800000, U64),
        "memsz-absurd": second_load(0x800000, 0x7FFF00000000),
        "span-over-1tib": second_load(0x20000000000, PAGE),
        "segments-65": many_loads(65),
        "misaligned-vaddr": text_only(vaddr=BASE + 0x10),
        "misaligned-offset": second_load(0x800000, PAGE, filesz=16, offset=0x11),
        "align-3": text_only(align=3),
        "align-0x3000": second_load(0x800000, PAGE, align=0x3000),
        "no-load": elf(nph=1, headers=lambda L: [
            phdr(PT_GNU_STACK, vaddr=0, flags=PF_R | PF_W, align=16)]),
        # PT_INTERP.
        "interp-two": interp_raw(count=2),
        "interp-no-nul": interp_raw(payload=b"/lib/ld.so"),
        "interp-inner-nul": interp_raw(payload=b"/lib\0ld.so\0"),
        "interp-one-byte": interp_raw(payload=b"\0"),
        "interp-past-eof": interp_raw(filesz=64),
        "interp-offset-overflow": interp_raw(offset=lambda L: U64 - 7, filesz=16),
        "interp-too-long": interp_raw(payload=b"/" + b"x" * 4200 + b"\0"),
        "interp-missing": with_interp("/nonexistent/ld-faultline.so"),
        "interp-newline": with_interp("/nonexistent/ld\nfaultline.so"),
        "interp-directory": with_interp(aux),
        "interp-not-elf": with_interp(os.path.join(aux, "text")),
        "interp-has-interp": with_interp(os.path.join(aux, "with-interp")),
        "interp-32bit": with_interp(os.path.join(aux, "class32")),
        # "#!" scripts.
        "script-empty": b"#!\n",
        "script-blank": b"#! \t \n/bin/sh\n",
        "script-bare": b"#!",
        "script-loop": b"#!" + os.path.join(d, "script-loop").encode() + b"\n",
        "script-loop-pair": b"#!" + os.path.join(aux, "loop-b").encode() + b"\n",
        "script-missing": b"#!/nonexistent/faultline-sh -x\n",
        "script-to-bad-elf": b"#!" + os.path.join(aux, "class32").encode() + b"\n",
        "script-long-line": b"#!/" + b"x" * 300 + b"\n",
        # Below vm.mmap_min_addr, as Linux refuses an ET_EXEC there.
        "exec-at-zero": elf(base=0),
        # Files that are not programs.
        "directory": lambda p: os.mkdir(p),
        "not-executable": valid,
        "device": lambda p: os.symlink("/dev/null", p),
        "fifo": fifo,
    }
    return c


AUX = {
    "valid": lambda d: elf(),
    "valid-pie": lambda d: valid_pie(),
    "text": lambda d: b"not an interpreter\n",
    "class32": lambda d: ident(cls=1) + elf()[16:],
    "with-interp": lambda d: with_interp("/lib/ld.so"),
    "loop-b": lambda d: b"#!" + os.path.join(d, "script-loop-pair").encode() + b"\n",
}


def write(path, data, mode=0o755):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen.py OUTDIR")
    d = os.path.abspath(sys.argv[1])
    if os.path.exists(d) and os.listdir(d):
        sys.exit("gen.py: %s is not empty" % d)
    aux = os.path.join(d, "aux")
    os.makedirs(aux, exist_ok=True)
    for name, make in AUX.items():
        write(os.path.join(aux, name), make(d))
    for name, what in cases(d).items():
        path = os.path.join(d, name)
        if callable(what):
            what(path)
        else:
            write(path, what, 0o644 if name == "not-executable" else 0o755)


if __name__ == "__main__":
    main()
