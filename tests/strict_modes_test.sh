#!/usr/bin/env bash
# StrictModes: a config that others can change (its mode, its owner, a directory above
# it, a one-time sequence file it names) is refused by `sesame check` and by sesamed,
# with the path at fault and the command that fixes it; fixed, it passes.
#
# usage: strict_modes_test.sh PATH/TO/sesame PATH/TO/sesamed     (root; exits 77 to skip)
set -uo pipefail
SESAME=${1:?usage: strict_modes_test.sh PATH/TO/sesame PATH/TO/sesamed}
SESAMED=${2:?usage: strict_modes_test.sh PATH/TO/sesame PATH/TO/sesamed}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (files owned by root and by others)"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "SKIP: there is no user nobody"; exit 77; }

WORK=$(mktemp -d /tmp/sesame-strict.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
CONF=$WORK/etc/sesame.toml
mkdir -m 755 "$WORK/etc"
printf '1,2,3\n' >"$WORK/etc/otp"
cat >"$CONF" <<EOF2
interfaces = ["lo"]
[[door]]
name = "d"
sequence = [7000, 8000]
open = 22
[[door]]
name = "otp"
one_time_sequences = "$WORK/etc/otp"
open = 22
EOF2
chmod 644 "$CONF" "$WORK/etc/otp"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# Both refuse, naming PATH and FIX; sesamed before it opens anything.
expect_refused() {
  local what=$1 path=$2 fix=$3 out
  out=$("$SESAME" check "$CONF" 2>&1) && fail "$what: sesame check accepted it"
  [[ "$out" == *"$path: "*"fix: $fix"* ]] || fail "$what: sesame check said: $out"
  out=$("$SESAMED" -c "$CONF" --dry-run 2>&1) && fail "$what: sesamed started"
  [[ "$out" == *"$path: "*"fix: $fix"* ]] && echo "-- ok: $what: refused ($out)" || fail "$what: sesamed said: $out"
}
expect_accepted() {
  "$SESAME" check "$CONF" >/dev/null 2>&1 && echo "-- ok: $1: accepted" || fail "$1: sesame check refused: $("$SESAME" check "$CONF" 2>&1)"
}

expect_accepted "root's files, 0644"
chmod 666 "$CONF"
expect_refused "a world-writable config" "$CONF" "chmod go-w '$CONF'"
chmod 644 "$CONF"
chown nobody "$CONF"
expect_refused "a config owned by nobody" "$CONF" "chown root:root '$CONF'"
chown root "$CONF"
chmod 775 "$WORK/etc"
expect_refused "a group-writable directory above it" "$WORK/etc" "chmod go-w '$WORK/etc'"
chmod 755 "$WORK/etc"
chmod 664 "$WORK/etc/otp"
expect_refused "a group-writable one-time sequence file" "$WORK/etc/otp" "chmod go-w '$WORK/etc/otp'"
chmod 644 "$WORK/etc/otp"
expect_accepted "fixed"
exit "$failures"
