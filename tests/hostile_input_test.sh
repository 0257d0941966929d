#!/usr/bin/env bash
# Hostile frames at a running sesamed over veth: truncated and inconsistent Ethernet,
# IPv4, IPv6, TCP and UDP headers, VLAN stacks and IPv6 extension-header chains past
# their bounds, fragments, every TCP flag combination on a knock port, and random
# bytes behind every EtherType sesamed reads, sent by trafgen (bounded count and time).
# Afterwards sesamed still runs, still holds no privilege, and a real knock from
# Debian's `knock` client opens at once. Prints sesamed's statistics line.
#
# usage: hostile_input_test.sh PATH/TO/sesamed     (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: hostile_input_test.sh PATH/TO/sesamed}
. "$(dirname "$0")/netns.sh"

require_root_and_netns
require_knock
require_trafgen
require_user nobody
setup_namespaces

LOG=$WORK/sesamed.log
CONF=$WORK/knockd.conf
FRAMES=$WORK/hostile.cfg
ROUNDS=${HOSTILE_ROUNDS:-200}

cat >"$CONF" <<EOF
[options]
	logfile = $LOG

[tcpdoor]
	sequence    = 7000,8000,9000
	seq_timeout = 5
	tcpflags    = syn
	command     = /bin/true

[udpdoor]
	sequence    = 7001:udp,8001:udp
	seq_timeout = 5
	command     = /bin/true
EOF

# trafgen's byte lists.
mac_bytes() { echo "0x${1//:/, 0x}"; }
ip4_bytes() { local IFS=.; set -- $1; echo "$1, $2, $3, $4"; }
hex_bytes() { printf '0x%02x, ' "$@" | sed 's/, $//'; }
SRV_MAC=$(mac_bytes "$(ip -n "$SRV" -o link show dev "$SRV_IF" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)")
CLI_MAC=$(mac_bytes "$(ip -n "$CLI" -o link show dev "$CLI_IF" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)")
ETH="$SRV_MAC, $CLI_MAC"
SRC4=$(ip4_bytes 198.18.0.66)
DST4=$(ip4_bytes "$SERVER4")
# 2001:2::66 and 2001:2::1
SRC6="0x20, 0x01, 0x00, 0x02, $(hex_bytes 0 0 0 0 0 0 0 0 0 0 0 0x66)"
DST6="0x20, 0x01, 0x00, 0x02, $(hex_bytes 0 0 0 0 0 0 0 0 0 0 0 1)"

# IPv4 header: version/IHL byte, total length, fragment field, protocol.
ip4() { echo "$1, 0, c16($2), c16(1), c16($3), 64, $4, c16(0), $SRC4, $DST4"; }
# IPv6 header: payload length, next header.
ip6() { echo "0x60, 0, 0, 0, c16($1), $2, 64, $SRC6, $DST6"; }
# TCP header to PORT: data offset byte, flags byte.
tcp() { echo "c16(40000), c16($1), c32(1), c32(0), $2, $3, c16(1024), c16(0), c16(0)"; }
frame() { echo "{ $ETH, $* }"; }

