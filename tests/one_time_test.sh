#!/usr/bin/env bash
# knockd's One_Time_Sequences with Debian's `knock` in network namespaces: sesamed and
# sesame-helper (exec backend) read an unchanged knockd.conf whose door takes its
# sequences from a file. A sequence opens once: knocked again it opens nothing (shown by
# a later knock on another door that opens), also after a SIGHUP reload and after a
# restart; the next line opens next, and a knock in progress at another door survives
# the move; the last one disables the door with knockd's line,
# and a restart then runs the other door and logs why this one is disabled.
# The file is then byte for byte what Debian's knockd 0.8 makes of a copy knocked the
# same way, and keeps its owner and mode.
#
# usage: one_time_test.sh PATH/TO/sesamed PATH/TO/sesame-helper     (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: one_time_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
HELPER=${2:?usage: one_time_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
KNOCKD=${KNOCKD:-/usr/sbin/knockd}
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/ufw_server.sh"
. "$(dirname "$0")/helper_common.sh"

require_root_and_netns
require_knock
[ -x "$KNOCKD" ] || skip "knockd is not installed at $KNOCKD"
require_user nobody

HOST_BEFORE=$(host_firewall)
setup_namespaces
LOG=$WORK/sesamed.log
STATE=$WORK/state
SEQS="# one sequence per line
1001,1002,1003
 2001,2002:udp,2003

3001:udp,3002,3003
"

# DIR's knockd.conf and its one-time file; LOGFILE is where the daemon logs.
write_conf() {
  local dir=$1 logfile=$2
  printf '%s' "$SEQS" >"$dir/ssh.seq"
  # root's (StrictModes), readable by the sniffer's group only: an owner and mode the
  # rewrite must keep
  chown root:nogroup "$dir/ssh.seq"
  chmod 0640 "$dir/ssh.seq"
  cat >"$dir/knockd.conf" <<EOF
[options]
	LogFile = $logfile
	Interface = $SRV_IF

[oneTime]
	One_Time_Sequences = $dir/ssh.seq
	seq_timeout = 5
	tcpflags = syn
	Start_Command = /usr/bin/true

[marker]
	sequence = 6000,6001
	Start_Command = /usr/bin/true
EOF
}

SES=$WORK/sesame
KND=$WORK/knockd
mkdir -p "$SES" "$KND"
write_conf "$SES" "$LOG"
CONF=$SES/knockd.conf

# How many times DOOR opened for 198.18.0.N by the log: the helper's "opened" lines for
# sesame (the sniffer's OPEN SESAME may precede a refusal), knockd's OPEN SESAME lines.
opens() {
  local door=$1
  if [ "$DAEMON" = sesame ]; then grep -c -- "198.18.0.$N: $door: opened" "$DAEMON_LOG"
  else grep -c -- "198.18.0.$N: $door: OPEN SESAME" "$DAEMON_LOG"; fi
}
opened_since() { [ "$(opens "$1")" -gt "$2" ]; }
# Knocks STEPS from a fresh 198.18.0.N (the helper limits opens per address), then the
# marker door; both daemons act on one source's matches in order, so once the marker
# opened the one-time knock was dealt with. Returns 0 if the one-time door opened.
N=10
knock_then_marker() {
  local before marker
  N=$((N + 1))
  before=$(opens oneTime)
  marker=$(opens marker)
  knock_from "$N" "$SERVER4" "$@"
  knock_from "$N" "$SERVER4" 6000 6001
  wait_until 10 opened_since marker "$marker" || die "$DAEMON: the marker door did not open"
  [ "$(opens oneTime)" -gt "$before" ]
}
expect_opens() {
  local what=$1
  shift
  if knock_then_marker "$@"; then ok "$DAEMON: $what opens"; else fail "$DAEMON: $what did not open"; fi
}
expect_nothing() {
  local what=$1
  shift
  if knock_then_marker "$@"; then fail "$DAEMON: $what opened"; else ok "$DAEMON: $what opens nothing"; fi
}

DAEMON=sesame
DAEMON_LOG=$LOG
# Two workers: each takes the next sequence, and keeps its own sources' other knocks.
start_both -u nobody -w 2
# A knock in progress at another door, from another source, outlasts the one-time door's
# move to its next line (knockd 0.8 empties every source's attempts there).
N=$((N + 1))
PENDING=$N
knock_from "$PENDING" "$SERVER4" 6000
wait_for_line "$LOG" "198.18.0.$PENDING: marker: Stage 1" 5 || fail "no first knock at the marker door"
expect_opens "line 2 (1001,1002,1003)" 1001 1002 1003
wait_for_line "$LOG" "oneTime: next one-time sequence in force (line 3)" 5 && ok "sniffer took line 3" ||
  fail "no 'in force' line"
knock_from "$PENDING" "$SERVER4" 6001
wait_for_line "$LOG" "198.18.0.$PENDING: marker: opened" 5 &&
  ok "a knock begun at another door before the move finishes after it" ||
  fail "the knock in progress at the marker door was lost: $(grep -F "198.18.0.$PENDING" "$LOG")"
expect_nothing "line 2 again (replay)" 1001 1002 1003
kill -HUP "$SESAMED_PID"
wait_for_line "$LOG" "reloaded:" 5 || fail "no reload line: $(grep -F reload "$LOG")"
expect_nothing "line 2 after a reload" 1001 1002 1003
# A changed file is a new config generation: the helper restates line 3 under it, and
# the door opens only once the sniffer confirmed it.
echo "# reloaded with other bytes" >>"$CONF"
kill -HUP "$SESAMED_PID"
wait_for_line "$LOG" "helper: reloaded, config generation" 5 || fail "the helper did not reload"
wait_for_line "$LOG" "oneTime: one-time sequence in force (as sesame-helper read it)" 5 &&
  ok "the helper restated line 3 under the new generation" || fail "no restatement: $(grep -F oneTime "$LOG" | tail -3)"
expect_nothing "line 2 after a reload to a changed file" 1001 1002 1003
expect_opens "line 3 (2001,2002:udp,2003)" 2001 2002:udp 2003
cp "$SES/ssh.seq" "$WORK/after-line-3"
stop_both
start_both -u nobody
expect_nothing "line 3 after a restart" 2001 2002:udp 2003
expect_opens "line 5 (3001:udp,3002,3003)" 3001:udp 3002 3003
wait_for_line "$LOG" "no more sequences left in the one time sequences file for door oneTime --> disabling the door" 5 &&
  ok "knockd's line for the last sequence" || fail "no 'no more sequences' line"
wait_for_line "$LOG" "oneTime: disabled, no one-time sequence left" 5 && ok "sniffer disabled the door" ||
  fail "sniffer did not disable the door"
expect_nothing "line 5 again" 3001:udp 3002 3003
reloads() { grep -Ec "reloaded:|reload failed" "$LOG"; }
reloads_above() { [ "$(reloads)" -gt "$1" ]; }
before=$(reloads)
kill -HUP "$SESAMED_PID"
wait_until 5 reloads_above "$before" || fail "no reload line"
grep -Fq "reloaded: 2 doors: oneTime disabled; marker 6000,6001" "$LOG" && ok "a reload after the last line sees the same doors" ||
  fail "reload after the last line: $(grep -F reload "$LOG" | tail -2)"
stop_both
# Started with the file used up, sesamed runs the other door and says why this one is off.
start_both -u nobody
grep -Fq "error: door oneTime disabled: $SES/knockd.conf:6: One_Time_Sequences: $SES/ssh.seq: no unused sequence left" "$LOG" &&
  ok "a used-up door is disabled at start, with its line" || fail "no 'disabled' line at start: $(grep -F oneTime "$LOG" | tail -3)"
expect_nothing "line 5 after a restart" 3001:udp 3002 3003
stop_both
grep -Fq "error: 1 door disabled: oneTime" "$LOG" && ok "the statistics line names it" || fail "statistics line without the disabled door"

# Debian's knockd, the same knocks on its own copy.
write_conf "$KND" "$WORK/knockd.log"
ip netns exec "$SRV" "$KNOCKD" -i "$SRV_IF" -c "$KND/knockd.conf" >"$WORK/knockd.out" 2>&1 &
KNOCKD_PID=$!
PIDS+=("$KNOCKD_PID")
wait_for_line "$WORK/knockd.log" "starting up, listening on $SRV_IF" 10 || die "knockd did not start: $(cat "$WORK/knockd.out")"
DAEMON=knockd
N=10
DAEMON_LOG=$WORK/knockd.log
expect_opens "line 2" 1001 1002 1003
expect_nothing "line 2 again" 1001 1002 1003
expect_opens "line 3" 2001 2002:udp 2003
# knockd 0.8 aborts on a double free when it disables a door whose last line is used,
# so the files are compared before that; the last '#' goes where knockd puts the others.
stop_pid "$KNOCKD_PID"
if cmp -s "$WORK/after-line-3" "$KND/ssh.seq"; then ok "the file is as knockd leaves it"; else
  fail "the files differ:"
  diff <(od -c "$KND/ssh.seq") <(od -c "$WORK/after-line-3")
fi
sed -i '5s/^./#/' "$KND/ssh.seq"
cmp -s "$SES/ssh.seq" "$KND/ssh.seq" && ok "and the last line marked the same way" ||
  fail "last line: $(diff "$KND/ssh.seq" "$SES/ssh.seq")"
[ "$(stat -c '%U:%G %a' "$SES/ssh.seq")" = "root:nogroup 640" ] && ok "owner and mode kept" ||
  fail "owner and mode: $(stat -c '%U:%G %a' "$SES/ssh.seq")"
ls "$SES" | grep -q sesame-tmp && fail "a temporary file was left"

finish cleanup
