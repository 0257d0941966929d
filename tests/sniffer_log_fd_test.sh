#!/usr/bin/env bash
# The sniffer holds no writable descriptor on a root-owned file (SECURITY.md, issue 16
# item 10): sesamed with its helper (exec backend) and a log file. Once it runs as
# nobody, none of sesamed's descriptors is the log file or any root-owned regular file
# open for writing; its knock lines still reach the file, through the helper, tagged
# "sesamed: " beside the helper's own. Again after logrotate's rename and a SIGHUP: the
# helper reopens the file and the sniffer gets no descriptor back. Its last lines, sent
# as it stops, reach the file too.
#
# usage: sniffer_log_fd_test.sh PATH/TO/sesamed PATH/TO/sesame-helper   (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: sniffer_log_fd_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
HELPER=${2:?usage: sniffer_log_fd_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/ufw_server.sh"
. "$(dirname "$0")/helper_common.sh"

require_root_and_netns
require_knock
require_user nobody

HOST_BEFORE=$(host_firewall)
setup_namespaces
LOG=$WORK/sesame.log
CONF=$WORK/sesame.toml
STATE=$WORK/state
MARKS=$WORK/marks
mkdir "$MARKS"
cat >"$CONF" <<EOF2
interfaces = ["$SRV_IF"]
user = "nobody"
firewall = "exec"

[log]
syslog = false
file = "$LOG"

[[door]]
name = "one"
sequence = [7001, 7002]
tcp_flags = ["syn"]
start = ["/usr/bin/touch", "$MARKS/%IP%"]
EOF2

# sesamed's descriptors that are LOG (or its renamed self) or a root-owned regular file
# open for writing (a path: not an anon_inode, socket or pipe, which are root's too),
# one "fd -> path (flags)" per line. stderr is a pipe here, so that the check needs no
# exception for what the invoker redirected.
writable_root_files() {
  local fd target flags
  for fd in /proc/"$SESAMED_PID"/fd/*; do
    target=$(readlink "$fd") || continue
    flags=$(awk '/^flags:/ { print $2 }' /proc/"$SESAMED_PID"/fdinfo/"${fd##*/}" 2>/dev/null) || continue
    if [ "$target" = "$LOG" ] || [ "$target" = "$LOG.1" ]; then
      echo "${fd##*/} -> $target ($flags)"
    elif [[ $target == /* ]] && [ -f "$fd" ] && [ "$(stat -L -c %u "$fd")" = 0 ] && [ $((8#$flags & 3)) != 0 ]; then
      echo "${fd##*/} -> $target ($flags)"
    fi
  done
}
check_descriptors() {
  local when=$1 found
  [ "$(stat -c %u /proc/"$SESAMED_PID")" != 0 ] || fail "$when: sesamed still runs as root"
  found=$(writable_root_files)
  [ -z "$found" ] && ok "$when: no descriptor on the log file or a root-owned file open for writing" ||
    fail "$when: sesamed holds: $found"
}

# Descriptors above 2 that this shell inherited (ctest leaves its own log open on 3)
# are closed for sesamed: the check is about what sesamed opens and keeps.
start_sesamed_alone() {
  local fd
  for fd in /proc/"$BASHPID"/fd/*; do
    fd=${fd##*/}
    [ "$fd" -gt 2 ] && eval "exec $fd>&-"
  done
  exec ip netns exec "$SRV" "$SESAMED" -c "$CONF" --helper "$HELPER" --state-dir "$STATE" -u nobody -v
}
start_sesamed_alone 2> >(cat >>"$WORK/sesamed.err") >/dev/null &
SESAMED_PID=$!
PIDS+=("$SESAMED_PID")
wait_for_line "$LOG" 'starting up, listening on' 10 || die "sesamed did not start: $(cat "$WORK/sesamed.err")"
wait_until 10 helper_pid >/dev/null || die "no sesame-helper under sesamed"
HELPER_PID=$(helper_pid)
check_descriptors "after the start"

knock_from 2 "$SERVER4" 7001 7002
wait_until 5 test -e "$MARKS/198.18.0.2" && ok "the knock opened" || fail "no mark for 198.18.0.2"
wait_for_line "$LOG" "] sesamed: 198.18.0.2: one: OPEN SESAME" 5 && ok "the sniffer's line, through the helper, tagged" ||
  fail "no tagged OPEN SESAME line: $(tail -5 "$LOG")"
wait_for_line "$LOG" "] 198.18.0.2: one: opened by its start command" 5 && ok "the helper's own line, untagged" ||
  fail "no helper line: $(tail -5 "$LOG")"
grep -F "] sesamed: starting up, listening on" "$LOG" >/dev/null && ok "the startup line came through the helper" ||
  fail "the startup line is not the relayed one: $(grep -F 'starting up' "$LOG")"

# logrotate: rename, SIGHUP; the helper reopens, the sniffer's lines follow it there.
mv "$LOG" "$LOG.1"
kill -HUP "$SESAMED_PID"
wait_for_line "$LOG" "] sesamed: reloaded: 1 door" 10 && ok "after the rename, sniffer lines reach the new file" ||
  fail "no reload line in the new file: $(cat "$WORK/sesamed.err")"
check_descriptors "after a SIGHUP"

# The lines sesamed sends just before it closes the socket: written, not dropped with
# the stale requests.
stop_both
grep -F "] sesamed: shutting down" "$LOG" >/dev/null && ok "the sniffer's last lines reach the file" ||
  fail "no 'shutting down' line: $(tail -3 "$LOG")"
finish cleanup
