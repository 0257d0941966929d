#!/usr/bin/env bash
# `sesame check` answers what start does: Debian's stock /etc/knockd.conf (a copy,
# tests/knockd_conf/debian-stock.conf) and realistic variants (CRLF, comments, port:proto,
# TCPFlags = syn,!ack, Start/Stop_Command with && and ;, Cmd_Timeout,
# One_Time_Sequences used up or not, a missing program (also after && or ; in a shell
# line), an inline comment after a
# sequence, no working door) go through `sesame check` and through a real start of
# sesamed with sesame-helper, in a server namespace whose eth0 (knockd's default
# Interface) is one end of a veth pair. For each file the verdicts must agree: started or not,
# the same doors disabled, for the same reasons with the same file:line. The stock file
# must start with openSSH and closeSSH working and openHTTPS disabled with its reason.
#
# usage: knockd_conf_verdicts_test.sh PATH/TO/sesame PATH/TO/sesamed PATH/TO/sesame-helper   (root; 77 skips)
set -uo pipefail
SESAME=${1:?usage: knockd_conf_verdicts_test.sh sesame sesamed sesame-helper}
SESAMED=${2:?usage: knockd_conf_verdicts_test.sh sesame sesamed sesame-helper}
HELPER=${3:?usage: knockd_conf_verdicts_test.sh sesame sesamed sesame-helper}
FIXTURES=$(cd "$(dirname "$0")/knockd_conf" && pwd)
# The test works from the fixtures' copy, so every path is made absolute first.
SESAME=$(realpath "$SESAME") SESAMED=$(realpath "$SESAMED") HELPER=$(realpath "$HELPER")
. "$(dirname "$0")/netns.sh"

require_root_and_netns
require_user nobody

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
ok() { note "ok: $*"; }

setup_namespaces
ip -n "$SRV" link add eth0 type veth peer name eth0-peer
ip -n "$SRV" link set eth0 up
ip -n "$SRV" link set eth0-peer up
cp "$FIXTURES"/* "$WORK/"
chmod 644 "$WORK"/*
cd "$WORK" || die "no work directory"

# The disabled doors in a door summary ("3 doors: a 1,2; b disabled"), sorted.
disabled_in() { grep -o '[^ :;]* disabled' | sed 's/ disabled$//' | sort | tr '\n' ' '; }

for conf in *.conf; do
  # sesame check, as an operator runs it (relative paths from the working directory).
  ip netns exec "$SRV" "$SESAME" check "$conf" >"$conf.check.out" 2>"$conf.check.err"
  check_rc=$?
  check_starts=yes
  grep -Fq "$conf: sesamed would not start" "$conf.check.out" && check_starts=no
  grep -Fq "$conf: knockd.conf," "$conf.check.out" || check_starts=no  # the file itself was refused
  check_disabled=$(grep -F "$conf: knockd.conf," "$conf.check.out" | disabled_in)
  # The reasons: the first line of each error check printed for a disabled door.
  check_reasons=$(grep -E "^$conf:[0-9]+: " "$conf.check.err" | grep -v ': warning: ' | sort)

  # sesamed with its helper, as the service starts it.
  ip netns exec "$SRV" "$SESAMED" -c "$conf" --helper "$HELPER" --state-dir "$WORK/state" -u nobody -v \
    >/dev/null 2>"$conf.start.err" &
  pid=$!
  PIDS+=("$pid")
  wait_until 10 bash -c "grep -Fq 'starting up, listening on' '$conf.start.err' || ! kill -0 $pid 2>/dev/null"
  start_starts=no
  if grep -Fq 'starting up, listening on' "$conf.start.err"; then
    start_starts=yes
    wait_until 10 grep -Fq 'helper: ready' "$conf.start.err" || fail "$conf: the helper did not get ready"
  fi
  stop_pid "$pid"
  forget_pid "$pid"
  if [ "$start_starts" = yes ]; then
    start_disabled=$(grep -F 'starting up, listening on' "$conf.start.err" | sed 's/.*worker[s]*: //' | disabled_in)
    start_reasons=$(grep -o 'error: door [^ ]* disabled: .*' "$conf.start.err" |
      sed 's/^error: door [^ ]* disabled: //' | sort)
  else
    # A refusal prints what check prints: each problem, then the doors.
    start_disabled=$(grep -F 'sesamed: not starting: ' "$conf.start.err" | disabled_in)
    start_reasons=$(grep -E "^$conf:[0-9]+: " "$conf.start.err" | grep -v ': warning: ' | sort)
  fi

  verdict="starts $check_starts, disabled [${check_disabled% }]"
  if [ "$check_starts" = "$start_starts" ] && [ "$check_disabled" = "$start_disabled" ] &&
    [ "$check_reasons" = "$start_reasons" ]; then
    ok "$conf: check and start agree: $verdict (check exit $check_rc)"
  else
    fail "$conf: check says $verdict; start: starts $start_starts, disabled [${start_disabled% }]"
    diff <(echo "$check_reasons") <(echo "$start_reasons")
    cat "$conf.check.err" "$conf.start.err"
  fi
  # check exits 0 only when every door works.
  if [ -z "$check_disabled" ] && [ "$check_starts" = yes ]; then expected_rc=0; else expected_rc=1; fi
  [ "$check_rc" = "$expected_rc" ] || fail "$conf: check exited $check_rc, expected $expected_rc"
done

# What the issue asks of the stock file, and of the others, verdict by verdict.
expect() {
  local conf=$1 starts=$2 disabled=$3
  local got_disabled
  got_disabled=$(grep -F "$conf: knockd.conf," "$conf.check.out" | disabled_in)
  [ -n "$got_disabled" ] || got_disabled=$(grep -F 'sesamed: not starting: ' "$conf.start.err" | disabled_in)
  if grep -Fq 'starting up, listening on' "$conf.start.err"; then got=yes; else got=no; fi
  [ "$got" = "$starts" ] && [ "${got_disabled% }" = "$disabled" ] && ok "$conf: as expected" ||
    fail "$conf: expected starts $starts disabled [$disabled], got starts $got disabled [${got_disabled% }]"
}
expect debian-stock.conf yes openHTTPS
grep -Fq "error: door openHTTPS disabled: debian-stock.conf:16: openHTTPS: door disabled: its start command runs /usr/local/sbin/knock_add, which is not installed or not executable" debian-stock.conf.start.err &&
  ok "stock: openHTTPS's line says why" || fail "stock: no reason line for openHTTPS"
expect comments-crlf.conf yes ""
expect flags-shell-timeout.conf yes ""
grep -Fq "flags-shell-timeout.conf:9: warning: start_command: uses shell syntax" flags-shell-timeout.conf.check.err &&
  ok "check names the door that uses a shell" || fail "check did not name the shell command"
expect one-time.conf yes usedUp
expect missing-program.conf yes "legacy stopMissing"
expect shell-missing-program.conf yes shellMissing
grep -Fq "shell-missing-program.conf:10: shellMissing: door disabled: its start command runs /usr/local/sbin/sesame-notify (in its shell line), which" shell-missing-program.conf.check.err &&
  ok "check names the missing program inside a shell line, with its line" ||
  fail "shell line: $(cat shell-missing-program.conf.check.err)"
expect inline-comment-sequence.conf no ""
expect nothing-works.conf no "a b"
grep -Fq "no door can work" nothing-works.conf.start.err && ok "no working door: start says so" ||
  fail "nothing-works: $(cat nothing-works.conf.start.err)"

cd / || true
if [ "$failures" -ne 0 ]; then
  echo "FAILED: $failures checks"
  exit 1
fi
echo "PASS"
