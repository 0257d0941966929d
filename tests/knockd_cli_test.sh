#!/usr/bin/env bash
# knockd's command line: sesamed started as Debian's init script starts knockd (-d, with
# combined flags, -cFILE, --logfile=FILE and -p), returns 0 once it is up, runs in a
# session of its own with its pid in the pid file and its stdio on /dev/null; a `knock`
# symlink to sesame knocks as knockd's client does and the door opens, and -D logs each
# of its packets; -l says names are not resolved; SIGTERM stops it and its pid file goes.
# A config sesamed cannot run makes -d exit 1. -V and --version answer.
#
# usage: knockd_cli_test.sh PATH/TO/sesame PATH/TO/sesamed     (root; exits 77 to skip)
set -uo pipefail
SESAME=$(realpath "${1:?usage: knockd_cli_test.sh sesame sesamed}")
SESAMED=$(realpath "${2:?usage: knockd_cli_test.sh sesame sesamed}")
. "$(dirname "$0")/netns.sh"

require_root_and_netns
require_user nobody
setup_namespaces
LOG=$WORK/knockd.log
cat >"$WORK/knockd.conf" <<EOF
[options]
	Interface = $SRV_IF

[openSSH]
	sequence = 7000,8000:udp,9000
	command  = /bin/true
EOF

"$SESAMED" -V | grep -q '^sesamed [0-9]' || die "sesamed -V: $("$SESAMED" -V)"
"$SESAME" --version | grep -q '^sesame [0-9]' || die "sesame --version"

# -d with knockd's forms; --dry-run and -u are sesame's (no helper in this test).
ip netns exec "$SRV" "$SESAMED" -4vlDd "-c$WORK/knockd.conf" --logfile="$LOG" -p "$WORK/sesamed.pid" --dry-run -u nobody \
  >"$WORK/out" 2>&1
rc=$?
[ "$rc" = 0 ] || die "sesamed -d exited $rc: $(cat "$WORK/out")"
grep -Fq 'starting up, listening on' "$LOG" || die "-d returned before sesamed was up"
pid=$(cat "$WORK/sesamed.pid")
PIDS+=("$pid")
kill -0 "$pid" || die "no process $pid from the pid file"
[ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] || die "sesamed is not a session leader (setsid)"
[ "$(readlink /proc/"$pid"/fd/1)" = /dev/null ] || die "stdout is not /dev/null: $(readlink /proc/"$pid"/fd/1)"
note "ok: detached, pid $pid, own session, stdio on /dev/null"
# The pid file's keeper: the one other process with this command line, root without
# any capability.
keeper=$(pgrep -f -- "-p $WORK/sesamed.pid" | grep -vx "$pid")
[ -n "$keeper" ] || die "no pid file keeper beside sesamed"
for set in CapPrm CapEff CapBnd; do
  grep -qx "$set:[[:space:]]*0000000000000000" /proc/"$keeper"/status ||
    die "the pid file keeper holds capabilities: $(grep "^$set" /proc/"$keeper"/status)"
done
note "ok: the pid file's keeper ($keeper) holds no capability"
grep -Fq -- "-l (lookup) accepted: sesamed never resolves host names" "$LOG" || die "-l: no line says names are not resolved"

# knock, as a symlink to sesame, knocks as knockd's client.
ln -s "$SESAME" "$WORK/knock"
ip netns exec "$CLI" "$WORK/knock" "$SERVER4" 7000 8000:udp 9000 || die "knock (sesame) failed"
wait_for_line "$LOG" "$CLIENT4: openSSH: OPEN SESAME" 5 || die "the knock through the symlink did not open"
note "ok: knock symlink opens the door"
# -D: a line per packet that reaches the doors, formatted values only.
grep -Eq "packet on $SRV_IF: tcp $CLIENT4:[0-9]+ -> $SERVER4:7000 flags syn\$" "$LOG" ||
  die "-D logged no packet line for the first knock: $(grep -F 'packet on' "$LOG")"
grep -Eq "packet on $SRV_IF: udp $CLIENT4:[0-9]+ -> $SERVER4:8000\$" "$LOG" || die "-D: no line for the UDP knock"
note "ok: -D logs each packet"
stop_pid "$pid"
kill -0 "$pid" 2>/dev/null && die "sesamed outlived SIGTERM"
wait_until 5 test ! -e "$WORK/sesamed.pid" || die "the pid file outlived sesamed"
note "ok: SIGTERM stops it and its pid file is removed"

# A config that cannot start: -d reports it in its exit status.
sed -i "s|Interface = .*|Interface = sesame-none0|" "$WORK/knockd.conf"
if ip netns exec "$SRV" "$SESAMED" -d -c "$WORK/knockd.conf" -p "$WORK/second.pid" --dry-run -u nobody >/dev/null 2>&1; then
  die "-d exited 0 for a config that cannot start"
fi
note "ok: -d exits non-zero when sesamed cannot start"
echo PASS
