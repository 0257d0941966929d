#!/usr/bin/env bash
# Memory stays within the configured bound under a flood of distinct sources: sesamed
# with a 64 Ki-source table (2 MiB) takes 300 k and then 1 M first knocks from distinct
# spoofed IPv6 sources (trafgen, bounded). Its peak RSS may grow by the table (and
# 1 MiB) while it fills, and not at all during the second, larger flood; the table
# evicts instead of growing; a real knock opens right after.
#
# usage: memory_bound_test.sh PATH/TO/sesamed     (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: memory_bound_test.sh PATH/TO/sesamed}
. "$(dirname "$0")/netns.sh"

require_root_and_netns
require_knock
require_trafgen
require_user nobody
setup_namespaces

CAPACITY=65536
SLOT_BYTES=32 # core/knock_table.h: 24-byte entry + 8 bytes of timer-wheel links
LOG=$WORK/sesamed.log
CONF=$WORK/sesame.toml
cat >"$CONF" <<EOF
interfaces = ["$SRV_IF"]
user = "nobody"
table_capacity = $CAPACITY

[log]
syslog = false
file = "$LOG"

[[door]]
name = "ssh"
sequence = [7000, 8000, 9000]
seq_timeout = "5s"
tcp_flags = ["syn"]
open = "22/tcp"
EOF

mac_of() { ip -n "$1" -o link show dev "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
ETH="eth(da=$(mac_of "$SRV" "$SRV_IF"), sa=$(mac_of "$CLI" "$CLI_IF"))"
# First knocks from FIRST.. (distinct low 32 bits of 2001:2:0:1::/64), COUNT frames.
flood() {
  local first=$1 count=$2
  echo "{ $ETH, ipv6(sa=2001:2:0:1::, sa[12:4]=dinc($first, $((first + count - 1))), da=$SERVER6, hl=64)," \
    "tcp(sp=40000, dp=7000, syn, win=64240) }" >"$WORK/flood.cfg"
  timeout 60 ip netns exec "$CLI" trafgen --no-sock-mem --notouch-irq -P 1 -C -q -o "$CLI_IF" \
    -i "$WORK/flood.cfg" -n "$count" >"$WORK/trafgen.out" 2>&1 || die "trafgen: $(tail -n 3 "$WORK/trafgen.out")"
  processed
}
# A real knock from a source of its own, and its OPEN SESAME line (never held back):
# with one worker (the default) and one ring, every frame sent before it has been read.
markers=0
processed() {
  markers=$((markers + 1))
  knock_from $((100 + markers)) -6 "$SERVER6" 7000 8000 9000
  wait_for_line "$LOG" "2001:2::$((100 + markers)): ssh: OPEN SESAME" 30 || die "the flood's frames were not all read in 30 s"
}
kib() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$SESAMED_PID/status"; }

start_sesamed "$CONF" "$LOG"
start_kib=$(kib VmHWM)
flood 0 300000
first_kib=$(kib VmHWM)
flood 300000 1000000
second_kib=$(kib VmHWM)
table_kib=$((CAPACITY * SLOT_BYTES / 1024))
echo "VmHWM: ${start_kib} KiB at start, ${first_kib} KiB after 300 k sources, ${second_kib} KiB after 1 M more" \
  "(table ${table_kib} KiB)"

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
kill -0 "$SESAMED_PID" 2>/dev/null || die "sesamed died"
[ $((first_kib - start_kib)) -le $((table_kib + 1024)) ] &&
  note "ok: filling the table cost $((first_kib - start_kib)) KiB (bound: table + 1 MiB)" ||
  fail "filling a ${table_kib} KiB table cost $((first_kib - start_kib)) KiB"
# Growing after the table filled would mean memory per source: none is allowed.
[ $((second_kib - first_kib)) -le 512 ] && note "ok: no growth during the 1 M-source flood" ||
  fail "peak RSS grew by $((second_kib - first_kib)) KiB during the second flood"
add_client_source 2
use_client_source 2
client_knock -6 "$SERVER6" 7000 8000 9000
wait_for_line "$LOG" "2001:2::2: ssh: OPEN SESAME" 5 && note "ok: a real knock opens after the flood" ||
  fail "the real knock did not open"
kill -TERM "$SESAMED_PID"
wait_until 10 bash -c "! kill -0 $SESAMED_PID 2>/dev/null" || die "sesamed did not stop"
forget_pid "$SESAMED_PID"
wait_for_line "$LOG" "statistics: frames" 5 || die "no statistics line"
line=$(grep -F "statistics: frames" "$LOG" | tail -n1)
echo "$line"
evicted=$(sed -n 's/.*(evicted \([0-9]*\),.*/\1/p' <<<"$line")
[ "${evicted:-0}" -gt 1000000 ] && note "ok: the full table evicted $evicted sources" ||
  fail "only ${evicted:-0} evictions for 1.3 M sources in a $CAPACITY-source table"
exit "$failures"
