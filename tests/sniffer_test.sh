#!/usr/bin/env bash
# sesamed --dry-run in a server namespace, Debian's `knock` client in a client
# namespace, real sockets between them: TCP, UDP, mixed and IPv6 knocks open, a wrong
# order, a too-slow knock and wrong TCP flags do not; SIGHUP reloads (and a bad file
# keeps the old doors); -4 ignores IPv6. Asserts knockd's log lines, and that the
# running sniffer holds no capability and is not root. Prints the knock latency.
#
# usage: sniffer_test.sh PATH/TO/sesamed     (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: sniffer_test.sh PATH/TO/sesamed}
. "$(dirname "$0")/netns.sh"

require_root_and_netns
require_knock
require_user nobody
setup_namespaces

LOG=$WORK/sesamed.log
CONF=$WORK/knockd.conf
failures=0

# knockd.conf; "$1" may add doors.
write_config() {
  cat >"$CONF" <<EOF
[options]
	logfile = $LOG

[tcpdoor]
	sequence    = 7000,8000,9000
	seq_timeout = 5
	tcpflags    = syn
	command     = /bin/true

[udpdoor]
	sequence    = 7001:udp,8001:udp,9001:udp
	seq_timeout = 5
	command     = /bin/true

[mixed]
	sequence    = 7002:udp,8002:tcp,9002
	seq_timeout = 5
	command     = /bin/true

[slow]
	sequence    = 7100,7200
	seq_timeout = 1
	command     = /bin/true

[synack]
	sequence    = 7300,7400
	seq_timeout = 5
	tcpflags    = syn,ack
	command     = /bin/true

[marker]
	sequence    = 6000,6001
	seq_timeout = 5
	command     = /bin/true
${1:-}
EOF
}

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
expect_line() {
  if wait_for_line "${2:-$LOG}" "$1" 5; then note "ok: $1"; else fail "no line '$1'"; fi
}
expect_no_line() {
  if grep -Fq -- "$1" "${2:-$LOG}"; then fail "unexpected line '$1'"; else note "ok: no '$1'"; fi
}

# The marker door from 198.18.0.N, and its line: proof that every earlier frame from
# that source was read, as one source's frames all go to one worker, in order.
processed_from() {
  knock_from "$1" "$SERVER4" 6000 6001
  expect_line "198.18.0.$1: marker: OPEN SESAME"
}

