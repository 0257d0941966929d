#!/usr/bin/env bash
# Re-records knock-client.pcap: Debian's `knock` client in one network namespace, the
# server's side of the veth pair captured by tcpdump in the other (the tests/netns.sh
# pair: server 198.18.0.1 / 2001:2::1, client 198.18.0.2 / 2001:2::2). The server has
# no listeners, so it answers TCP knocks with RST|ACK and UDP knocks with ICMP port
# unreachable; everything else on the link (ARP, IPv6 neighbour discovery, router
# solicitations) stays in the capture too, as the parser must reject it.
#
# A new recording has new source ports and may order the link's own frames
# differently: update the expectations in core/packet_test.cc and
# core/bpf_program_test.cc to it (README.md beside this file says how).
#
# usage: tests/captures/record.sh [OUT.pcap]   (root; default: knock-client.pcap here)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/knock-client.pcap}
. "$HERE/../netns.sh"

require_root_and_netns
command -v tcpdump >/dev/null || skip "tcpdump is not installed"
command -v knock >/dev/null || skip "Debian's knock client is not installed"

setup_namespaces
PCAP=$WORK/knock-client.pcap
ERR=$WORK/tcpdump.err
# -Z root: tcpdump would otherwise write as its own user, who cannot write to $WORK.
ip netns exec "$SRV" tcpdump -Z root --immediate-mode -i "$SRV_IF" -U -n -w "$PCAP" \
  >/dev/null 2>"$ERR" &
TCPDUMP_PID=$!
PIDS+=("$TCPDUMP_PID")
wait_for_line "$ERR" "listening on" 10 || die "tcpdump did not start: $(cat "$ERR")"

captured() { tcpdump -r "$PCAP" -n 2>/dev/null; }
# Whether the capture holds a frame that tcpdump prints matching the regex $1 (not
# through a pipe: under pipefail, grep -q quitting early would fail it).
has_frame() { grep -q -- "$1" <<<"$(captured)"; }
# Knock once a router solicitation shows the link's IPv6 is up. The link's start-up
# traffic still under way (duplicate address detection, MLD reports behind a hop-by-hop
# header) interleaves with the knocks, as it may on a real link.
wait_until 15 has_frame 'router solicitation' ||
  die "no router solicitation within 15 s"

# 100 ms between hits, as a user spacing knocks would.
client_knock -d 100 "$SERVER4" 7000 8000 9000
client_knock -d 100 -u "$SERVER4" 7001 8001 9001
client_knock -d 100 "$SERVER4" 7002:udp 8002:tcp 9002
client_knock -d 100 -6 "$SERVER6" 7000 8000 9000
client_knock -d 100 -6 -u "$SERVER6" 7001 8001

# The last reply is in the capture before tcpdump stops.
wait_until 10 has_frame "$SERVER6 > $CLIENT6: ICMP6, destination unreachable.*port 8001" ||
  die "the last knock's ICMPv6 unreachable was not captured"
stop_pid "$TCPDUMP_PID"
forget_pid "$TCPDUMP_PID"

install -m 644 "$PCAP" "$OUT"
note "wrote $OUT: $(captured | wc -l) frames"
