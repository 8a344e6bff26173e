#!/bin/sh
# Install the Debian bookworm packages faultline needs to build and test.
# Idempotent and silent when everything is present.  Usage: deps.sh [test|bench|fuzz]
set -eu

pkgs="gcc make pkg-config libunicorn-dev libelf-dev libdw-dev zlib1g-dev libcriterion-dev musl-tools"
case "${1:-build}" in
    build) ;;
    test)  pkgs="$pkgs busybox-static librsvg2-bin jq python3 file g++ golang-go sqlite3 libc6-dbg git xz-utils perl procps chromium" ;;
    bench) pkgs="$pkgs busybox-static qemu-user gawk xz-utils sqlite3 perl python3 python3-venv" ;;
    fuzz)  pkgs="$pkgs clang libclang-rt-14-dev" ;;
    *) echo "deps.sh: unknown set '$1' (build, test, bench, fuzz)" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "faultline needs these Debian packages:$missing" >&2
    echo "run as root: apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || apt-get update
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
    apt-get install -y --no-install-recommends $missing
