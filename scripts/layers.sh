#!/bin/sh
# layers.sh - check the layers of faultline's source tree by its #include
# lines, and print the module graph it read.
#
#   sh scripts/layers.sh [ROOT]        (default: the tree this script is in)
#
# A layer is a folder: vm, loader, emu/abi, emu/util, emu/cpu, emu/trace,
# emu/kernel, emu/sys, emu/cli.  Each may include its own headers and
# those of the layers below it (the table below), nothing else; only
# emu/cpu may include Unicorn; no two folders include each other, even
# through others; and inside vm/ no two modules (a .c and its .h) do.
# Exits 1, naming every offending line, when a rule is broken.
set -eu
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

# layer: the layers it may include (besides itself)
rules='
vm:
loader: vm
emu/abi:
emu/util:
emu/trace: vm emu/util
emu/cpu: vm emu/abi
emu/kernel: vm loader emu/abi emu/util emu/cpu emu/trace
emu/sys: vm loader emu/abi emu/util emu/cpu emu/trace emu/kernel
emu/cli: vm loader emu/abi emu/util emu/cpu emu/trace emu/kernel emu/sys
'

files=$(find vm loader emu -name '*.[ch]' -o -name '*.def' | sort)
# One line per include: FILE LINE TARGET (TARGET: a path, or <unicorn>).
grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]' $files /dev/null |
awk -v rules="$rules" '
function layer(path,   n, p) {
    n = split(path, p, "/")
    if (p[1] == "emu" && n >= 3) return "emu/" p[2]
    return p[1]
}
function dir(path) { sub(/\/[^\/]*$/, "", path); return path }
# A module is a .c file and its .h; vm.h, the public face that many
# modules implement, is a node of its own.
function module(path) { if (path == "vm/vm.h") return path; sub(/\.[^.\/]*$/, "", path); return path }
BEGIN {
    nr = split(rules, rl, "\n")
    for (i = 1; i <= nr; i++) {
        if (rl[i] == "") continue
        split(rl[i], kv, ":")
        known[kv[1]] = 1
        order[++nlayers] = kv[1]
        n = split(kv[2], deps, " ")
        for (j = 1; j <= n; j++) allow[kv[1], deps[j]] = 1
    }
    bad = 0
}
{
    # FILE:LINE:#include "target" or <target>
    file = $0; sub(/:.*/, "", file)
    rest = substr($0, length(file) + 2)
    line = rest; sub(/:.*/, "", line)
    text = substr(rest, length(line) + 2)
    from = layer(file)
    if (!(from in known)) {
        printf "layers: %s:%s: %s is in no layer\n", file, line, file; bad = 1; next
    }
    if (text ~ /</) {
        if (text ~ /<unicorn\//) {
            if (from != "emu/cpu") {
                printf "layers: %s:%s: only emu/cpu may include Unicorn\n", file, line; bad = 1
            }
            uses[from, "unicorn"]++
        }
        next
    }
    target = text; sub(/^[^"]*"/, "", target); sub(/".*/, "", target)
    if (target !~ /\//) target = dir(file) "/" target   # relative to the file
    to = layer(target)
    if (!(to in known)) {
        printf "layers: %s:%s: includes \"%s\", which is in no layer\n", file, line, target; bad = 1; next
    }
    if (from != to) {
        edges[from, to]++
        if (!allow[from, to]) {
            printf "layers: %s:%s: %s may not include %s (\"%s\")\n", file, line, from, to, target
            bad = 1
        }
    } else if (from == "vm" && module(file) != module(target)) {
        medge[module(file), module(target)] = 1
        mods[module(file)] = 1; mods[module(target)] = 1
    }
}
# Depth-first search for a cycle in graph g (keys "a SUBSEP b") over nodes.
function cycle(g, nodes, kind,   n, v) {
    for (v in nodes) color[v] = 0
    for (v in nodes)
        if (color[v] == 0 && visit(g, nodes, v, kind)) return 1
    return 0
}
function visit(g, nodes, v, kind,   w) {
    color[v] = 1; stack[++depth] = v
    for (w in nodes) {
        if (!((v, w) in g)) continue
        if (color[w] == 1) {
            s = w
            for (k = depth; k >= 1 && stack[k] != w; k--) s = stack[k] " -> " s
            printf "layers: a cycle between %s: %s -> %s\n", kind, w, s
            bad = 1; return 1
        }
        if (color[w] == 0 && visit(g, nodes, w, kind)) return 1
    }
    color[v] = 2; depth--
    return 0
}
END {
    for (i = 1; i <= nlayers; i++) lnodes[order[i]] = 1
    cycle(edges, lnodes, "folders")
    cycle(medge, mods, "vm/ modules")
    print "module graph (layer -> layers it includes, with #include lines):"
    for (i = 1; i <= nlayers; i++) {
        a = order[i]; s = ""
        for (j = 1; j <= nlayers; j++)
            if ((a, order[j]) in edges) s = s " " order[j] "(" edges[a, order[j]] ")"
        if ((a, "unicorn") in uses) s = s " <unicorn>(" uses[a, "unicorn"] ")"
        printf "  %-10s ->%s\n", a, s == "" ? " (nothing)" : s
    }
    exit bad
}'
