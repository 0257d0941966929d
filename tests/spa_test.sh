#!/usr/bin/env bash
# fwknop's own client against an SPA door of sesamed + sesame-helper, with real ufw or
# with nft, in network namespaces: `fwknop -A tcp/22 -a 198.18.0.2 -D 198.18.0.1
# --use-hmac` opens port 22 for 198.18.0.2 only; the same packet replayed opens nothing,
# also after a restart of sesamed and after kill -9 of both processes (the helper's
# replay file remembers it); a packet with the wrong keys, one with a flipped byte, and
# one made with the client's clock 10 minutes back (faketime) open nothing; a packet
# saying 0.0.0.0 (fwknop -s) sent over IPv6 opens 22 for the IPv6 source. Each "opens
# nothing" waits for sesamed's refusal line (or the helper's) before looking. The keys
# come from `fwknop --key-gen`, in a key file only root reads.
#
# usage: spa_test.sh ufw|nft PATH/TO/sesamed PATH/TO/sesame-helper     (root; exits 77 to skip)
set -uo pipefail
BACKEND=${1:?usage: spa_test.sh ufw|nft PATH/TO/sesamed PATH/TO/sesame-helper}
SESAMED=${2:?usage: spa_test.sh ufw|nft PATH/TO/sesamed PATH/TO/sesame-helper}
HELPER=${3:?usage: spa_test.sh ufw|nft PATH/TO/sesamed PATH/TO/sesame-helper}
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/ufw_server.sh"
. "$(dirname "$0")/helper_common.sh"

if [ "$BACKEND" = ufw ]; then
  require_ufw_server
else
  require_root_and_netns
  command -v nft >/dev/null || skip "nft is not installed"
  [ -x "$PYTHON" ] || skip "/usr/bin/python3 (the test's TCP listener) is not installed"
  require_user nobody
fi
command -v fwknop >/dev/null || skip "Debian's fwknop client (package fwknop-client) is not installed"
command -v faketime >/dev/null || skip "faketime is not installed"

PORT=22
OPEN_FOR=3
HOST_BEFORE=$(host_firewall)
setup_namespaces
[ "$BACKEND" = ufw ] && isolate_ufw
start_listener "$PORT"

LOG=$WORK/sesamed.log
CONF=$WORK/sesame.toml
STATE=$WORK/state
mkdir -p "$WORK/home" "$WORK/other"
HOME=$WORK/home fwknop --key-gen | grep _BASE64 >"$WORK/spa.keys" || die "fwknop --key-gen failed"
HOME=$WORK/other fwknop --key-gen | grep _BASE64 >"$WORK/other.keys" || die "fwknop --key-gen failed"
chmod 600 "$WORK/spa.keys"
key() { sed -n "s/^$2: //p" "$1"; }
cat >"$CONF" <<EOF2
interfaces = ["$SRV_IF"]
user = "nobody"
firewall = "$BACKEND"
[log]
syslog = false
file = "$LOG"

[[door]]
name = "spa"
open = ["$PORT/tcp"]
open_for = "${OPEN_FOR}s"
[door.spa]
key_file = "$WORK/spa.keys"
EOF2

rule_count() {
  local addr=$1
  if [ "$BACKEND" = nft ]; then
    local set=door0_v4
    [[ $addr == *:* ]] && set=door0_v6
    srv nft list set inet sesame "$set" 2>/dev/null | grep -c -- "$addr . tcp . $PORT"
  elif [[ $addr == *:* ]]; then
    srv ip6tables -S ufw6-user-input 2>/dev/null | grep -c -- "-s $addr/128 .*--dport $PORT"
  else
    srv iptables -S ufw-user-input 2>/dev/null | grep -c -- "-s $addr/32 .*--dport $PORT"
  fi
}

# fwknop from client address 198.18.0.N with KEYS (a --key-gen file); further
# arguments go to fwknop (-B FILE saves the packet, -T only makes it).
spa_from() {
  local n=$1 keys=$2
  shift 2
  add_client_source "$n"
  use_client_source "$n"
  cli env HOME="$WORK/home" fwknop --no-rc-file --no-save-args -D "$SERVER4" --use-hmac \
    --key-base64-rijndael "$(key "$keys" KEY_BASE64)" --key-base64-hmac "$(key "$keys" HMAC_KEY_BASE64)" \
    "$@" >/dev/null 2>>"$WORK/fwknop.err"
}
# Sends the payload saved in FILE from client address N to SERVER's port 62201.
send_payload() {
  local n=$1 file=$2 server=${3:-$SERVER4}
  add_client_source "$n"
  use_client_source "$n"
  cli "$PYTHON" -c '
import socket, sys
data = open(sys.argv[1], "rb").read().strip()
family = socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET
socket.socket(family, socket.SOCK_DGRAM).sendto(data, (sys.argv[2], 62201))
' "$file" "$server"
}
count_lines() { grep -Fc -- "$1" "$LOG"; }
# Waits for the COUNT-th line with TEXT: the proof a packet was processed.
wait_for_nth() {
  local text=$1 n=$2
  wait_until 10 bash -c "[ \$(grep -Fc -- '$text' '$LOG') -ge $n ]"
}
expect_refused() {
  local what=$1 reason=$2 before=$3
  if wait_for_nth "SPA packet to port 62201 refused: $reason" $((before + 1)); then
    ok "$what refused ($reason)"
  else
    fail "$what: no 'refused: $reason' line"
  fi
  rule_gone 198.18.0.2 && ok "$what opened nothing" || fail "$what opened 22"
}

