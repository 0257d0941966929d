#!/usr/bin/env bash
# kill -9 at random moments while knocks open and close grants in real ufw: of the
# sniffer, of the helper, or of both. Right after each kill, every sesame rule in the
# kernel is listed in the helper's journal (it writes the journal before it runs ufw);
# after a restart no rule is left and the journal lists nothing. The seed is printed;
# SESAME_FAULT_SEED=N replays a run. The host's firewall is compared before and after.
#
# usage: fault_kill_test.sh PATH/TO/sesamed PATH/TO/sesame-helper     (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: fault_kill_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
HELPER=${2:?usage: fault_kill_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/ufw_server.sh"
. "$(dirname "$0")/helper_common.sh"

require_ufw_server

SEED=${SESAME_FAULT_SEED:-$((RANDOM * 32768 + RANDOM))}
RANDOM=$SEED
ROUNDS=${SESAME_FAULT_ROUNDS:-6}
PORT=2222
HOST_BEFORE=$(host_firewall)
setup_namespaces
isolate_ufw

LOG=$WORK/sesamed.log
CONF=$WORK/sesame.toml
STATE=$WORK/state
# Two ports, so a grant takes two ufw calls and a kill can fall between them.
cat >"$CONF" <<EOF
interfaces = ["$SRV_IF"]
user = "nobody"

[log]
syslog = false
file = "$LOG"

[[door]]
name = "ssh"
sequence = [7000, 8000]
seq_timeout = "5s"
open = ["$PORT/tcp", "$((PORT + 1))/udp"]
open_for = "30s"
close_sequence = [8000, 7000]
EOF

# The sources ufw has a sesame rule for, one per line (IPv4 and IPv6).
open_sources() {
  { srv iptables -S ufw-user-input; srv ip6tables -S ufw6-user-input; } 2>/dev/null |
    grep -E -- "--dport ($PORT|$((PORT + 1)))" | grep -oE -- '-s [0-9a-f.:]+' | cut -d' ' -f2 | sort -u
}
start_fresh() {
  : >"$LOG"
  start_both
}
gone() { ! kill -0 "$1" 2>/dev/null; }

# Knocks from a few sources, opening and closing, until killed.
knocker() {
  local n
  while :; do
    for n in 10 11 12 13; do
      use_client_source "$n"
      if ((RANDOM % 3)); then
        cli knock "$SERVER4" 7000 8000 >/dev/null
      else
        cli knock "$SERVER4" 8000 7000 >/dev/null
      fi
      ((RANDOM % 2)) && cli knock -6 "$SERVER6" 7000 8000 >/dev/null
    done
  done
}
for n in 10 11 12 13; do add_client_source "$n"; done

note "seed $SEED, $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
  start_fresh
  knocker &
  KNOCKER=$!
  PIDS+=("$KNOCKER")
  delay_ms=$((300 + RANDOM % 2500))
  victim=$(((RANDOM % 3)))
  sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
  case $victim in
    0) what="the sniffer"; kill -KILL "$SESAMED_PID" ;;
    1) what="the helper"; kill -KILL "$HELPER_PID" ;;
    2) what="both"; kill -KILL "$HELPER_PID" "$SESAMED_PID" ;;
  esac
  kill "$KNOCKER" 2>/dev/null
  wait "$KNOCKER" 2>/dev/null
  forget_pid "$KNOCKER"
  # Whoever survives notices and exits: the helper after closing its grants, sesamed
  # when its helper dies.
  wait_until 30 gone "$HELPER_PID" || fail "round $round: the helper outlived the kill of $what"
  wait_until 10 gone "$SESAMED_PID" || fail "round $round: sesamed outlived the kill of $what"
  wait "$SESAMED_PID" 2>/dev/null
  forget_pid "$SESAMED_PID"
  left=$(open_sources)
  opened=$(grep -c ': ssh: opened' "$LOG")
  missing=""
  for s in $left; do grep -Fq "$s" "$STATE/grants" 2>/dev/null || missing+=" $s"; done
  [ -z "$missing" ] || fail "round $round: open in ufw but not in the journal:$missing"
  start_fresh
  left_after=$(open_sources)
  [ -z "$left_after" ] || fail "round $round: still open after the restart: $(echo $left_after)"
  [ -s "$STATE/grants" ] && fail "round $round: journal not empty after the restart: $(cat "$STATE/grants")"
  ok "round $round: killed $what after ${delay_ms} ms ($opened opens, $(echo $left | wc -w) rules left, all journalled; none after restart)"
  kill -TERM "$SESAMED_PID"
  wait_until 30 gone "$SESAMED_PID" || fail "round $round: sesamed did not stop on SIGTERM"
  wait "$SESAMED_PID" 2>/dev/null
  forget_pid "$SESAMED_PID"
done

cleanup_ufw
trap - EXIT
HOST_AFTER=$(host_firewall)
[ "$HOST_BEFORE" = "$HOST_AFTER" ] && ok "host firewall unchanged" || fail "host firewall changed"
if [ "$failures" -ne 0 ]; then
  echo "FAILED: $failures checks (seed $SEED; SESAME_FAULT_SEED=$SEED replays)"
  tail -20 "$WORK/sesamed.err" 2>/dev/null
  exit 1
fi
echo "PASS (seed $SEED)"
