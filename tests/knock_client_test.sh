#!/usr/bin/env bash
# `sesame knock` against Debian's `knock`: for the same arguments (IPv4 and IPv6, by
# address and by name, TCP, UDP, -u, mixed, -d, -v) the server namespace must capture
# the same packets in the same order (family, protocol, port, TCP flags, UDP length)
# and both must print the same lines and exit alike. Then `sesame knock` opens a door
# of a running sesamed with sesame-helper and real ufw, both started as
# systemd/sesamed.service would start them (its capability bounding set, no_new_privs,
# its system-call filter, a notify socket), over IPv6 with a mixed TCP/UDP sequence and over IPv4; sesamed
# sends READY=1 only as its unprivileged user, RELOADING=1 and READY=1 on SIGHUP,
# STOPPING=1 on SIGTERM.
#
# usage: knock_client_test.sh sesame sesamed sesame-helper sesamed.service(.in)   (root; 77 to skip)
set -uo pipefail
USAGE="usage: knock_client_test.sh PATH/TO/sesame PATH/TO/sesamed PATH/TO/sesame-helper PATH/TO/sesamed.service.in"
SESAME=${1:?$USAGE}
SESAMED=${2:?$USAGE}
HELPER=${3:?$USAGE}
UNIT=${4:?$USAGE}
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/ufw_server.sh"

require_ufw_server
command -v tcpdump >/dev/null || skip "tcpdump is not installed"
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
ok() { note "ok: $*"; }

setup_namespaces
isolate_ufw
# The client resolves knock-server through its own /etc/hosts (ip netns exec mounts it).
mkdir -p "/etc/netns/$CLI"
printf '%s knock-server\n%s knock-server\n' "$SERVER4" "$SERVER6" >"/etc/netns/$CLI/hosts"
trap 'rm -rf "/etc/netns/$CLI"; cleanup_ufw' EXIT

# One line per TCP or UDP packet in a pcap file (Ethernet, IPv4 without options or
# IPv6 without extension headers, as the kernel sends knocks): "IPv6 tcp 7000 flags
# 0x02", "IPv4 udp 8000 payload 00". Read here rather than by tcpdump, which decodes
# some knock ports as other protocols.
packets() {
  "$PYTHON" - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
pos = 24  # the pcap file header
while pos + 16 <= len(data):
    caplen = struct.unpack_from("<I", data, pos + 8)[0]
    frame = data[pos + 16:pos + 16 + caplen]
    pos += 16 + caplen
    if struct.unpack_from("!H", frame, 12)[0] == 0x0800:
        family, proto, l4 = "IPv4", frame[14 + 9], 14 + (frame[14] & 15) * 4
    else:
        family, proto, l4 = "IPv6", frame[14 + 6], 14 + 40
    port = struct.unpack_from("!H", frame, l4 + 2)[0]
    if proto == 6:
        print(f"{family} tcp {port} flags {frame[l4 + 13]:#04x}")
    else:
        print(f"{family} udp {port} payload {frame[l4 + 8:].hex() or '-'}")
PY
}

MARKER="IPv4 udp 9 payload 6d61726b"
marker_captured() { packets "$1" 2>/dev/null | grep -qx "$MARKER"; }

# Runs one client command in the client namespace while the server captures; prints
# the client's packets (see packets), then "stdout:" lines and "exit N".
capture() {
  local pcap=$WORK/capture.pcap err=$WORK/tcpdump.err
  rm -f "$pcap" "$err"
  # Not through srv (see start_listener), and with no hold on the caller's stdout.
  ip netns exec "$SRV" tcpdump -Z root --immediate-mode -i "$SRV_IF" -U -n -w "$pcap" \
    "(tcp or udp) and (src host $CLIENT4 or src host $CLIENT6)" >/dev/null 2>"$err" &
  local pid=$!
  PIDS+=("$pid")
  wait_for_line "$err" "listening on" 10 || die "tcpdump did not start: $(cat "$err")"
  local out status
  out=$(cli "$@" 2>/dev/null)
  status=$?
  # A marker datagram sent after the client's packets: once captured, so are they.
  cli bash -c "printf mark >/dev/udp/$SERVER4/9"
  wait_until 5 marker_captured "$pcap" || echo "marker missed: the capture may lack packets"
  stop_pid "$pid"
  forget_pid "$pid"
  packets "$pcap" | grep -vx "$MARKER"
  [ -n "$out" ] && sed 's/^/stdout: /' <<<"$out"
  echo "exit $status"
}

compare() {
  local name=$1
  shift
  local theirs ours
  theirs=$(capture knock "$@")
  ours=$(capture "$SESAME" knock "$@")
  if [ "$theirs" = "$ours" ] && grep -q '^IPv' <<<"$theirs" && ! grep -q '^marker missed' <<<"$theirs"; then
    ok "$name: knock $* -> $(grep -c '^IPv' <<<"$ours") identical packets"
    sed 's/^/     /' <<<"$ours"
  else
    fail "$name: knock $* differs"
    echo "$theirs" | sed "s/^/   knock: /"; echo "$ours" | sed "s/^/   sesame: /"
  fi
}

