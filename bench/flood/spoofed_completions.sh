#!/usr/bin/env bash
# Spoofed completions (issue 16, item 6): sesamed with sesame-helper and a real firewall
# backend (nft, or ufw with its own /etc/ufw copy) in a server namespace, while trafgen
# in the client namespace sends complete knock sequences (7000, 8000, 9000, TCP SYN)
# from spoofed sources in 198.19.0.0/16 (256 /24s; the server has no route back) at
# RATE sequences a second, each from an address of its own. Meanwhile Debian's `knock`
# knocks KNOCKS times, once a second, each time from another real client address
# (198.18.0.10..), and the script counts how many of those got their port opened (an
# element in sesame's nft set, or a ufw rule, for that address) within WAIT seconds.
# Prints the figures, the helper's queue statistics and the sniffer's failed sends.
#
# usage: spoofed_completions.sh [--backend nft|ufw] [--rate N] [--knocks N] [--wait S]
#                               [--expect N] [--keep-log FILE] PATH/TO/sesamed PATH/TO/sesame-helper
#   --keep-log FILE: a copy of sesamed's log (both processes' lines) for a closer look
#   --expect N: fail unless at least N real knocks opened within the wait (the ctest
#   spoofed_completions_smoke: 3 knocks, all must open)
#   (root; exits 77 to skip without root, namespaces, trafgen, knock or the backend)
set -uo pipefail
BACKEND=nft
RATE=1000
KNOCKS=10
WAIT=3
EXPECT=0
KEEP_LOG=""
while [ $# -gt 2 ]; do
  case $1 in
    --backend) BACKEND=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --knocks) KNOCKS=$2; shift 2 ;;
    --wait) WAIT=$2; shift 2 ;;
    --expect) EXPECT=$2; shift 2 ;;
    --keep-log) KEEP_LOG=$2; shift 2 ;;
    *) break ;;
  esac
done
SESAMED=${1:?usage: spoofed_completions.sh [options] PATH/TO/sesamed PATH/TO/sesame-helper}
HELPER=${2:?usage: spoofed_completions.sh [options] PATH/TO/sesamed PATH/TO/sesame-helper}
. "$(dirname "$0")/../../tests/netns.sh"
. "$(dirname "$0")/../../tests/ufw_server.sh"
. "$(dirname "$0")/../../tests/helper_common.sh"

case $BACKEND in
  nft) require_root_and_netns; command -v nft >/dev/null || skip "nft is not installed" ;;
  ufw) require_ufw_server ;;
  *) die "--backend is nft or ufw" ;;
esac
require_knock
require_trafgen
require_user nobody

PORT=2222
OPEN_FOR=60
HOST_BEFORE=$(host_firewall)
setup_namespaces
[ "$BACKEND" = ufw ] && isolate_ufw
LOG=$WORK/sesamed.log
CONF=$WORK/sesame.toml
STATE=$WORK/state
write_toml_config "$BACKEND"
for ((i = 0; i < KNOCKS; i++)); do add_client_source $((10 + i)); done

rule_count() {
  if [ "$BACKEND" = nft ]; then
    srv nft list set inet sesame door0_v4 2>/dev/null | grep -c -- "$1 . tcp . $PORT"
  else
    srv iptables -S ufw-user-input 2>/dev/null | grep -c -- "-s $1/32 .*--dport $PORT"
  fi
}

mac_of() { ip -n "$1" -o link show dev "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
ETH="eth(da=$(mac_of "$SRV" "$SRV_IF"), sa=$(mac_of "$CLI" "$CLI_IF"))"
# Three frames a sequence, round-robin; each frame's counter steps once a round, so the
# three frames of round N share the source 198.19.0.0 + N.
SPOOF4="ipv4(sa=198.19.0.0, sa[2:2]=dinc(0, 65535), da=$SERVER4, ttl=64)"
: >"$WORK/sequences.cfg"
for p in 7000 8000 9000; do
  echo "{ $ETH, $SPOOF4, tcp(sp=40000, dp=$p, syn, win=64240) }" >>"$WORK/sequences.cfg"
done

start_both
# The flood runs from a second before the first knock to a second after the last one
# (each knock's wait included), and stops by itself.
SECONDS_OF_FLOOD=$((KNOCKS * (1 + WAIT) + 2))
FRAMES=$((3 * RATE * SECONDS_OF_FLOOD))
ip netns exec "$CLI" timeout $((SECONDS_OF_FLOOD + 30)) trafgen -o "$CLI_IF" -i "$WORK/sequences.cfg" \
  -n "$FRAMES" -b "$((3 * RATE))pps" -P 1 >"$WORK/trafgen.out" 2>&1 &
TRAFGEN_PID=$!
PIDS+=("$TRAFGEN_PID")
sleep 1
opened=0
in_flood=0
latencies=()
for ((i = 0; i < KNOCKS; i++)); do
  n=$((10 + i))
  t0=${EPOCHREALTIME/./}
  knock_from "$n" "$SERVER4" 7000 8000 9000
  kill -0 "$TRAFGEN_PID" 2>/dev/null && in_flood=$((in_flood + 1))
  if wait_until "$WAIT" rule_in_place "198.18.0.$n"; then
    opened=$((opened + 1))
    latencies+=("$(((${EPOCHREALTIME/./} - t0) / 1000))")
  fi
  sleep 1
done
wait "$TRAFGEN_PID"
forget_pid "$TRAFGEN_PID"
sent=$(tr -d '\r' <"$WORK/trafgen.out" | awk '$2 == "packets" && $3 == "outgoing" { print $1 }')
# The helper closes every spoofed grant before it exits, one ufw call each: give it
# the time that takes (stop_both waits 30 s).
kill -TERM "$SESAMED_PID"
wait_until 600 bash -c "! kill -0 $SESAMED_PID 2>/dev/null" || fail "sesamed did not stop on SIGTERM"
wait "$SESAMED_PID" 2>/dev/null
forget_pid "$SESAMED_PID"
spoofed_opens=$(grep -c "198\.19\.[0-9]*\.[0-9]*: ssh: opened" "$LOG")
echo "backend $BACKEND: $RATE spoofed completions/s for ${SECONDS_OF_FLOOD}s ($((${sent:-0} / 3)) sequences sent)"
echo "real knocks: $KNOCKS ($in_flood during the flood), $opened opened within ${WAIT}s;" \
  "knock to open (ms): ${latencies[*]:-none}"
matched=$(grep -o "statistics: frames.*" "$LOG" | tail -1 | sed -n 's/.*, opens \([0-9]*\),.*/\1/p')
late=$(grep -c "198\.18\.0\.[0-9]*: ssh: opened" "$LOG")
lost=$(grep -c "198\.18\.0\.[0-9]*: ssh: not opened" "$LOG")
echo "real knocks opened by the end of the run: $late (sniffer's sends refused: $lost)"
echo "sequences the sniffer matched: ${matched:-?}; spoofed sources opened: $spoofed_opens"
grep -o "helper: queue .*" "$LOG" | tail -1
grep -o "not sent to the helper [0-9]*" "$LOG" | tail -1 || echo "not sent to the helper 0"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$KEEP_LOG" ] || cp "$LOG" "$KEEP_LOG"
[ "$opened" -ge "$EXPECT" ] || fail "$opened real knocks opened, fewer than $EXPECT"
cleanup_all() { [ "$BACKEND" = ufw ] && cleanup_ufw || cleanup; }
finish cleanup_all
