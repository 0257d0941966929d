# Shared by the sesame-helper root tests (sourced after netns.sh and ufw_server.sh):
# checks that count failures, the host firewall to compare, sesamed with its helper
# started and stopped. A test sets SESAMED, HELPER, PORT, CONF, LOG, STATE and defines
# rule_count ADDR (the backend's rules or elements for ADDR in the server namespace).

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

expect_connects() {
  if connects "$1" "$2" "$PORT"; then ok "connection from $3"; else fail "no connection from $3"; fi
}
expect_blocked() {
  if connects "$1" "$2" "$PORT"; then fail "connection from $3 got through"; else ok "blocked from $3"; fi
}

rule_in_place() { [ "$(rule_count "$1")" -ge 1 ]; }
rule_gone() { [ "$(rule_count "$1")" = 0 ]; }

# sesamed and its helper in the server namespace; extra arguments go to sesamed.
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

# kill -9 of both processes: nothing closes what is open.
kill_both() {
  kill -KILL "$HELPER_PID" "$SESAMED_PID"
  wait "$SESAMED_PID" 2>/dev/null
  forget_pid "$SESAMED_PID"
}

# SIGTERM to sesamed: the helper sees its socket close and exits too.
stop_both() {
  kill -TERM "$SESAMED_PID"
  wait_until 30 bash -c "! kill -0 $SESAMED_PID 2>/dev/null" || fail "sesamed did not stop on SIGTERM"
  wait "$SESAMED_PID" 2>/dev/null
  forget_pid "$SESAMED_PID"
  if wait_until 10 bash -c "! kill -0 $HELPER_PID 2>/dev/null"; then :; else fail "the helper outlived sesamed"; fi
}

# $CONF in TOML: FIREWALL, the lines in EXTRA (root keys), and the door every helper
# test knocks on: 7000,8000,9000 opens $PORT/tcp for $OPEN_FOR s, the reverse closes it.
write_toml_config() {
  local firewall=$1 extra=${2:-}
  cat >"$CONF" <<EOF
interfaces = ["$SRV_IF"]
user = "nobody"
firewall = "$firewall"
$extra
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
}

# The end of every helper test: sanitizer reports, the log on failure, the host's
# firewall against HOST_BEFORE (after CLEANUP, the test's cleanup function, ran), the verdict.
finish() {
  local cleanup=$1
  # Sanitizer builds: every clean exit would have printed its report here.
  if grep -Eq 'AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error' "$WORK/sesamed.err"; then
    fail "sanitizer report:"
    head -40 "$WORK/sesamed.err"
  fi
  if [ "$failures" -ne 0 ]; then
    echo "last log lines:"
    tail -30 "$LOG"
    cat "$WORK/sesamed.err"
  fi
  "$cleanup"
  trap - EXIT
  local host_after
  host_after=$(host_firewall)
  if [ "$HOST_BEFORE" = "$host_after" ]; then ok "host firewall unchanged"; else
    fail "host firewall changed:"
    diff <(echo "$HOST_BEFORE") <(echo "$host_after") | head -20
  fi
  if [ "$failures" -ne 0 ]; then
    echo "FAILED: $failures checks"
    exit 1
  fi
  echo "PASS"
}
