#!/usr/bin/env bash
# `cmake --install` into a DESTDIR: every file where the README and the man pages say,
# the helper where sesamed looks for it, an operator's config kept on a reinstall, the
# unit accepted by `systemd-analyze verify` with an exposure score of at most
# MAX_EXPOSURE, the sysusers.d and tmpfiles.d entries accepted by their tools, and the
# man pages rendering without a groff warning.
#
# usage: install_test.sh BUILD_DIR PREFIX        (exits 77 without systemd-analyze)
set -uo pipefail
BUILD=${1:?usage: install_test.sh BUILD_DIR PREFIX}
P=${2:?usage: install_test.sh BUILD_DIR PREFIX}
# sesamed.service's comment and sesamed(8) quote this figure; lower all three together.
MAX_EXPOSURE=2.6

command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed"; exit 77; }
DEST=$(mktemp -d /tmp/sesame-install.XXXXXX)
trap 'rm -rf "$DEST"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
ok() { echo "-- ok: $*"; }

ROOT=$DEST/root
DESTDIR=$ROOT cmake --install "$BUILD" >"$DEST/install.log" 2>&1 || { cat "$DEST/install.log"; exit 1; }
cached() { sed -n "s|^$1:PATH=||p" "$BUILD/CMakeCache.txt"; }
UNIT_DIR=$(cached SESAME_SYSTEMD_UNIT_DIR)
SYSUSERS_DIR=$(cached SESAME_SYSUSERS_DIR)
TMPFILES_DIR=$(cached SESAME_TMPFILES_DIR)

expect_file() {
  local path=$1 mode=$2
  if [ ! -f "$ROOT$path" ]; then
    fail "$path is not installed"
  elif [ "$(stat -c %a "$ROOT$path")" != "$mode" ]; then
    fail "$path has mode $(stat -c %a "$ROOT$path"), expected $mode"
  else
    ok "$path ($mode)"
  fi
}
expect_file $P/sbin/sesamed 755
expect_file $P/libexec/sesame/sesame-helper 755
expect_file $P/bin/sesame 755
expect_file "$UNIT_DIR/sesamed.service" 644
expect_file "$SYSUSERS_DIR/sesame.conf" 644
expect_file "$TMPFILES_DIR/sesame.conf" 644
expect_file /etc/sesame/sesame.toml 644
expect_file $P/share/doc/sesame/sesame.toml.example 644
expect_file $P/share/man/man1/sesame.1 644
expect_file $P/share/man/man5/sesame.toml.5 644
expect_file $P/share/man/man8/sesamed.8 644

# sesamed starts the helper from the path compiled in: it must be where install put it.
helper=$("$ROOT$P/sbin/sesamed" -h | sed -n 's/.*--helper PATH.*(default \(.*\))$/\1/p')
if [ "$helper" = $P/libexec/sesame/sesame-helper ]; then ok "sesamed looks for the helper at $helper"; else
  fail "sesamed's default helper is '$helper', not the installed $P/libexec/sesame/sesame-helper"; fi
config=$("$ROOT$P/sbin/sesamed" -h | sed -n 's/.*--config FILE.*(default \(.*\))$/\1/p')
[ "$config" = /etc/sesame/sesame.toml ] && ok "sesamed reads $config by default" ||
  fail "sesamed's default config is '$config', not the installed /etc/sesame/sesame.toml"
"$ROOT$P/bin/sesame" check "$ROOT/etc/sesame/sesame.toml" >/dev/null &&
  ok "the installed config passes sesame check" || fail "the installed config fails sesame check"

# A reinstall keeps what the operator wrote.
echo '# the operator was here' >>"$ROOT/etc/sesame/sesame.toml"
DESTDIR=$ROOT cmake --install "$BUILD" >"$DEST/install.log" 2>&1
grep -q 'the operator was here' "$ROOT/etc/sesame/sesame.toml" && ok "a reinstall keeps /etc/sesame/sesame.toml" ||
  fail "a reinstall overwrote /etc/sesame/sesame.toml"

# verify checks that ExecStart, ExecReload and ExecStopPost exist and that the Documentation= pages
# open: point them into the DESTDIR.
unit=$DEST/sesamed.service
sed -e "s|$P/sbin/|$ROOT$P/sbin/|" -e "s|$P/bin/|$ROOT$P/bin/|" -e "s|$P/libexec/|$ROOT$P/libexec/|" \
  "$ROOT$UNIT_DIR/sesamed.service" >"$unit"
grep -q "^ExecReload=$ROOT$P/bin/sesame reload \$MAINPID$" "$unit" && ok "ExecReload is sesame reload" ||
  fail "ExecReload is not $P/bin/sesame reload \$MAINPID"
grep -q "^ExecStopPost=$ROOT$P/libexec/sesame/sesame-helper --close-leftovers " "$unit" &&
  ok "ExecStopPost closes what a killed sesamed left open" || fail "no ExecStopPost=sesame-helper --close-leftovers"
if out=$(MANPATH=$ROOT$P/share/man systemd-analyze verify "$unit" 2>&1) && [ -z "$out" ]; then
  ok "systemd-analyze verify: clean"
else
  fail "systemd-analyze verify: $out"
fi
grep -q '^Type=notify$' "$unit" && ok "Type=notify" || fail "the unit is not Type=notify"
exposure=$(systemd-analyze security --offline=true "$unit" 2>&1 | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
if [ -n "$exposure" ] && awk -v e="$exposure" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e <= m) }'; then
  ok "systemd-analyze security: exposure $exposure (at most $MAX_EXPOSURE)"
else
  fail "systemd-analyze security: exposure '$exposure', more than $MAX_EXPOSURE"
fi

# The helper keeps these capabilities (limit_capabilities fails on one the bounding set lacks).
bounding=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit")
for cap in CAP_NET_RAW CAP_NET_ADMIN CAP_SETUID CAP_SETGID CAP_SETPCAP CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH \
  CAP_FOWNER CAP_CHOWN; do
  [[ " $bounding " == *" $cap "* ]] || fail "CapabilityBoundingSet lacks $cap"
done

if out=$(systemd-sysusers --root="$ROOT" --dry-run 2>&1) && grep -q "Creating user 'sesame'" <<<"$out"; then
  ok "systemd-sysusers would create user sesame"
else
  fail "systemd-sysusers: $out"
fi
if [ "$(id -u)" = 0 ]; then
  if systemd-tmpfiles --root="$ROOT" --create sesame.conf 2>&1 &&
    [ "$(stat -c '%a %U' "$ROOT/var/lib/sesame")" = "700 root" ]; then
    ok "systemd-tmpfiles creates /var/lib/sesame, root 0700"
  else
    fail "systemd-tmpfiles did not create /var/lib/sesame as root 0700"
  fi
fi

for page in man1/sesame.1 man5/sesame.toml.5 man8/sesamed.8; do
  if out=$(groff -ww -z -man "$ROOT$P/share/man/$page" 2>&1) && [ -z "$out" ]; then
    ok "$page renders without warnings"
  else
    fail "$page: $out"
  fi
done

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "install: every check passed"