note "the same packets from knock and sesame knock"
compare "IPv4 TCP" "$SERVER4" 7000 8000 9000
compare "IPv4 -u" -u "$SERVER4" 7000 8000:tcp 9000
compare "IPv6 mixed" -v "$SERVER6" 7000 8000:udp 9000:tcp 10000:udp
compare "name -4" -4 -v knock-server 7001 7002:udp
compare "name -6" -v knock-server -6 7001:udp 7002
compare "name, any family" -v knock-server 7003 7004:udp
compare "delay and options after operands" "$SERVER4" 1234 -d 100 2345:udp -v
compare "unknown protocol is TCP" "$SERVER6" 4000:UDP 4001:icmp
# No packets, the same exit status: an unknown name, a missing port.
for args in "no-such-host.invalid 7000" "$SERVER4"; do
  # shellcheck disable=SC2086
  theirs=$(cli knock $args >/dev/null 2>&1; echo $?)
  # shellcheck disable=SC2086
  ours=$(cli "$SESAME" knock $args >/dev/null 2>&1; echo $?)
  [ "$theirs" = "$ours" ] && ok "knock $args: both exit $ours" || fail "knock $args: knock exits $theirs, sesame knock $ours"
done

note "sesame knock opens a door of sesamed, started as sesamed.service starts it"
PORT=55555
start_listener "$PORT"
LOG=$WORK/sesamed.log
CONF=$WORK/sesame.toml
cat >"$CONF" <<EOF
interfaces = ["$SRV_IF"]
user = "nobody"
[log]
syslog = false
file = "$LOG"
[[door]]
name = "mixed"
sequence = [7000, "8000/udp", 9000]
seq_timeout = "5s"
tcp_flags = ["syn"]
open = "$PORT/tcp"
open_for = "30s"
EOF
# CAP_NET_RAW CAP_SETUID ... as setpriv spells them: -all,+net_raw,+setuid,...
bounding=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr 'A-Z' 'a-z' | sed -E 's/cap_/+/g; s/ +/,/g')
[ -n "$bounding" ] || die "no CapabilityBoundingSet= in $UNIT"
# systemd's notify socket, played by a datagram socket that logs each message with
# the sender's uid as the kernel stamped it when it was sent (SCM_CREDENTIALS).
NOTIFY=$WORK/notify.sock
"$PYTHON" - "$NOTIFY" "$WORK/notify.log" <<'PY' &
import os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)  # sesamed sends as nobody, as it does to systemd's 0777 socket
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
with open(sys.argv[2], "w") as log:
    while True:
        data, ancillary, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        uid = next((struct.unpack("iII", d)[1] for level, kind, d in ancillary
                    if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS), -1)
        log.write(f"uid={uid} " + data.decode().replace("\n", " ") + "\n")
        log.flush()
PY
PIDS+=("$!")
wait_until 10 test -S "$NOTIFY" || die "no notify socket"
# The unit's SystemCallFilter= too, applied as systemd would (PID 1 here is not systemd).
ip netns exec "$SRV" env NOTIFY_SOCKET="$NOTIFY" setpriv --bounding-set "-all,$bounding" --no-new-privs \
  "$PYTHON" "$(dirname "$0")/unit_syscall_filter.py" "$UNIT" \
  "$SESAMED" -c "$CONF" --helper "$HELPER" --state-dir "$WORK/state" 2>>"$WORK/sesamed.err" &
SESAMED_PID=$!
PIDS+=("$SESAMED_PID")
wait_for_line "$LOG" "helper: ready" 10 || die "sesamed did not start: $(cat "$WORK/sesamed.err" "$LOG")"
NOBODY=$(id -u nobody)
if wait_for_line "$WORK/notify.log" "READY=1" 10 && head -n 1 "$WORK/notify.log" | grep -q "^uid=$NOBODY READY=1"; then
  ok "sd_notify: READY=1 is sent by uid $NOBODY, after the drop: $(head -n 1 "$WORK/notify.log")"
else
  fail "sd_notify: no READY=1 from uid $NOBODY first: $(cat "$WORK/notify.log")"
fi
rule_for() { srv ufw status | grep -q -- "$1"; }

if connects 2 6 "$PORT"; then fail "IPv6 connection before the knock got through"; else ok "IPv6 blocked before the knock"; fi
cli "$SESAME" knock -6 knock-server 7000 8000:udp 9000
if wait_until 10 rule_for "$CLIENT6"; then ok "the IPv6 knock opened a rule for $CLIENT6"; else
  fail "no ufw rule after sesame knock -6: $(cat "$LOG")"; fi
if connects 2 6 "$PORT"; then ok "IPv6 connection after sesame knock"; else fail "no IPv6 connection after sesame knock"; fi
if connects 2 4 "$PORT"; then fail "IPv4 connection got through before its own knock"; else ok "IPv4 still blocked"; fi
cli "$SESAME" knock "$SERVER4" 7000 8000:udp 9000
if wait_until 10 rule_for "$CLIENT4"; then ok "the IPv4 knock opened a rule for $CLIENT4"; else
  fail "no ufw rule after the IPv4 sesame knock: $(cat "$LOG")"; fi
if connects 2 4 "$PORT"; then ok "IPv4 connection after sesame knock"; else fail "no IPv4 connection after sesame knock"; fi
kill -HUP "$SESAMED_PID"
if wait_until 10 grep -A1 -q "RELOADING=1" "$WORK/notify.log" && grep -A1 "RELOADING=1" "$WORK/notify.log" | grep -q READY=1; then
  ok "sd_notify: RELOADING=1, then READY=1 on SIGHUP"
else
  fail "sd_notify after SIGHUP: $(cat "$WORK/notify.log")"
fi
stop_pid "$SESAMED_PID"
forget_pid "$SESAMED_PID"
grep -q "STOPPING=1" "$WORK/notify.log" && ok "sd_notify: STOPPING=1 on SIGTERM" || fail "no STOPPING=1: $(cat "$WORK/notify.log")"
if srv ufw status | grep -q "$PORT"; then fail "a rule outlived sesamed"; else ok "sesamed's stop closed both rules"; fi

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "knock client: every check passed"
