#!/usr/bin/env bash
# A link without a link header: a tun device in the server namespace, fed by the test
# itself (tests/tun_feeder.py writes IPv4 knocks into it as if received). sesamed
# listens on it and the door opens; a wrong knock opens nothing (shown by a later
# door that opens); packets to other ports stay in the kernel (the IP-first filter). Then a WireGuard pair between two namespaces, where the kernel has
# the module: Debian's `knock` over the tunnel opens the door (skipped with the reason
# otherwise).
#
# usage: tun_test.sh PATH/TO/sesamed     (root; exits 77 to skip)
set -uo pipefail
SESAMED=$(realpath "${1:?usage: tun_test.sh PATH/TO/sesamed}")
FEEDER=$(dirname "$(realpath "$0")")/tun_feeder.py
. "$(dirname "$0")/netns.sh"

require_root_and_netns
require_user nobody
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
command -v python3 >/dev/null || skip "python3 (the tun feeder) is not installed"

setup_namespaces
TUN=sesame-tun0
TUN_SERVER=198.19.0.1
TUN_CLIENT=198.19.0.2
LOG=$WORK/sesamed.log
cat >"$WORK/knockd.conf" <<EOF
[options]
	LogFile = $LOG

[overTun]
	sequence = 7000,8000:udp,9000
	tcpflags = syn
	command  = /bin/true

[marker]
	sequence = 6000,6001
	command  = /bin/true
EOF

coproc FEED { ip netns exec "$SRV" python3 "$FEEDER" "$TUN" 2>&1; }
PIDS+=("$FEED_PID")
read -r -t 10 line <&"${FEED[0]}" && [ "$line" = ready ] || die "the tun feeder did not start: $line"
ip -n "$SRV" addr add "$TUN_SERVER/24" dev "$TUN"
ip -n "$SRV" link set "$TUN" up
send() {  # SRC PORT PROTO
  echo "$1 $TUN_SERVER $2 $3" >&"${FEED[1]}"
  read -r -t 5 line <&"${FEED[0]}" && [ "$line" = sent ] || die "the feeder did not send: $line"
}

start_sesamed "$WORK/knockd.conf" "$LOG" -i "$TUN" -v
grep -Fq "$TUN ($TUN_SERVER" "$LOG" && note "ok: sesamed listens on the tun device" ||
  die "sesamed is not on $TUN: $(cat "$WORK/sesamed.err")"
send "$TUN_CLIENT" 7000 tcp
send "$TUN_CLIENT" 8000 udp
send "$TUN_CLIENT" 9000 tcp
wait_for_line "$LOG" "$TUN_CLIENT: overTun: OPEN SESAME" 5 && note "ok: a knock over tun opens its door" ||
  die "no OPEN SESAME over tun: $(tail -5 "$LOG")"
# A wrong knock (UDP where TCP is due), then the marker door from another source.
send 198.19.0.3 7000 tcp
send 198.19.0.3 8000 tcp
send 198.19.0.3 9000 tcp
# UDP to no door's port (a SYN there would pass, for the scan guard): the IP-first
# kernel filter keeps it out of the ring.
for i in $(seq 30); do send 198.19.0.5 5555 udp; done
send 198.19.0.4 6000 tcp
send 198.19.0.4 6001 tcp
wait_for_line "$LOG" "198.19.0.4: marker: OPEN SESAME" 5 || die "the marker door did not open"
grep -Fq "198.19.0.3: overTun: OPEN SESAME" "$LOG" && die "a wrong knock over tun opened the door"
note "ok: a wrong knock over tun opens nothing"
stop_pid "$SESAMED_PID"
forget_pid "$SESAMED_PID"
wait_for_line "$LOG" "statistics: frames" 5 || die "no statistics line"
frames=$(grep -F "statistics: frames" "$LOG" | tail -n1 | sed -n 's/.*statistics: frames \([0-9]*\),.*/\1/p')
# Of the 38 packets fed, 30 go to no door's port.
[ -n "$frames" ] && [ "$frames" -lt 30 ] && note "ok: the kernel filter passed $frames of the 38 packets" ||
  die "the kernel filter let the packets to other ports through: $(grep -F 'statistics: frames' "$LOG" | tail -n1)"

# WireGuard between the two namespaces, if this kernel has it.
if ! ip -n "$SRV" link add wg-srv type wireguard 2>/dev/null; then
  note "SKIP (WireGuard part): this kernel has no wireguard module (ip link add type wireguard failed)"
  echo PASS
  exit 0
fi
command -v wg >/dev/null || { note "SKIP (WireGuard part): wireguard-tools is not installed"; echo PASS; exit 0; }
command -v knock >/dev/null || { note "SKIP (WireGuard part): Debian's knock is not installed"; echo PASS; exit 0; }
ip -n "$CLI" link add wg-cli type wireguard
wg genkey >"$WORK/srv.key"; wg pubkey <"$WORK/srv.key" >"$WORK/srv.pub"
wg genkey >"$WORK/cli.key"; wg pubkey <"$WORK/cli.key" >"$WORK/cli.pub"
ip netns exec "$SRV" wg set wg-srv private-key "$WORK/srv.key" listen-port 51820 \
  peer "$(cat "$WORK/cli.pub")" allowed-ips 198.19.1.2/32 endpoint "$CLIENT4:51820"
ip netns exec "$CLI" wg set wg-cli private-key "$WORK/cli.key" listen-port 51820 \
  peer "$(cat "$WORK/srv.pub")" allowed-ips 198.19.1.1/32 endpoint "$SERVER4:51820"
ip -n "$SRV" addr add 198.19.1.1/24 dev wg-srv
ip -n "$CLI" addr add 198.19.1.2/24 dev wg-cli
ip -n "$SRV" link set wg-srv up
ip -n "$CLI" link set wg-cli up
: >"$LOG"
start_sesamed "$WORK/knockd.conf" "$LOG" -i wg-srv -v
ip netns exec "$CLI" knock 198.19.1.1 7000 8000:udp 9000 >/dev/null
wait_for_line "$LOG" "198.19.1.2: overTun: OPEN SESAME" 5 && note "ok: Debian's knock over WireGuard opens the door" ||
  die "no OPEN SESAME over WireGuard: $(tail -5 "$LOG")"
echo PASS
