#!/usr/bin/env bash
# Builds (once) the Debian 12 root filesystem that tests/systemd/lifecycle_test.sh boots
# with systemd-nspawn, from the apt mirror this machine is configured with, and prints
# its path. The tree is cached under $SESAME_ROOTFS_CACHE (default
# /var/cache/sesame-test), keyed by the package list: changing the package list below
# builds a new one. Building takes debootstrap's time (a few minutes); a cached tree
# is reused at once.
#
# usage: rootfs.sh            (root; needs debootstrap)
set -euo pipefail
cache=${SESAME_ROOTFS_CACHE:-/var/cache/sesame-test}
# What sesame needs at run time (its libraries, ufw with iptables, nft) and what the
# test drives inside (systemd as PID 1, iproute2, procps); dbus as on any Debian
# system, though the test masks it (see lifecycle_test.sh).
packages=systemd,systemd-sysv,dbus,iproute2,procps,ufw,iptables,nftables,libcap-ng0,liburing2,libseccomp2,libsystemd0

key=$(sha256sum <<<"$packages" | cut -c1-12)
root=$cache/bookworm-$key
if [ -x "$root/lib/systemd/systemd" ]; then
  echo "$root"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "rootfs.sh: debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "rootfs.sh: debootstrap is not installed" >&2; exit 1; }

# The first Debian archive among apt's sources (deb822 .sources files or one-line .list).
mirror=$(
  {
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }'
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }'
  } | grep -E '/debian/?$' | head -n1 || true
)
[ -n "$mirror" ] || { echo "rootfs.sh: no Debian mirror in /etc/apt/sources.list*" >&2; exit 1; }

mkdir -p "$cache"
# Built beside its final place and renamed into it, so that an interrupted build is
# never taken for a finished one.
partial=$(mktemp -d "$cache/partial.XXXXXX")
# The container's / : mktemp's 0700 would keep every user but root out of everything.
chmod 0755 "$partial"
trap 'rm -rf "$partial"' EXIT
start=$(date +%s)
echo "rootfs.sh: debootstrap bookworm from $mirror into $root" >&2
debootstrap --variant=minbase --include="$packages" bookworm "$partial" "$mirror" >"$partial.log" 2>&1 ||
  { tail -n 30 "$partial.log" >&2; rm -f "$partial.log"; exit 1; }
rm -f "$partial.log"
# Older trees of this cache (another package list) are not needed any more.
find "$cache" -maxdepth 1 -name 'bookworm-*' ! -name "bookworm-$key" -exec rm -rf {} +
mv "$partial" "$root"
trap - EXIT
echo "rootfs.sh: built in $(($(date +%s) - start)) s" >&2
echo "$root"