note "host firewall recorded; $BACKEND in $SRV"
start_both
note "sesamed $SESAMED_PID, sesame-helper $HELPER_PID"
[ "$(stat -c %u /proc/"$SESAMED_PID")" != 0 ] && ok "sesamed (which decrypts) runs as $(stat -c %U /proc/"$SESAMED_PID")" ||
  fail "sesamed still runs as root"
srv su -s /bin/sh nobody -c "cat $WORK/spa.keys" >/dev/null 2>&1 && fail "user nobody can read the key file" ||
  ok "the key file is root's"

# 1. The real client opens 22 for its address only.
expect_blocked 2 4 198.18.0.2
spa_from 2 "$WORK/spa.keys" -A "tcp/$PORT" -a 198.18.0.2 -B "$WORK/packet" || fail "fwknop failed: $(cat "$WORK/fwknop.err")"
start=$(date +%s%N)
wait_until 10 rule_in_place 198.18.0.2 && ok "fwknop opened $PORT for 198.18.0.2 ($(( ($(date +%s%N) - start) / 1000000 )) ms)" ||
  fail "nothing opened after fwknop"
expect_connects 2 4 198.18.0.2
expect_blocked 3 4 198.18.0.3
wait_until $((OPEN_FOR + 5)) rule_gone 198.18.0.2 && ok "closed after open_for" || fail "still open after open_for"

# 2. The same packet again, from the same source: the sniffer's cache refuses it.
send_payload 2 "$WORK/packet"
expect_refused "the replayed packet" replay 0

# The N-th replay the helper refuses (the sniffer's cache was lost with it), and nothing opens.
expect_helper_refuses() {
  local what=$1 n=$2
  wait_for_nth "spa: refused, a replayed SPA packet" "$n" && ok "$what refused by the helper" ||
    fail "$what: no refusal by the helper"
  rule_gone 198.18.0.2 && ok "$what opened nothing" || fail "$what opened 22"
}

# 3. After a restart the sniffer has forgotten it; the helper's replay file has not.
stop_both
start_both
send_payload 3 "$WORK/packet"
expect_helper_refuses "replay after a restart" 1

# 4. And after kill -9 of both.
kill_both
start_both
send_payload 2 "$WORK/packet"
expect_helper_refuses "replay after kill -9" 2

# 5. Wrong keys, a flipped byte, a packet from 10 minutes ago.
before=$(count_lines "refused: hmac_mismatch")
spa_from 2 "$WORK/other.keys" -A "tcp/$PORT" -a 198.18.0.2
expect_refused "a packet with other keys" hmac_mismatch "$before"
spa_from 2 "$WORK/spa.keys" -A "tcp/$PORT" -a 198.18.0.2 -T -B "$WORK/fresh" || fail "fwknop -T failed"
# One character in the middle of the ciphertext, swapped for another base64 character.
"$PYTHON" -c '
import sys
p = bytearray(open(sys.argv[1], "rb").read().strip())
p[60] = ord("A") if p[60] != ord("A") else ord("B")
open(sys.argv[1], "wb").write(p)
' "$WORK/fresh"
before=$(count_lines "refused: hmac_mismatch")
send_payload 2 "$WORK/fresh"
expect_refused "a packet with a flipped byte" hmac_mismatch "$before"
add_client_source 2
use_client_source 2
cli env HOME="$WORK/home" faketime -f -10m fwknop --no-rc-file --no-save-args -D "$SERVER4" --use-hmac \
  --key-base64-rijndael "$(key "$WORK/spa.keys" KEY_BASE64)" --key-base64-hmac "$(key "$WORK/spa.keys" HMAC_KEY_BASE64)" \
  -A "tcp/$PORT" -a 198.18.0.2 >/dev/null 2>>"$WORK/fwknop.err"
expect_refused "a packet made 10 minutes ago" stale 0

# 6. IPv6: fwknop has none, but its -s packet (0.0.0.0) sent over IPv6 opens for the
#    IPv6 source.
expect_blocked 2 6 2001:2::2
spa_from 2 "$WORK/spa.keys" -A "tcp/$PORT" -s -T -B "$WORK/any" || fail "fwknop -s -T failed"
send_payload 2 "$WORK/any" "$SERVER6"
wait_until 10 rule_in_place 2001:2::2 && ok "the 0.0.0.0 packet over IPv6 opened $PORT for 2001:2::2" ||
  fail "nothing opened for 2001:2::2"
expect_connects 2 6 2001:2::2
rule_gone 198.18.0.2 && ok "and nothing for 198.18.0.2" || fail "198.18.0.2 opened too"

stop_both
grep -F "statistics:" "$LOG" | tail -1 | grep -q "spa rejects:.*hmac_mismatch 2" && ok "statistics count rejects by reason" ||
  fail "statistics line without the SPA rejects: $(grep -F statistics: "$LOG" | tail -1)"

cleanup_all() { if [ "$BACKEND" = ufw ]; then cleanup_ufw; else cleanup; fi; }
finish cleanup_all