{
  # Ethernet and EtherType
  frame "c16(0x0800)"
  frame "c16(0x0800), 0x45, 0, 0, 20, 0, 1"
  frame "c16(0x88b5), drnd(46)"
  # IPv4: short IHL, IHL beyond the frame, total length below the header, beyond the
  # frame, version 6 under EtherType IPv4, protocol neither TCP nor UDP
  frame "c16(0x0800), $(ip4 0x44 40 0 6), $(tcp 7000 0x50 0x02)"
  frame "c16(0x0800), $(ip4 0x4f 40 0 6), $(tcp 7000 0x50 0x02)"
  frame "c16(0x0800), $(ip4 0x45 12 0 6), $(tcp 7000 0x50 0x02)"
  frame "c16(0x0800), $(ip4 0x45 1500 0 6), $(tcp 7000 0x50 0x02)"
  frame "c16(0x0800), $(ip4 0x65 40 0 6), $(tcp 7000 0x50 0x02)"
  frame "c16(0x0800), $(ip4 0x45 40 0 47), $(tcp 7000 0x50 0x02)"
  # TCP: data offset below 5 and beyond the segment, header cut short
  frame "c16(0x0800), $(ip4 0x45 40 0 6), $(tcp 7000 0x40 0x02)"
  frame "c16(0x0800), $(ip4 0x45 40 0 6), $(tcp 7000 0xf0 0x02)"
  frame "c16(0x0800), $(ip4 0x45 28 0 6), c16(40000), c16(7000), c32(1)"
  # UDP: length below its header, beyond the datagram
  frame "c16(0x0800), $(ip4 0x45 28 0 17), c16(40000), c16(7001), c16(4), c16(0)"
  frame "c16(0x0800), $(ip4 0x45 28 0 17), c16(40000), c16(7001), c16(900), c16(0)"
  # fragments: a first fragment to a knock port, a later one, one too short for a port
  frame "c16(0x0800), $(ip4 0x45 40 0x2000 6), $(tcp 7000 0x50 0x02)"
  frame "c16(0x0800), $(ip4 0x45 40 0x0010 6), $(tcp 7000 0x50 0x02)"
  frame "c16(0x0800), $(ip4 0x45 22 0x2000 6), c16(40000)"
  # VLAN tags: three, then six, stacked before a SYN to a knock port
  vlan3="c16(0x8100), c16(5), c16(0x8100), c16(5), c16(0x8100), c16(5)"
  frame "$vlan3, c16(0x0800), $(ip4 0x45 40 0 6), $(tcp 7000 0x50 0x02)"
  frame "$vlan3, $vlan3, c16(0x0800), $(ip4 0x45 40 0 6), $(tcp 7000 0x50 0x02)"
  # IPv6: short header, payload length zero, beyond the frame, 45 destination-options
  # headers before a SYN, a chain cut off mid-header, a fragment header
  frame "c16(0x86dd), 0x60, 0, 0, 0, c16(20)"
  frame "c16(0x86dd), $(ip6 0 6), $(tcp 7000 0x50 0x02)"
  frame "c16(0x86dd), $(ip6 1400 6), $(tcp 7000 0x50 0x02)"
  chain=""
  for _ in $(seq 44); do chain+="60, 0, 0, 0, 0, 0, 0, 0, "; done
  frame "c16(0x86dd), $(ip6 $((45 * 8 + 20)) 60), ${chain}6, 0, 0, 0, 0, 0, 0, 0, $(tcp 7000 0x50 0x02)"
  frame "c16(0x86dd), $(ip6 24 60), 60, 4, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0"
  frame "c16(0x86dd), $(ip6 28 44), 6, 0, c16(8), c32(9), $(tcp 7000 0x50 0x02)"
  # every TCP flag combination on each knock port
  for port in 7000 8000 9000; do
    for flags in $(seq 0 255); do frame "c16(0x0800), $(ip4 0x45 40 0 6), $(tcp "$port" 0x50 "$flags")"; done
  done
  # random bytes behind each EtherType sesamed reads, and random frames
  for type in 0x0800 0x86dd 0x8100 0x88a8; do
    for size in 1 19 39 60 200; do frame "c16($type), drnd($size)"; done
  done
  for size in 0 30 100; do frame "drnd($size)"; done
  frame "c16(0x0800), 0x45, drnd(8), 6, drnd(10), c16(7000), drnd(16)"
  frame "c16(0x86dd), 0x60, drnd(5), 6, drnd(33), c16(7000), drnd(16)"
} >"$FRAMES"
count=$(grep -c '^{' "$FRAMES")

start_sesamed "$CONF" "$LOG" -w 2
note "sending $count hostile frames $ROUNDS times ($((count * ROUNDS)) frames)"
# trafgen leaves the machine's socket memory and IRQ affinity alone.
timeout 60 ip netns exec "$CLI" trafgen --no-sock-mem --notouch-irq -P 1 -C -q -o "$CLI_IF" -i "$FRAMES" -n $((count * ROUNDS)) \
  >"$WORK/trafgen.out" 2>&1 || die "trafgen failed: $(tail -n 5 "$WORK/trafgen.out")"

failures=0
kill -0 "$SESAMED_PID" 2>/dev/null || die "sesamed died: $(tail -n 5 "$LOG"; cat "$WORK/sesamed.err")"
grep -q '^Seccomp:[[:space:]]*2$' "/proc/$SESAMED_PID/status" || die "sesamed runs without its seccomp filter"
note "ok: sesamed is still running"
# 198.18.0.66 sent SYNs to all three ports, and SYN-ACKs and the rest: whatever that
# did to its knock, a real knock from another address is unaffected.
add_client_source 2
use_client_source 2
client_knock "$SERVER4" 7000 8000 9000
wait_for_line "$LOG" "198.18.0.2: tcpdoor: OPEN SESAME" 5 || { echo "FAIL: the real knock did not open"; failures=1; }
client_knock -6 "$SERVER6" 7000 8000 9000
wait_for_line "$LOG" "2001:2::2: tcpdoor: OPEN SESAME" 5 || { echo "FAIL: the real IPv6 knock did not open"; failures=1; }
[ "$failures" = 0 ] && note "ok: real knocks open after the hostile frames"

kill -TERM "$SESAMED_PID"
wait_until 10 bash -c "! kill -0 $SESAMED_PID 2>/dev/null" || die "sesamed did not stop on SIGTERM"
wait "$SESAMED_PID"
status=$?
forget_pid "$SESAMED_PID"
[ "$status" = 0 ] || die "sesamed exited with $status"
wait_for_line "$LOG" "statistics: frames" 5 || die "no statistics line"
line=$(grep -F "statistics: frames" "$LOG" | tail -n1)
echo "$line"
[[ "$line" == *"rejects: none"* ]] && { echo "FAIL: no frame was rejected"; failures=1; }
# Two workers: the real knocks above may have been read by the other one. The clean
# exit counts only if every hostile frame had been read by then.
every_frame_read "$line" || { echo "FAIL: sesamed stopped before reading every frame its rings took"; failures=1; }
exit "$failures"
