#!/usr/bin/env bash
# Knocks no real client can send, from trafgen at a running sesamed over veth: whole
# sequences from unspecified, loopback, multicast, broadcast, link-local and the
# server's own addresses (IPv4 and IPv6), and from IPv4-mapped and IPv4-compatible
# IPv6 addresses, also split across the two families, and tagged for a VLAN the host
# has no interface for. None opens; the statistics line counts each by reason; a real
# knock after them opens (the proof they were read). With any_vlan = true, the tagged
# knock opens.
#
# usage: spoofed_sources_test.sh PATH/TO/sesamed     (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: spoofed_sources_test.sh PATH/TO/sesamed}
. "$(dirname "$0")/netns.sh"

require_root_and_netns
require_knock
require_trafgen
command -v python3 >/dev/null || skip "python3 is not installed"
require_user nobody
setup_namespaces

LOG=$WORK/sesamed.log
CONF=$WORK/knockd.conf
FRAMES=$WORK/spoofed.cfg
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

cat >"$CONF" <<EOF2
[options]
	logfile = $LOG

[tcpdoor]
	sequence    = 7000,8000,9000
	seq_timeout = 5
	tcpflags    = syn
	command     = /bin/true
EOF2

# An address as trafgen's byte list.
addr_bytes() { python3 -c 'import ipaddress, sys; print(", ".join(hex(b) for b in ipaddress.ip_address(sys.argv[1]).packed))' "$1"; }
mac_bytes() { echo "0x${1//:/, 0x}"; }
SRV_MAC=$(mac_bytes "$(ip -n "$SRV" -o link show dev "$SRV_IF" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)")
CLI_MAC=$(mac_bytes "$(ip -n "$CLI" -o link show dev "$CLI_IF" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)")
ETH="$SRV_MAC, $CLI_MAC"
tcp_syn() { echo "c16(40000), c16($1), c32(1), c32(0), 0x50, 0x02, c16(1024), c16(0), c16(0)"; }
syn4() { echo "{ $ETH, c16(0x0800), 0x45, 0, c16(40), c16(1), c16(0), 64, 6, c16(0), $(addr_bytes "$1"), $(addr_bytes "$SERVER4"), $(tcp_syn "$2") }"; }
# A SYN tagged for VLAN 42 (the server has no VLAN interface).
syn4_vlan42() { syn4 "$@" | sed 's/c16(0x0800)/c16(0x8100), c16(42), c16(0x0800)/'; }
syn6() { echo "{ $ETH, c16(0x86dd), 0x60, 0, 0, 0, c16(20), 6, 64, $(addr_bytes "$1"), $(addr_bytes "$SERVER6"), $(tcp_syn "$2") }"; }
sequence4() { local p; for p in 7000 8000 9000; do syn4 "$1" "$p"; done; }
sequence6() { local p; for p in 7000 8000 9000; do syn6 "$1" "$p"; done; }

{
  for src in 0.0.0.0 255.255.255.255 224.0.0.1 127.0.0.1 198.18.0.255 "$SERVER4" 169.254.1.1; do sequence4 "$src"; done
  for src in :: ::1 ff02::1 fe80::1 "$SERVER6"; do sequence6 "$src"; done
  # IPv4-mapped and IPv4-compatible IPv6 sources: whole sequences, and one begun over
  # IPv4 and finished over IPv6 from the mapped form of the same address.
  sequence6 ::ffff:198.18.0.77
  sequence6 ::198.18.0.78
  syn4 198.18.0.79 7000
  syn6 ::ffff:198.18.0.79 8000
  syn6 ::ffff:198.18.0.79 9000
  for port in 7000 8000 9000; do syn4_vlan42 198.18.0.80 "$port"; done
} >"$FRAMES"
count=$(grep -c '^{' "$FRAMES")

start_sesamed "$CONF" "$LOG"
note "sending $count spoofed knock frames"
timeout 30 ip netns exec "$CLI" trafgen --no-sock-mem --notouch-irq -P 1 -C -q -o "$CLI_IF" -i "$FRAMES" -n "$count" \
  >"$WORK/trafgen.out" 2>&1 || die "trafgen failed: $(tail -n 5 "$WORK/trafgen.out")"

# The real knock comes after the spoofed frames in the same ring: once it opens, they
# have been read.
add_client_source 2
use_client_source 2
client_knock "$SERVER4" 7000 8000 9000
wait_for_line "$LOG" "198.18.0.2: tcpdoor: OPEN SESAME" 5 || fail "the real knock did not open"

kill -TERM "$SESAMED_PID"
wait_until 10 bash -c "! kill -0 $SESAMED_PID 2>/dev/null" || die "sesamed did not stop on SIGTERM"
wait "$SESAMED_PID"
forget_pid "$SESAMED_PID"
wait_for_line "$LOG" "statistics: frames" 5 || die "no statistics line"
line=$(grep -F "statistics: frames" "$LOG" | tail -n1)
echo "$line"

opened=$(grep -F "OPEN SESAME" "$LOG" | grep -vF "198.18.0.2: tcpdoor: OPEN SESAME")
[ -z "$opened" ] || fail "spoofed sources opened: $opened"
# Three frames per sequence; the split knock's first frame is a real IPv4 stage 1.
for expected in "unspecified 6" "loopback 6" "multicast 6" "limited_broadcast 3" "directed_broadcast 3" \
                "own_address 6" "link_local 6" "ipv6_mapped_ipv4 8" "foreign vlan 3"; do
  if [[ "$line" == *" $expected"* ]]; then note "ok: $expected"; else fail "statistics do not count '$expected'"; fi
done

# any_vlan = true: the same tagged knock opens.
TOML=$WORK/sesame.toml
cat >"$TOML" <<EOF2
interfaces = ["$SRV_IF"]
any_vlan = true
[log]
syslog = false
file = "$LOG"
[[door]]
name = "vlandoor"
sequence = [7000, 8000, 9000]
seq_timeout = "5s"
open = 22
EOF2
: >"$LOG"
start_sesamed "$TOML" "$LOG"
for port in 7000 8000 9000; do syn4_vlan42 198.18.0.80 "$port"; done >"$FRAMES"
timeout 30 ip netns exec "$CLI" trafgen --no-sock-mem --notouch-irq -P 1 -C -q -o "$CLI_IF" -i "$FRAMES" -n 3 \
  >"$WORK/trafgen.out" 2>&1 || die "trafgen failed: $(tail -n 5 "$WORK/trafgen.out")"
if wait_for_line "$LOG" "198.18.0.80: vlandoor: OPEN SESAME" 5; then note "ok: any_vlan lets the tagged knock open"
else fail "with any_vlan, the tagged knock did not open"; fi
exit "$failures"
