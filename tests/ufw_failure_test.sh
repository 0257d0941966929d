#!/usr/bin/env bash
# ufw failing under sesame-helper, in a private mount namespace where /usr/sbin/ufw is
# replaced: ufw missing (the helper refuses to start, saying so); ufw refusing the rule
# (logged with what it printed; undone, not kept, the journal stays empty); ufw failing
# at everything (the grant may be partly open: journalled until a start with a working
# ufw closes it); ufw hanging (killed with its children after the command timeout; the
# helper goes on). Neither process crashes; the host's firewall is left as it was.
#
# usage: ufw_failure_test.sh PATH/TO/sesamed PATH/TO/sesame-helper     (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: ufw_failure_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
HELPER=${2:?usage: ufw_failure_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/ufw_server.sh"
. "$(dirname "$0")/helper_common.sh"

require_ufw_server
command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"

HOST_BEFORE=$(host_firewall)
setup_namespaces
isolate_ufw

LOG=$WORK/sesamed.log
CONF=$WORK/sesame.toml
STATE=$WORK/state
FAKE=$WORK/ufw
REAL_UFW=$(command -v ufw)
touch "$WORK/real-ufw"
PORT=2222
OPEN_FOR=30
write_toml_config ufw

# Starts sesamed with ufw replaced by $1: a script (which finds the real ufw at
# $WORK/real-ufw), "missing" (an empty directory over ufw's), or "real" (no change);
# in a mount namespace of its own.
start_with_ufw() {
  local replacement=$1 mounts="true"
  : >"$LOG"
  case $replacement in
    missing) mounts="mount -t tmpfs -o size=1m tmpfs $(dirname "$REAL_UFW")" ;;
    real) ;;
    *) mounts="mount --bind $REAL_UFW $WORK/real-ufw && mount --bind $replacement $REAL_UFW" ;;
  esac
  ip netns exec "$SRV" unshare -m --propagation private \
    bash -c "$mounts && exec \"\$@\"" sesamed "$SESAMED" -c "$CONF" --helper "$HELPER" --state-dir "$STATE" \
    2>>"$WORK/sesamed.err" >/dev/null &
  SESAMED_PID=$!
  PIDS+=("$SESAMED_PID")
}
wait_ready() {
  wait_for_line "$LOG" 'starting up, listening on' 20 || die "sesamed did not start: $(tail -5 "$WORK/sesamed.err")"
  wait_until 20 grep -Fq 'helper: ready' "$LOG" || die "the helper did not get ready"
}
stop_sesamed() {
  stop_pid "$SESAMED_PID"
  forget_pid "$SESAMED_PID"
}
knock_once() { knock_from "$1" "$SERVER4" 7000 8000 9000; }
journal_empty() { [ ! -s "$STATE/grants" ]; }

note "ufw missing: the helper refuses to start and says why"
start_with_ufw missing
if wait_until 20 bash -c "! kill -0 $SESAMED_PID 2>/dev/null"; then ok "sesamed stopped"; else fail "sesamed runs without ufw"; fi
wait "$SESAMED_PID" 2>/dev/null
forget_pid "$SESAMED_PID"
grep -Fq "the ufw backend runs ufw, which is not installed" "$WORK/sesamed.err" && ok "said ufw is missing" ||
  fail "no clear message: $(tail -3 "$WORK/sesamed.err")"

note "ufw refusing the rule: logged with its output, undone, nothing kept"
printf '#!/bin/sh\n[ "$1" = prepend ] || exec %s "$@"\necho "ERROR: simulated failure of ufw $1" >&2\nexit 1\n' \
  "$WORK/real-ufw" >"$FAKE"
chmod 755 "$FAKE"
start_with_ufw "$FAKE"
wait_ready
knock_once 2
wait_for_line "$LOG" "198.18.0.2: ssh: not opened, the firewall refused 2222/tcp" 10 && ok "refused open not kept" ||
  fail "no 'not opened' line"
grep -Fq "exited with status 1: ERROR: simulated failure of ufw prepend" "$LOG" && ok "ufw's own words logged" ||
  fail "ufw's error not logged"
journal_empty && ok "journal empty" || fail "journal lists a grant that is not open: $(cat "$STATE/grants")"
kill -0 "$SESAMED_PID" 2>/dev/null && kill -0 "$(cat /proc/"$SESAMED_PID"/task/*/children | cut -d' ' -f1)" &&
  ok "both processes still run" || fail "a process died"
stop_sesamed

note "ufw failing at everything: the grant may be partly open, so the journal keeps it"
printf '#!/bin/sh\necho "ERROR: simulated failure of ufw $1" >&2\nexit 1\n' >"$FAKE"
start_with_ufw "$FAKE"
wait_ready
knock_once 4
wait_for_line "$LOG" "198.18.0.4: ssh: the firewall refused 2222/tcp and undoing it failed" 10 &&
  ok "said it could not undo" || fail "no 'undoing it failed' line"
grep -Fq "198.18.0.4" "$STATE/grants" && ok "the journal keeps it" || fail "the journal lost a grant that may be open"
stop_sesamed
grep -Fq "198.18.0.4" "$STATE/grants" && ok "still journalled after a shutdown whose close failed" ||
  fail "the journal dropped it at shutdown"
note "the real ufw again: the next start closes it"
start_with_ufw real
wait_ready
journal_empty && ok "journal empty after the restart" || fail "journal still lists: $(cat "$STATE/grants")"
grep -Fq "closing 198.18.0.4: ssh" "$LOG" && ok "closed as a leftover" || fail "no leftover line"
stop_sesamed

note "ufw hanging: killed after the command timeout, the helper goes on"
printf '#!/bin/sh\n[ "$1" = prepend ] && exec sleep 600\nexec %s "$@"\n' "$WORK/real-ufw" >"$FAKE"
start_with_ufw "$FAKE"
wait_ready
knock_once 3
start=$SECONDS
if wait_for_line "$LOG" "did not finish in 10 s and was killed" 20; then
  ok "hung ufw killed after $((SECONDS - start)) s"
else
  fail "no line about the hung ufw"
fi
wait_for_line "$LOG" "198.18.0.3: ssh: not opened" 15 && ok "hung open undone, not kept" || fail "no 'not opened' line"
journal_empty && ok "journal empty" || fail "journal lists a grant that is not open: $(cat "$STATE/grants")"
pgrep -f "sleep 600" >/dev/null && fail "the hung command's process is still there" || ok "no process left behind"
kill -0 "$SESAMED_PID" 2>/dev/null && ok "sesamed still runs" || fail "sesamed died"
stop_sesamed

if [ "$failures" -ne 0 ]; then
  tail -20 "$LOG"
  tail -20 "$WORK/sesamed.err"
fi
cleanup_ufw
trap - EXIT
HOST_AFTER=$(host_firewall)
[ "$HOST_BEFORE" = "$HOST_AFTER" ] && ok "host firewall unchanged" || fail "host firewall changed"
if [ "$failures" -ne 0 ]; then
  echo "FAILED: $failures checks"
  exit 1
fi
echo PASS
