#!/usr/bin/env bash
# The SPA flood: sesamed alone (dry run, as nobody) with one SPA door in a server
# namespace, under a bounded trafgen flood of forged SPA packets (fwknop's shape and
# size, base64 with a wrong HMAC) from 65,536 spoofed sources, while Debian's fwknop
# sends real packets from their own addresses. Prints the frames sent and their rate,
# sesamed's CPU, how many real packets opened ("SPA packet ... opens" lines), and the
# refusals by reason from sesamed's final statistics line. Generator on CPU 0, sesamed
# on CPU 1, as in flood.sh.
#
# usage: spa_flood.sh [--frames N] [--rate PPS|max] [--knocks N] PATH/TO/sesamed
#   (root; exits 77 to skip without root, namespaces, trafgen or fwknop)
set -uo pipefail
FRAMES=2000000
RATE=max
KNOCKS=10
KNOCK_GAP_MS=200
while [ $# -gt 1 ]; do
  case $1 in
    --frames) FRAMES=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --knocks) KNOCKS=$2; shift 2 ;;
    *) break ;;
  esac
done
SESAMED=${1:?usage: spa_flood.sh [--frames N] [--rate PPS|max] [--knocks N] PATH/TO/sesamed}
. "$(dirname "$0")/../../tests/netns.sh"

require_root_and_netns
for tool in trafgen fwknop taskset; do command -v "$tool" >/dev/null || skip "$tool is not installed"; done
require_user nobody
[ "$(nproc)" -ge 2 ] || skip "needs two CPUs: one for the generator, one for sesamed"

setup_namespaces
mkdir -p "$WORK/home"
HOME=$WORK/home fwknop --key-gen | grep _BASE64 >"$WORK/spa.keys" || die "fwknop --key-gen failed"
key() { sed -n "s/^$1: //p" "$WORK/spa.keys"; }
LOG=$WORK/sesamed.log
CONF=$WORK/sesame.toml
cat >"$CONF" <<EOF2
interfaces = ["$SRV_IF"]
user = "nobody"
[log]
syslog = false
file = "$LOG"
[[door]]
name = "spa"
open = ["22/tcp"]
[door.spa]
key_file = "$WORK/spa.keys"
EOF2
for ((i = 0; i < KNOCKS; i++)); do add_client_source $((10 + i)); done

mac_of() { ip -n "$1" -o link show dev "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
# A forged packet: 204 base64 characters, as long as the capture's, with no valid HMAC.
FORGED=$(head -c 153 /dev/urandom | base64 -w0 | tr -d '=' | head -c 204)
cat >"$WORK/spa.cfg" <<EOF2
{ eth(da=$(mac_of "$SRV" "$SRV_IF"), sa=$(mac_of "$CLI" "$CLI_IF")),
  ipv4(sa=198.19.0.0, sa[2:2]=dinc(0, 65535), da=$SERVER4, ttl=64),
  udp(sp=40000, dp=62201), "$FORGED" }
EOF2

ip netns exec "$SRV" taskset -c 1 "$SESAMED" -c "$CONF" -i "$SRV_IF" --dry-run -u nobody 2>>"$WORK/sesamed.err" &
SESAMED_PID=$!
PIDS+=("$SESAMED_PID")
wait_for_line "$LOG" "starting up, listening on" 10 || die "sesamed did not start: $(cat "$WORK/sesamed.err")"
ticks() { awk '{ print $14 + $15 }' "/proc/$SESAMED_PID/stat"; }
t0=$(ticks)
rate_arg=()
[ "$RATE" = max ] || rate_arg=(-b "${RATE}pps")
ip netns exec "$CLI" taskset -c 0 timeout 60 trafgen -o "$CLI_IF" -i "$WORK/spa.cfg" -n "$FRAMES" -P 1 \
  "${rate_arg[@]}" >"$WORK/trafgen.out" 2>&1 &
TRAFGEN_PID=$!
PIDS+=("$TRAFGEN_PID")
sleep 0.2
in_flood=0
for ((i = 0; i < KNOCKS; i++)); do
  use_client_source $((10 + i))
  ip netns exec "$CLI" taskset -c 0 env HOME="$WORK/home" fwknop --no-rc-file --no-save-args -D "$SERVER4" \
    --use-hmac --key-base64-rijndael "$(key KEY_BASE64)" --key-base64-hmac "$(key HMAC_KEY_BASE64)" \
    -A tcp/22 -a "198.18.0.$((10 + i))" >/dev/null 2>&1 || die "fwknop failed"
  kill -0 "$TRAFGEN_PID" 2>/dev/null && in_flood=$((in_flood + 1))
  sleep "$(awk -v ms=$KNOCK_GAP_MS 'BEGIN { printf "%.3f", ms / 1000 }')"
done
wait "$TRAFGEN_PID"
forget_pid "$TRAFGEN_PID"
sleep 1
t1=$(ticks)
stop_pid "$SESAMED_PID"
forget_pid "$SESAMED_PID"
sent=$(tr -d '\r' <"$WORK/trafgen.out" | awk '$2 == "packets" && $3 == "outgoing" { print $1 }')
rate=$(tr -d '\r' <"$WORK/trafgen.out" |
  awk -v n="${sent:-0}" '$2 == "sec," && $4 == "usec" { t += $1 + $3 / 1e6 } END { if (t > 0) printf "%.0f", n / t }')
opened=$(grep -c "SPA packet from user root opens" "$LOG")
echo "forged SPA frames sent: ${sent:-0} (${rate:-?} pps)"
echo "sesamed CPU: $(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f s", t / hz }')"
echo "real fwknop packets: $KNOCKS sent ($in_flood during the flood), $opened opened"
grep -F "statistics:" "$LOG" | tail -1 | grep -o "spa accepted.*rejects:[^,]*"