# CapEff, CapPrm, CapBnd (and CapAmb) zero, every uid not 0, no_new_privs, a seccomp
# filter (mode 2), for the process and each of its threads.
check_privileges() {
  local pid=$1 status field
  [ "$(cat "/proc/$pid/comm")" = sesamed ] || fail "pid $pid is $(cat "/proc/$pid/comm"), not sesamed"
  for status in "/proc/$pid/status" /proc/"$pid"/task/*/status; do
    for field in CapEff CapPrm CapBnd CapAmb; do
      grep -q "^$field:[[:space:]]*0000000000000000$" "$status" || fail "$status: $(grep "^$field:" "$status")"
    done
    grep -Eq '^Uid:([[:space:]]+[1-9][0-9]*){4}$' "$status" || fail "$status: $(grep '^Uid:' "$status")"
    grep -q '^NoNewPrivs:[[:space:]]*1$' "$status" || fail "$status: no_new_privs is not set"
    grep -q '^Seccomp:[[:space:]]*2$' "$status" || fail "$status: no seccomp filter ($(grep '^Seccomp:' "$status"))"
  done
  note "ok: $(grep -c . <(ls -d /proc/"$pid"/task/*)) threads of sesamed hold no capability and run under seccomp, uid $(awk '/^Uid:/ {print $2}' "/proc/$pid/status")"
}

# Time from `knock` returning (its last packet sent) to the OPEN SESAME line, in µs;
# an upper bound: the log is polled, by bash builtins on an open descriptor so the
# poll costs no fork. "none" if the line never came.
measure_latency() {
  local n=$1 line="198.18.0.$1: tcpdoor: OPEN SESAME" start got="" partial=""
  add_client_source "$n"
  use_client_source "$n"
  exec 3<"$LOG"
  while read -r -u 3 _; do :; done # to the end: only new lines count
  ip netns exec "$CLI" knock "$SERVER4" 7000 8000 9000 >/dev/null
  start=${EPOCHREALTIME/./}
  while [ $((${EPOCHREALTIME/./} - start)) -lt 5000000 ]; do
    # A read that meets the end of the file mid-line keeps what it got for the next.
    if ! read -r -u 3 got; then
      partial+=$got
      continue
    fi
    got=$partial$got
    partial=""
    if [[ "$got" == *"$line"* ]]; then
      echo $((${EPOCHREALTIME/./} - start))
      exec 3<&-
      return
    fi
  done
  exec 3<&-
  echo none
}

write_config
start_sesamed "$CONF" "$LOG" -w 2
check_privileges "$SESAMED_PID"

note "TCP, UDP, mixed, IPv6"
knock_from 11 "$SERVER4" 7000 8000 9000
for stage in 1 2 3; do expect_line "198.18.0.11: tcpdoor: Stage $stage"; done
expect_line "198.18.0.11: tcpdoor: OPEN SESAME"
knock_from 12 -u "$SERVER4" 7001 8001 9001
expect_line "198.18.0.12: udpdoor: OPEN SESAME"
knock_from 13 "$SERVER4" 7002:udp 8002:tcp 9002
expect_line "198.18.0.13: mixed: OPEN SESAME"
knock_from 14 -6 "$SERVER6" 7000 8000 9000
expect_line "2001:2::14: tcpdoor: Stage 3"
expect_line "2001:2::14: tcpdoor: OPEN SESAME"
knock_from 15 -6 -u "$SERVER6" 7001 8001 9001
expect_line "2001:2::15: udpdoor: OPEN SESAME"

note "wrong order, too slow, wrong TCP flags"
knock_from 16 "$SERVER4" 8000 7000 9000
expect_line "198.18.0.16: tcpdoor: Stage 1"
knock_from 17 -d 1500 "$SERVER4" 7100 7200
expect_line "198.18.0.17: slow: Stage 1"
expect_line "198.18.0.17: slow: sequence timeout (stage 1)"
knock_from 18 "$SERVER4" 7300 7400
knock_from 19 "$SERVER4" 7000 8000 9000
expect_line "198.18.0.19: tcpdoor: OPEN SESAME"
for n in 16 17 18; do processed_from "$n"; done
expect_no_line "198.18.0.16: tcpdoor: OPEN SESAME"
expect_no_line "198.18.0.16: tcpdoor: Stage 2"
expect_no_line "198.18.0.17: slow: OPEN SESAME"
expect_no_line "198.18.0.18:" <(grep -Fv "198.18.0.18: marker:" "$LOG")

note "knock latency (last packet sent to OPEN SESAME logged, polled)"
latencies=()
for n in 30 31 32 33 34 35 36 37 38 39; do latencies+=("$(measure_latency "$n")"); done
[[ " ${latencies[*]} " == *" none "* ]] && fail "a knock was not logged within 5 s"
echo "latency_us: ${latencies[*]} (sorted: $(printf '%s\n' "${latencies[@]}" | sort -n | tr '\n' ' '))"

note "SIGHUP: a new door; then a broken file keeps the running doors"
write_config $'[reloaded]\n\tsequence = 7600,7700\n\tseq_timeout = 5\n\tcommand = /bin/true'
kill -HUP "$SESAMED_PID"
expect_line "reloaded: 7 doors"
knock_from 20 "$SERVER4" 7600 7700
expect_line "198.18.0.20: reloaded: OPEN SESAME"
printf '[options]\n\tno_such_option = 1\n' >"$CONF"
kill -HUP "$SESAMED_PID"
expect_line "; keeping the running config"
knock_from 21 "$SERVER4" 7600 7700
expect_line "198.18.0.21: reloaded: OPEN SESAME"
check_privileges "$SESAMED_PID"

note "a flood of first knocks is not a flood of log lines"
# 7000 9000 repeated: every 7000 starts tcpdoor afresh ("Stage 1"), every 9000 discards
# it and starts nothing (a repeated 7000 would change nothing: matcher rule R9); 800
# knocks would be 400 lines.
mapfile -t flood < <(yes $'7000\n9000' | head -n 800)
knock_from 40 "$SERVER4" "${flood[@]}"
processed_from 40
if wait_for_line "$LOG" "knock log lines in the last" 8; then
  note "ok: $(grep -F "knock log lines in the last" "$LOG" | tail -n1 | cut -d' ' -f3-)"
else
  fail "no line summing up the lines held back"
fi
stage_lines=$(grep -c "198.18.0.40: tcpdoor: Stage 1" "$LOG")
[ "$stage_lines" -le 200 ] || fail "$stage_lines Stage 1 lines for 400 first knocks"
note "ok: $stage_lines of 400 Stage 1 lines written"

note "SIGTERM: statistics, clean exit"
kill -TERM "$SESAMED_PID"
wait_until 10 bash -c "! kill -0 $SESAMED_PID 2>/dev/null" || fail "sesamed did not stop on SIGTERM"
wait "$SESAMED_PID"
status=$?
forget_pid "$SESAMED_PID"
[ "$status" = 0 ] || fail "sesamed exited with $status"
expect_line "statistics: frames"
expect_line "shutting down"
grep -F "statistics:" "$LOG"

note "-4: IPv6 knocks are ignored"
LOG=$WORK/sesamed-4.log
write_config
start_sesamed "$CONF" "$LOG" -4
knock_from 22 -6 "$SERVER6" 7000 8000 9000
# One worker (the default): the IPv4 knock that opens is read after the IPv6 one.
knock_from 22 "$SERVER4" 7000 8000 9000
expect_line "198.18.0.22: tcpdoor: OPEN SESAME"
expect_no_line "2001:2::22:"
stop_pid "$SESAMED_PID"

if [ -s "$WORK/sesamed.err" ]; then
  echo "sesamed's stderr:"
  cat "$WORK/sesamed.err"
fi
if [ "$failures" != 0 ]; then
  echo "--- log"
  cat "$WORK"/sesamed*.log
  die "$failures check(s) failed"
fi
echo "PASS"
