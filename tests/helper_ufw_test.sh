#!/usr/bin/env bash
# sesamed with sesame-helper and the ufw backend: real ufw (default deny) in a server
# namespace whose /etc/ufw is a private copy, a TCP listener on the door port, Debian's
# `knock` in a client namespace. A connection fails before the knock and succeeds after
# it, only from the knocking address; the grant closes after open_for and on the close
# sequence; a second knock extends a grant instead of adding a rule; IPv6 too; kill -9 of
# both processes with a grant open, then a restart, leaves no rule; SIGTERM closes the
# grants; the helper's death stops sesamed. The host's firewall is compared before and
# after. Prints the knock-to-open latency (last knock sent to rule in the kernel).
#
# usage: helper_ufw_test.sh PATH/TO/sesamed PATH/TO/sesame-helper     (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: helper_ufw_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
HELPER=${2:?usage: helper_ufw_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/ufw_server.sh"

require_root_and_netns
command -v knock >/dev/null || skip "Debian's knock client (package knockd) is not installed"
command -v ufw >/dev/null || skip "ufw is not installed"
[ -d /etc/ufw ] || skip "/etc/ufw does not exist"
[ -x "$PYTHON" ] || skip "/usr/bin/python3 (the test's TCP listener) is not installed"
id nobody >/dev/null 2>&1 || skip "there is no user nobody"

PORT=2222
OPEN_FOR=3
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
ok() { note "ok: $*"; }

# The host's firewall, without counters, to compare before and after.
host_firewall() {
  { iptables-save 2>/dev/null; ip6tables-save 2>/dev/null; nft -s list ruleset 2>/dev/null; } |
    grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//g'
}
HOST_BEFORE=$(host_firewall)

setup_namespaces
isolate_ufw
start_listener "$PORT"

LOG=$WORK/sesamed.log
CONF=$WORK/sesame.toml
STATE=$WORK/state
cat >"$CONF" <<EOF
interfaces = ["$SRV_IF"]
user = "nobody"
firewall = "ufw"

[log]
syslog = false
file = "$LOG"

[[door]]
name = "ssh"
sequence = [7000, 8000, 9000]
seq_timeout = "5s"
tcp_flags = ["syn"]
open = "$PORT/tcp"
open_for = "${OPEN_FOR}s"
close_sequence = [9000, 8000, 7000]
EOF

expect_connects() {
  if connects "$1" "$2" "$PORT"; then ok "connection from $3"; else fail "no connection from $3"; fi
}
expect_blocked() {
  if connects "$1" "$2" "$PORT"; then fail "connection from $3 got through"; else ok "blocked from $3"; fi
}

# ufw's rule for ADDR as the kernel has it (ufw-user-input, or ufw6-user-input).
rule_count() {
  local addr=$1
  if [[ $addr == *:* ]]; then
    srv ip6tables -S ufw6-user-input 2>/dev/null | grep -c -- "-s $addr/128 .*--dport $PORT"
  else
    srv iptables -S ufw-user-input 2>/dev/null | grep -c -- "-s $addr/32 .*--dport $PORT"
  fi
}
rule_in_place() { [ "$(rule_count "$1")" -ge 1 ]; }
rule_gone() { [ "$(rule_count "$1")" = 0 ]; }

knock_from() {
  local n=$1
  shift
  add_client_source "$n"
  use_client_source "$n"
  client_knock "$@"
}

start_both() {
  ip netns exec "$SRV" "$SESAMED" -c "$CONF" --helper "$HELPER" --state-dir "$STATE" -v "$@" \
    2>>"$WORK/sesamed.err" >/dev/null &
  SESAMED_PID=$!
  PIDS+=("$SESAMED_PID")
  wait_for_line "$LOG" 'starting up, listening on' 10 || die "sesamed did not start: $(cat "$WORK/sesamed.err")"
  wait_until 10 helper_pid >/dev/null || die "no sesame-helper under sesamed"
  HELPER_PID=$(helper_pid)
  wait_until 10 grep -Fq 'helper: ready' "$LOG" || die "the helper did not get ready: $(cat "$WORK/sesamed.err")"
}
helper_pid() {
  local p
  p=$(cat /proc/"$SESAMED_PID"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -m1 .) || return 1
  [ -n "$p" ] && echo "$p"
}
count_lines() { grep -Fc -- "$1" "$LOG"; }

# Milliseconds from the end of `knock` to the rule for ADDR in the kernel.
knock_latency_ms() {
  local n=$1 addr=$2
  shift 2
  knock_from "$n" "$@"
  local start end
  start=$(date +%s%N)
  wait_until 10 rule_in_place "$addr" || { echo "timeout"; return 1; }
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

note "host firewall recorded; ufw default-deny active in $SRV"
start_both
note "sesamed $SESAMED_PID, sesame-helper $HELPER_PID"
# The helper: root, but its bounding set only CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH,
# FOWNER, NET_ADMIN and NET_RAW (bits 0-3, 12, 13), and no_new_privs.
grep -q '^CapBnd:[[:space:]]*000000000000300f$' /proc/"$HELPER_PID"/status && ok "helper's capabilities limited" ||
  fail "helper's capabilities: $(grep Cap /proc/"$HELPER_PID"/status | tr '\n' ' ')"
grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/"$HELPER_PID"/status || fail "helper without no_new_privs"
[ "$(stat -c %u /proc/"$SESAMED_PID")" != 0 ] && ok "sesamed runs as $(stat -c %U /proc/"$SESAMED_PID")" ||
  fail "sesamed still runs as root"

# 1. Closed before the knock.
expect_blocked 2 4 198.18.0.2
expect_blocked 2 6 2001:2::2

# 2. The knock opens the port for 198.18.0.2 only.
latencies=()
lat=$(knock_latency_ms 2 198.18.0.2 "$SERVER4" 7000 8000 9000) || fail "no rule after the knock"
latencies+=("$lat")
expect_connects 2 4 198.18.0.2
expect_blocked 3 4 198.18.0.3
expect_blocked 2 6 2001:2::2

# 3. A second knock while open extends the grant: still one rule.
wait_for_line "$LOG" "198.18.0.2: ssh: opened" 5 || fail "no 'opened' line"
knock_from 2 "$SERVER4" 7000 8000 9000
wait_for_line "$LOG" "198.18.0.2: ssh: already open" 5 && ok "second knock coalesced" || fail "no 'already open' line"
[ "$(rule_count 198.18.0.2)" = 1 ] && ok "one rule for 198.18.0.2" || fail "$(rule_count 198.18.0.2) rules for 198.18.0.2"

# 4. Closed again after open_for (counted from the second knock).
wait_until $((OPEN_FOR + 6)) rule_gone 198.18.0.2 && ok "rule gone after open_for" || fail "rule still there after open_for"
wait_for_line "$LOG" "198.18.0.2: ssh: closed $PORT/tcp (open_for elapsed)" 5 && ok "closed line" || fail "no closed line"
expect_blocked 2 4 198.18.0.2

# 5. The close sequence closes early.
lat=$(knock_latency_ms 2 198.18.0.2 "$SERVER4" 7000 8000 9000) || fail "no rule after the knock"
latencies+=("$lat")
expect_connects 2 4 198.18.0.2
knock_from 2 "$SERVER4" 9000 8000 7000
wait_until 5 rule_gone 198.18.0.2 && ok "rule gone after the close sequence" || fail "rule still there after the close sequence"
wait_for_line "$LOG" "198.18.0.2: ssh: closed $PORT/tcp (close sequence)" 5 || fail "no close-sequence line"
expect_blocked 2 4 198.18.0.2

# 6. IPv6.
lat=$(knock_latency_ms 2 2001:2::2 -6 "$SERVER6" 7000 8000 9000) || fail "no IPv6 rule after the knock"
latencies+=("$lat")
expect_connects 2 6 2001:2::2
expect_blocked 3 6 2001:2::3
expect_blocked 2 4 198.18.0.2
knock_from 2 -6 "$SERVER6" 9000 8000 7000
wait_until 5 rule_gone 2001:2::2 && ok "IPv6 rule gone after the close sequence" || fail "IPv6 rule still there"

# More latency samples (each closed by its close sequence).
for n in 4 5 6 7; do
  lat=$(knock_latency_ms "$n" "198.18.0.$n" "$SERVER4" 7000 8000 9000) || fail "no rule for 198.18.0.$n"
  latencies+=("$lat")
  knock_from "$n" "$SERVER4" 9000 8000 7000
  wait_until 5 rule_gone "198.18.0.$n" || fail "rule for 198.18.0.$n did not close"
done
echo "knock_to_open_ms: ${latencies[*]} (sorted: $(printf '%s\n' "${latencies[@]}" | sort -n | tr '\n' ' '))"

# 7. kill -9 both with a grant open: the rule stays (nobody closed it) until the restart.
knock_from 8 "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place 198.18.0.8 || fail "no rule for 198.18.0.8"
wait_for_line "$LOG" "198.18.0.8: ssh: opened" 5 || fail "no 'opened' line for 198.18.0.8"
kill -KILL "$HELPER_PID" "$SESAMED_PID"
wait "$SESAMED_PID" 2>/dev/null
forget_pid "$SESAMED_PID"
rule_in_place 198.18.0.8 && ok "rule left behind by kill -9" || fail "rule vanished without a restart"
grep -Fq "198.18.0.8" "$STATE/grants" && ok "journal lists the grant" || fail "journal does not list the grant"
: >"$LOG"
start_both
rule_gone 198.18.0.8 && ok "restart closed the leftover rule" || fail "leftover rule still there after restart"
grep -Fq "closing 198.18.0.8: ssh (ufw $PORT/tcp), left open by a previous run" "$LOG" || fail "no leftover line"
expect_blocked 8 4 198.18.0.8

# 8. Clean shutdown closes open grants.
knock_from 9 "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place 198.18.0.9 || fail "no rule for 198.18.0.9"
wait_for_line "$LOG" "198.18.0.9: ssh: opened" 5 || fail "no 'opened' line for 198.18.0.9"
kill -TERM "$SESAMED_PID"
wait_until 30 bash -c "! kill -0 $SESAMED_PID 2>/dev/null" || fail "sesamed did not stop on SIGTERM"
wait "$SESAMED_PID" 2>/dev/null
forget_pid "$SESAMED_PID"
kill -0 "$HELPER_PID" 2>/dev/null && fail "the helper outlived sesamed"
rule_gone 198.18.0.9 && ok "SIGTERM closed the grant" || fail "rule still there after SIGTERM"
[ -s "$STATE/grants" ] && fail "journal not empty after a clean shutdown" || ok "journal empty"

# 9. The helper's death stops sesamed.
start_both
kill -KILL "$HELPER_PID"
if wait_until 10 bash -c "! kill -0 $SESAMED_PID 2>/dev/null"; then ok "sesamed stopped when the helper died"; else
  fail "sesamed kept running without its helper"; fi
wait "$SESAMED_PID" 2>/dev/null
forget_pid "$SESAMED_PID"
grep -Fq "sesame-helper killed by signal 9" "$LOG" || fail "no line about the helper's death"

# Sanitizer builds: every clean exit above would have printed its report here.
if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' "$WORK/sesamed.err"; then
  fail "sanitizer report:"
  head -40 "$WORK/sesamed.err"
fi
if [ "$failures" -ne 0 ]; then
  echo "last log lines:"
  tail -30 "$LOG"
  cat "$WORK/sesamed.err"
fi
cleanup_ufw
trap - EXIT
HOST_AFTER=$(host_firewall)
if [ "$HOST_BEFORE" = "$HOST_AFTER" ]; then ok "host firewall unchanged"; else
  fail "host firewall changed:"
  diff <(echo "$HOST_BEFORE") <(echo "$HOST_AFTER") | head -20
fi

if [ "$failures" -ne 0 ]; then
  echo "FAILED: $failures checks"
  exit 1
fi
echo "PASS"
