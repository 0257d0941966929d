#!/usr/bin/env bash
# The flood benchmark: knockd (Debian's 0.8) and then sesamed, each alone in a server
# network namespace on the same knockd.conf, under the same bounded trafgen flood from
# a client namespace over a veth pair, while Debian's `knock` sends real sequences.
# Prints, per scenario, a table of what each daemon did and the sesame/knockd ratios.
#
# Scenarios (--scenarios, comma-separated; default all but smoke):
#   noise   SYNs to random ports no door uses, from 65,536 spoofed IPv4 sources
#   stage1  SYNs to the first knock port from 65,536 spoofed IPv4 sources, at full speed
#   ipv6    SYNs to the first knock port from 1,048,576 spoofed IPv6 sources (table
#           pressure: more sources than the default table holds)
#   sweep   stage1 at fixed rates, low to high: each daemon's highest rate with every
#           real knock opened (a daemon stops at its first miss)
#   ownnet  stage1 from 65,536 spoofed sources in the knockers' own /16 (198.18.0.0/16,
#           their addresses included): spoofed first knocks from a knocker's address
#           (target: sesamed opens at least 9 of 10)
#   scan    no real knocks: each knocker connect-scans ports 6900-9100 in order with
#           the `knock` client, during a random-port noise flood at 20,000/s (target:
#           no open; under knockd's rules the scan walks through 7000,8000,9000)
#   retransmit  each real knock made of three TCP connects that the server leaves
#           unanswered (an nft drop rule in its namespace), each given up after 1.3 s,
#           so the kernel resends every SYN once, as telnet, nc or curl would; same
#           noise flood (target: 10/10)
# The ownnet, scan and retransmit runs apply sesamed's default (robust) rules; knockd
# shows what knockd 0.8's rules do with the same traffic.
#
# Fairness: the generator (trafgen, the knocks, this script's watchers) runs on CPU 0,
# the daemon on CPU 1. On veth the receive path, AF_PACKET's filters and the copy into
# the daemon's ring run on the sender's CPU, hence both CPUs' load in the table.
# Spoofed sources are 198.19.0.0/16 and 2001:2:0:1::/64, which the server has no route
# back to, so its RSTs go nowhere. sesamed runs as nobody with its sesame-helper (the
# exec backend runs the door's command, /bin/true, as knockd does), so the memory
# figures are those of both processes; "opened" is the OPEN SESAME line of each daemon.
# Memory: RSS after start (idle) and peak RSS (VmHWM) of sesamed + helper, and their
# PSS after start (shared library pages split among the processes mapping them).
#
# usage: flood.sh [--smoke] [--scenarios LIST] [--frames N] [--knocks N] [--helper PATH] PATH/TO/sesamed
#   (root; exits 77 to skip without root, namespaces, trafgen, knock or knockd)
#   --helper: sesame-helper (default: beside sesamed); --helper none runs sesamed
#   --dry-run, without a helper.
#   FLOOD_PERF=FILE in the environment: `perf record -g` of sesamed during each flood.
set -uo pipefail

SMOKE=0
SCENARIOS=noise,stage1,ipv6,sweep,ownnet,scan,retransmit
DAEMONS=knockd,sesamed  # --daemons sesamed: only sesamed (while profiling)
FRAMES=2000000       # per full-speed flood
IPV6_FRAMES=3000000  # the 1 Mi-source flood: every source about 3 times
KNOCKS=10            # real sequences per run
KNOCK_GAP_MS=200     # between their starts
SWEEP_RATES="1000 2000 5000 10000 20000 50000 100000 200000 max"
FLOOD_RATE=max       # of the noise, stage1, ipv6 and ownnet scenarios
SIDE_RATE=20000      # of the noise under the scan and retransmit scenarios
SIDE_FRAMES=200000   # 10 s of it: the retransmitted knocks take about 6 s
SWEEP_SECONDS=3      # per sweep point: frames = rate * seconds
FLOOD_TIMEOUT=30     # seconds; every trafgen run is also bounded by its frame count
GEN_CPU=0
DAEMON_CPU=1
while [ $# -gt 1 ]; do
  case $1 in
    --smoke) SMOKE=1; shift ;;
    --scenarios) SCENARIOS=$2; shift 2 ;;
    --frames) FRAMES=$2; shift 2 ;;
    --knocks) KNOCKS=$2; shift 2 ;;
    --daemons) DAEMONS=$2; shift 2 ;;
    --helper) HELPER=$2; shift 2 ;;
    *) break ;;
  esac
done
SESAMED=${1:?usage: flood.sh [--smoke] [--scenarios LIST] [--frames N] [--knocks N] [--helper PATH] PATH/TO/sesamed}
HELPER=${HELPER:-$(dirname "$SESAMED")/sesame-helper}
[ "$HELPER" = none ] || [ -x "$HELPER" ] || { echo "flood.sh: no sesame-helper at $HELPER (--helper none: dry run)" >&2; exit 2; }
if [ "$SMOKE" = 1 ]; then
  # CI: every scenario once with small counts, to keep the script from rotting.
  FRAMES=20000
  IPV6_FRAMES=40000
  FLOOD_RATE=20000     # so the floods last a second or two and the knocks fall in them
  KNOCKS=3
  SWEEP_RATES="5000 20000"
  SWEEP_SECONDS=1
  FLOOD_TIMEOUT=10
  SIDE_FRAMES=100000
fi
KNOCKD=${KNOCKD:-/usr/sbin/knockd}
. "$(dirname "$0")/../../tests/netns.sh"

require_root_and_netns
for tool in trafgen knock taskset perl; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (trafgen: package netsniff-ng, knock: knockd)"
done
[ -x "$KNOCKD" ] || skip "knockd is not installed at $KNOCKD"
require_user nobody
[ "$(nproc)" -ge 2 ] || skip "needs two CPUs: one for the generator, one for the daemon"

setup_namespaces
CONF=$WORK/knockd.conf
cat >"$CONF" <<'EOF'
[flood]
	sequence    = 7000,8000,9000
	seq_timeout = 5
	tcpflags    = syn
	command     = /bin/true
EOF
mac_of() { ip -n "$1" -o link show dev "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
SRV_MAC=$(mac_of "$SRV" "$SRV_IF")
CLI_MAC=$(mac_of "$CLI" "$CLI_IF")
# The real knockers: 198.18.0.10.. and 2001:2::10.., one per knock, so each open is
# attributed to its knock.
for ((i = 0; i < KNOCKS; i++)); do add_client_source $((10 + i)); done

# ---- trafgen configurations ----

ETH="eth(da=$SRV_MAC, sa=$CLI_MAC)"
SPOOF4="ipv4(sa=198.19.0.0, sa[2:2]=dinc(0, 65535), da=$SERVER4, ttl=64)"
SPOOF6="ipv6(sa=2001:2:0:1::, sa[12:4]=dinc(0, 1048575), da=$SERVER6, hl=64)"
cat >"$WORK/noise.cfg" <<EOF
{ $ETH, $SPOOF4, tcp(sp=40000, dp=drnd(10000, 65535), syn, win=64240) }
EOF
cat >"$WORK/stage1.cfg" <<EOF
{ $ETH, $SPOOF4, tcp(sp=40000, dp=7000, syn, win=64240) }
EOF
cat >"$WORK/ipv6.cfg" <<EOF
{ $ETH, $SPOOF6, tcp(sp=40000, dp=7000, syn, win=64240) }
EOF
# The knockers' own /16: the server answers the spoofed SYNs to 198.18.0.0/24 with
# RSTs over the veth (the real knockers' stacks ignore them), the rest go nowhere.
SPOOF_OWN="ipv4(sa=198.18.0.0, sa[2:2]=dinc(0, 65535), da=$SERVER4, ttl=64)"
cat >"$WORK/ownnet.cfg" <<EOF
{ $ETH, $SPOOF_OWN, tcp(sp=40000, dp=7000, syn, win=64240) }
EOF

# ---- measurements ----

CLK_TCK=$(getconf CLK_TCK)

# "utime stime" of PID (all threads), in clock ticks.
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }
# Sum of field N of FILE (stat, schedstat) over PID's threads but the main one
# (sesamed's workers).
workers_sum() {
  local pid=$1 file=$2 field=$3 task sum=0
  for task in /proc/"$pid"/task/*; do
    [ "${task##*/}" = "$pid" ] || sum=$((sum + $(awk -v f="$field" '{ print $f }' "$task/$file")))
  done
  echo "$sum"
}
# The workers' utime, in clock ticks.
worker_utime() { workers_sum "$1" stat 14; }
# The workers' on-CPU nanoseconds, user and system together: the scheduler's own count
# (schedstat), exact where utime's user/system split is sampled at each tick, and so
# is off for work done in bursts between waits.
worker_cpu_ns() { workers_sum "$1" schedstat 1; }
# "busy total" jiffies of CPU N from /proc/stat.
cpu_jiffies() {
  awk -v cpu="cpu$1" '$1 == cpu { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat
}
# Frames dropped by the per-CPU input backlogs (second column, hex), all CPUs.
softnet_drops() {
  local sum=0 processed dropped rest
  while read -r processed dropped rest; do sum=$((sum + 16#$dropped)); done </proc/net/softnet_stat
  echo "$sum"
}
vm_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
pss_kib() { awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup"; }
# sesamed's helper: its only child.
child_of() { cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | sed -n 1p; }
# FIELD (VmRSS, VmHWM) of DAEMON_PID plus HELPER_PID if any, and the helper's alone.
both_kib() {
  local own helper=0
  own=$(vm_kib "$DAEMON_PID" "$1")
  [ -z "$HELPER_PID" ] || helper=$(vm_kib "$HELPER_PID" "$1")
  echo "$((own + helper)) $helper"
}
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }'; }

# Appends "EPOCH_SECONDS LINE" to OUT for every OPEN SESAME line written to LOG: one
# process polling the file each millisecond, pinned to the generator's CPU.
start_open_watcher() {
  local log=$1 out=$2
  : >"$out"
  taskset -c "$GEN_CPU" perl -MTime::HiRes=time,sleep -e '
    $| = 1;
    open(my $f, "<", $ARGV[0]) or die "$ARGV[0]: $!";
    my $partial = "";
    for (;;) {
      while (defined(my $l = <$f>)) {
        $partial .= $l;
        next unless $partial =~ /\n$/;  # a line met mid-write: wait for the rest
        printf "%.6f %s", time, $partial if $partial =~ /OPEN SESAME/;
        $partial = "";
      }
      sleep 0.001;
      seek($f, 0, 1);
    }' "$log" >"$out" &
  WATCHER_PID=$!
  PIDS+=("$WATCHER_PID")
}

# Starts DAEMON (knockd or sesamed) in the server namespace on DAEMON_CPU, logging to
# LOG; sets DAEMON_PID once it says it is listening.
start_daemon() {
  local daemon=$1 log=$2
  : >"$log"
  if [ "$daemon" = knockd ]; then
    ip netns exec "$SRV" taskset -c "$DAEMON_CPU" "$KNOCKD" -i "$SRV_IF" -c "$CONF" -g "$log" \
      >"$WORK/knockd.out" 2>&1 &
  elif [ "$HELPER" = none ]; then
    ip netns exec "$SRV" taskset -c "$DAEMON_CPU" "$SESAMED" -c "$CONF" -i "$SRV_IF" --dry-run -u nobody \
      2>>"$log" &
  else
    rm -rf "$WORK/state"
    ip netns exec "$SRV" taskset -c "$DAEMON_CPU" "$SESAMED" -c "$CONF" -i "$SRV_IF" -u nobody \
      --helper "$HELPER" --state-dir "$WORK/state" 2>>"$log" &
  fi
  DAEMON_PID=$!
  PIDS+=("$DAEMON_PID")
  HELPER_PID=""
  wait_for_line "$log" "starting up, listening on" 10 || die "$daemon did not start: $(cat "$log" "$WORK/knockd.out" 2>/dev/null)"
  if [ "$daemon" = sesamed ] && [ "$HELPER" != none ]; then
    wait_for_line "$log" "helper: ready" 10 || die "sesame-helper did not get ready: $(tail -5 "$log")"
    HELPER_PID=$(child_of "$DAEMON_PID")
    [ -n "$HELPER_PID" ] || die "no sesame-helper under sesamed"
  fi
}

# What each real knock sends (KNOCK_STYLE): "knock" the sequence 7000,8000,9000 with
# the `knock` client; "scan" ports 6900-9100 in order with it (a connect scan);
# "retransmit" the sequence as TCP connects given up after 1.3 s (see the scenario).
KNOCK_STYLE=knock
SCAN_PORTS=$(seq 6900 9100 | tr '\n' ' ')
knock_once() {
  local family=$1 server=$2 source=$3
  case $KNOCK_STYLE in
    knock) ip netns exec "$CLI" taskset -c "$GEN_CPU" knock "-$family" "$server" 7000 8000 9000 >/dev/null ;;
    # shellcheck disable=SC2086 # the ports are words
    scan) ip netns exec "$CLI" taskset -c "$GEN_CPU" knock "-$family" "$server" $SCAN_PORTS >/dev/null ;;
    retransmit)
      # One kernel TCP connect per port from the knocker's own address (bound, so that
      # knocks can overlap), given up after the kernel's one retransmission (initial
      # RTO 1 s).
      ip netns exec "$CLI" taskset -c "$GEN_CPU" python3 -c '
import socket, sys
server, source = sys.argv[1], sys.argv[2]
family = socket.AF_INET6 if ":" in server else socket.AF_INET
for port in (7000, 8000, 9000):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(1.3)
    try:
        s.connect((server, port))
    except OSError:
        pass
    s.close()' "$server" "$source" ;;
  esac
}

# The real knocks: KNOCKS of KNOCK_STYLE over FAMILY (4 or 6), one every KNOCK_GAP_MS,
# from their own sources; start times (epoch seconds) to $WORK/knocks. Retransmitted
# knocks take about 4 s each, so they run side by side in the background.
send_knocks() {
  local family=$1 server=$SERVER4 prefix=198.18.0. i next jobs=()
  [ "$family" = 6 ] && server=$SERVER6 && prefix=2001:2::
  : >"$WORK/knocks"
  next=${EPOCHREALTIME/./}
  for ((i = 0; i < KNOCKS; i++)); do
    use_client_source $((10 + i))
    echo "$((10 + i)) $EPOCHREALTIME" >>"$WORK/knocks"
    if [ "$KNOCK_STYLE" = retransmit ]; then
      knock_once "$family" "$server" "$prefix$((10 + i))" &
      jobs+=($!)
    else
      knock_once "$family" "$server" "$prefix$((10 + i))" || die "knock failed"
    fi
    KNOCKS_IN_FLOOD=$((KNOCKS_IN_FLOOD + $(kill -0 "$TRAFGEN_PID" 2>/dev/null && echo 1 || echo 0)))
    next=$((next + KNOCK_GAP_MS * 1000))
    local now=${EPOCHREALTIME/./}
    [ "$now" -lt "$next" ] && sleep "$(awk -v us=$((next - now)) 'BEGIN { printf "%.6f", us / 1e6 }')"
  done
  [ ${#jobs[@]} -eq 0 ] || wait "${jobs[@]}"
}

# Sets OPENED (real knocks with an OPEN SESAME line) and LAT_MEDIAN / LAT_MAX (ms,
# from the knock's start to the line) from $WORK/knocks and the watcher's output.
score_knocks() {
  local family=$1 stamped=$2 prefix=198.18.0.
  [ "$family" = 6 ] && prefix=2001:2::
  local lat_file=$WORK/latencies n start got
  : >"$lat_file"
  OPENED=0
  while read -r n start; do
    got=$(grep -F -m1 " $prefix$n: flood: OPEN SESAME" "$stamped" | cut -d' ' -f1)
    [ -n "$got" ] || continue
    OPENED=$((OPENED + 1))
    awk -v a="$start" -v b="$got" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }' >>"$lat_file"
  done <"$WORK/knocks"
  if [ "$OPENED" -gt 0 ]; then
    LAT_MEDIAN=$(sort -n "$lat_file" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    LAT_MAX=$(sort -n "$lat_file" | tail -1)
  else
    LAT_MEDIAN=-
    LAT_MAX=-
  fi
}

# One run: DAEMON under trafgen config CFG (FRAMES frames, RATE pps or "max"), with
# real knocks over FAMILY. Results go to R_<field>[DAEMON].
RESULTS=(R_OPENED R_INFLOOD R_SENT R_RATE R_SEEN R_RING_DROPS R_SOFTNET R_CPU R_CPU_SPLIT R_LOAD0 R_LOAD1 R_RSS0
  R_RSS0_HELPER R_PSS0 R_HWM R_HWM_HELPER R_LAT R_LATMAX R_SOURCES R_WORKER_NS R_WORKER_CPU_NS)
declare -A "${RESULTS[@]}"
# "-" for both daemons in every result, for a daemon left out of the run.
reset_results() {
  local name
  for name in "${RESULTS[@]}"; do
    local -n result=$name
    result=([knockd]=- [sesamed]=-)
  done
}
run_one() {
  local daemon=$1 cfg=$2 frames=$3 rate=$4 family=$5
  local log=$WORK/$daemon.log stamped=$WORK/$daemon.opens
  start_daemon "$daemon" "$log"
  start_open_watcher "$log" "$stamped"
  sleep 0.3
  read -r "R_RSS0[$daemon]" "R_RSS0_HELPER[$daemon]" <<<"$(both_kib VmRSS)"
  R_PSS0[$daemon]=$(pss_kib "$DAEMON_PID")
  [ -z "$HELPER_PID" ] || R_PSS0[$daemon]=$((R_PSS0[$daemon] + $(pss_kib "$HELPER_PID")))
  local ticks0 ticks1 softnet0 cpu0 cpu1 worker0 worker1 worker_ns0 worker_ns1
  read -r -a ticks0 <<<"$(cpu_ticks "$DAEMON_PID")"
  worker0=$(worker_utime "$DAEMON_PID")
  worker_ns0=$(worker_cpu_ns "$DAEMON_PID")
  softnet0=$(softnet_drops)
  read -r -a cpu0 <<<"$(cpu_jiffies "$GEN_CPU")"
  read -r -a cpu1 <<<"$(cpu_jiffies "$DAEMON_CPU")"
  local rate_arg=()
  [ "$rate" = max ] || rate_arg=(-b "${rate}pps")
  ip netns exec "$CLI" taskset -c "$GEN_CPU" timeout "$FLOOD_TIMEOUT" \
    trafgen -o "$CLI_IF" -i "$cfg" -n "$frames" -P 1 "${rate_arg[@]}" >"$WORK/trafgen.out" 2>&1 &
  TRAFGEN_PID=$!
  PIDS+=("$TRAFGEN_PID")
  local perf_pid=""
  if [ -n "${FLOOD_PERF:-}" ] && [ "$daemon" = sesamed ]; then
    perf record -q -g -o "$FLOOD_PERF" -p "$DAEMON_PID" 2>"$WORK/perf.err" &
    perf_pid=$!
    PIDS+=("$perf_pid")
  fi
  KNOCKS_IN_FLOOD=0
  sleep 0.2
  send_knocks "$family"
  wait "$TRAFGEN_PID"
  forget_pid "$TRAFGEN_PID"
  if [ -n "$perf_pid" ]; then
    kill -INT "$perf_pid"
    wait "$perf_pid"
    forget_pid "$perf_pid"
  fi
  # Past every retire timeout (sesamed 2 ms, libpcap's 50 ms), and time for a daemon
  # with a backlog to reach the knocks.
  sleep 1
  local c0 c1
  read -r -a c0 <<<"$(cpu_jiffies "$GEN_CPU")"
  read -r -a c1 <<<"$(cpu_jiffies "$DAEMON_CPU")"
  R_LOAD0[$daemon]=$(percent $((c0[0] - cpu0[0])) $((c0[1] - cpu0[1])))
  R_LOAD1[$daemon]=$(percent $((c1[0] - cpu1[0])) $((c1[1] - cpu1[1])))
  read -r -a ticks1 <<<"$(cpu_ticks "$DAEMON_PID")"
  worker1=$(worker_utime "$DAEMON_PID")
  worker_ns1=$(worker_cpu_ns "$DAEMON_PID")
  R_CPU[$daemon]=$(awk -v u=$((ticks1[0] - ticks0[0])) -v s=$((ticks1[1] - ticks0[1])) -v hz="$CLK_TCK" \
    'BEGIN { printf "%.2f", (u + s) / hz }')
  R_CPU_SPLIT[$daemon]=$(awk -v u=$((ticks1[0] - ticks0[0])) -v s=$((ticks1[1] - ticks0[1])) -v hz="$CLK_TCK" \
    'BEGIN { printf "%.2f+%.2f", u / hz, s / hz }')
  R_SOFTNET[$daemon]=$(($(softnet_drops) - softnet0))
  read -r "R_HWM[$daemon]" "R_HWM_HELPER[$daemon]" <<<"$(both_kib VmHWM)"
  # trafgen starts its summary lines with a carriage return.
  R_SENT[$daemon]=$(tr -d '\r' <"$WORK/trafgen.out" | awk '$2 == "packets" && $3 == "outgoing" { print $1 }')
  R_SENT[$daemon]=${R_SENT[$daemon]:-0}
  # From trafgen's own "S sec, U usec on CPU0 (N packets)".
  R_RATE[$daemon]=$(tr -d '\r' <"$WORK/trafgen.out" |
    awk '$2 == "sec," && $4 == "usec" { t += $1 + $3 / 1e6 } END { if (t > 0) printf "%.0f", '"${R_SENT[$daemon]}"' / t }')
  R_INFLOOD[$daemon]=$KNOCKS_IN_FLOOD
  stop_pid "$DAEMON_PID"
  forget_pid "$DAEMON_PID"
  stop_pid "$WATCHER_PID"
  forget_pid "$WATCHER_PID"
  score_knocks "$family" "$stamped"
  R_OPENED[$daemon]=$OPENED
  R_LAT[$daemon]=$LAT_MEDIAN
  R_LATMAX[$daemon]=$LAT_MAX
  if [ "$daemon" = knockd ]; then
    # knockd never reads its pcap statistics; what it saw of a stage-1 flood shows as
    # one "Stage 1" line per spoofed frame it processed (noise leaves no line).
    R_SEEN[$daemon]=n/a
    [ "$cfg" = "$WORK/noise.cfg" ] || R_SEEN[$daemon]=$(grep -c ': flood: Stage 1$' "$log")
    R_RING_DROPS[$daemon]=n/a
    R_SOURCES[$daemon]=n/a
  else
    local stats
    stats=$(grep -F 'statistics:' "$log" | tail -1)
    [ -n "$stats" ] || die "sesamed wrote no statistics line: $(tail -5 "$log")"
    R_SEEN[$daemon]=$(sed -n 's/.*statistics: frames \([0-9]*\),.*/\1/p' <<<"$stats")
    R_RING_DROPS[$daemon]=$(sed -n 's/.*ring: passed filter [0-9]*, dropped \([0-9]*\),.*/\1/p' <<<"$stats")
    R_SOURCES[$daemon]=$(sed -n 's/.*, sources \([0-9]*\) (evicted \([0-9]*\), refused \([0-9]*\)).*/\1 live, \2 evicted, \3 refused/p' <<<"$stats")
    echo "   sesamed: $stats" >>"$WORK/details"
    # Worker user time per frame it read (tick-sampled, 10 ms: "-" below 100,000 frames).
    R_WORKER_NS[$daemon]=$(awk -v t=$((worker1 - worker0)) -v hz="$CLK_TCK" -v f="${R_SEEN[$daemon]}" \
      'BEGIN { if (f >= 100000) printf "%.0f", t / hz / f * 1e9; else print "-" }')
    R_WORKER_CPU_NS[$daemon]=$(awk -v t=$((worker_ns1 - worker_ns0)) -v f="${R_SEEN[$daemon]}" \
      'BEGIN { if (f > 0) printf "%.0f", t / f; else print "-" }')
  fi
}

# A over B: "-" unless both are numbers and B is not 0; below 0.1 as "1/N".
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) { print "-"; exit }
    r = a / b
    if (r == 0) print 0; else if (r < 0.1) printf "1/%.0f\n", 1 / r; else printf "%.2f\n", r
  }'
}

print_table() {
  local title=$1
  echo
  echo "== $title (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  printf '%-34s %16s %16s %10s\n' "" knockd sesamed sesame/knockd
  rowr() { printf '%-34s %16s %16s %10s\n' "$1" "$2" "$3" "$(ratio "$3" "$2")"; }
  rowr "real knocks opened (of $KNOCKS)" "${R_OPENED[knockd]}" "${R_OPENED[sesamed]}"
  rowr "  of them sent during the flood" "${R_INFLOOD[knockd]}" "${R_INFLOOD[sesamed]}"
  rowr "frames sent (trafgen)" "${R_SENT[knockd]}" "${R_SENT[sesamed]}"
  rowr "send rate (frames/s)" "${R_RATE[knockd]}" "${R_RATE[sesamed]}"
  rowr "frames seen by the daemon" "${R_SEEN[knockd]}" "${R_SEEN[sesamed]}"
  rowr "ring drops (PACKET_STATISTICS)" "${R_RING_DROPS[knockd]}" "${R_RING_DROPS[sesamed]}"
  rowr "softnet_stat drops" "${R_SOFTNET[knockd]}" "${R_SOFTNET[sesamed]}"
  rowr "daemon CPU seconds" "${R_CPU[knockd]}" "${R_CPU[sesamed]}"
  rowr "  user+system" "${R_CPU_SPLIT[knockd]}" "${R_CPU_SPLIT[sesamed]}"
  rowr "CPU $GEN_CPU load (generator, rx path)" "${R_LOAD0[knockd]}" "${R_LOAD0[sesamed]}"
  rowr "CPU $DAEMON_CPU load (daemon)" "${R_LOAD1[knockd]}" "${R_LOAD1[sesamed]}"
  rowr "RSS after start, + helper (KiB)" "${R_RSS0[knockd]}" "${R_RSS0[sesamed]}"
  rowr "  of which sesame-helper" "-" "${R_RSS0_HELPER[sesamed]}"
  rowr "PSS after start, + helper (KiB)" "${R_PSS0[knockd]}" "${R_PSS0[sesamed]}"
  rowr "peak RSS, VmHWM, + helper (KiB)" "${R_HWM[knockd]}" "${R_HWM[sesamed]}"
  rowr "  of which sesame-helper" "-" "${R_HWM_HELPER[sesamed]}"
  rowr "worker utime per frame seen (ns)" "${R_WORKER_NS[knockd]}" "${R_WORKER_NS[sesamed]}"
  rowr "worker on-CPU per frame seen (ns)" "${R_WORKER_CPU_NS[knockd]}" "${R_WORKER_CPU_NS[sesamed]}"
  rowr "knock-to-open median (ms)" "${R_LAT[knockd]}" "${R_LAT[sesamed]}"
  rowr "knock-to-open max (ms)" "${R_LATMAX[knockd]}" "${R_LATMAX[sesamed]}"
  echo "sesamed table: ${R_SOURCES[sesamed]}"
  # The issue's targets, against this run's figures.
  awk -v cpu="$(ratio "${R_CPU[sesamed]}" "${R_CPU[knockd]}")" -v hwm="${R_HWM[sesamed]}" -v rss="${R_RSS0[sesamed]}" \
    -v pss="${R_PSS0[sesamed]}" -v ns="${R_WORKER_NS[sesamed]}" -v cpu_ns="${R_WORKER_CPU_NS[sesamed]}" 'function mib(k) { return k ~ /^[0-9]+$/ ? sprintf("%.1f MiB", k / 1024) : "-" }
    BEGIN { printf "targets: CPU sesamed/knockd %s (1/20); peak RSS sesamed+helper %s (32 MiB); idle RSS %s, PSS %s (8 MiB); worker utime %s ns/frame (60; on-CPU %s)\n",
      cpu, mib(hwm), mib(rss), mib(pss), ns, cpu_ns }'
}

# Runs SCENARIO's flood against knockd, then sesamed, and prints the table.
compare() {
  local title=$1 cfg=$2 frames=$3 rate=$4 family=$5
  : >"$WORK/details"
  reset_results
  local daemon
  for daemon in knockd sesamed; do
    [[ ",$DAEMONS," == *",$daemon,"* ]] && run_one "$daemon" "$cfg" "$frames" "$rate" "$family"
  done
  print_table "$title"
  cat "$WORK/details"
}

# Each daemon from the lowest rate up, until its first run with a knock missed.
sweep() {
  reset_results
  echo
  echo "== rate sweep: stage-1 flood, $SWEEP_SECONDS s per rate (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  printf '%-12s %-10s %12s %12s %12s %10s %10s %12s\n' daemon "rate (/s)" "sent (/s)" sent seen opened "CPU s" \
    "ring drops"
  local daemon rate
  declare -A best
  for daemon in knockd sesamed; do
    [[ ",$DAEMONS," == *",$daemon,"* ]] || continue
    best[$daemon]=none
    for rate in $SWEEP_RATES; do
      : >"$WORK/details"
      local frames=$FRAMES
      [ "$rate" = max ] || frames=$((rate * SWEEP_SECONDS))
      run_one "$daemon" "$WORK/stage1.cfg" "$frames" "$rate" 4
      printf '%-12s %-10s %12s %12s %12s %10s %10s %12s\n' "$daemon" "$rate" "${R_RATE[$daemon]}" "${R_SENT[$daemon]}" \
        "${R_SEEN[$daemon]}" \
        "${R_OPENED[$daemon]}/$KNOCKS" "${R_CPU[$daemon]}" "${R_RING_DROPS[$daemon]}"
      [ "${R_OPENED[$daemon]}" = "$KNOCKS" ] || break
      best[$daemon]=$rate
    done
  done
  echo "highest rate with $KNOCKS/$KNOCKS opened: knockd ${best[knockd]:--}/s, sesamed ${best[sesamed]:--}/s"
}

started=$SECONDS
echo "flood benchmark: $(nproc) CPUs, generator on CPU $GEN_CPU, daemon on CPU $DAEMON_CPU;" \
  "$KNOCKS real knocks per run; $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg)"
failed=0
IFS=, read -r -a chosen <<<"$SCENARIOS"
for scenario in "${chosen[@]}"; do
  case $scenario in
    noise) compare "random-port noise, $FRAMES frames, 65,536 IPv4 sources" "$WORK/noise.cfg" "$FRAMES" "$FLOOD_RATE" 4 ;;
    stage1) compare "stage-1 flood, $FRAMES frames, 65,536 IPv4 sources" "$WORK/stage1.cfg" "$FRAMES" "$FLOOD_RATE" 4 ;;
    ipv6) compare "stage-1 flood, $IPV6_FRAMES frames, 1,048,576 IPv6 sources" "$WORK/ipv6.cfg" "$IPV6_FRAMES" "$FLOOD_RATE" 6 ;;
    sweep) sweep ;;
    ownnet) compare "stage-1 flood, $FRAMES frames, 65,536 IPv4 sources in the knockers' /16" \
      "$WORK/ownnet.cfg" "$FRAMES" "$FLOOD_RATE" 4 ;;
    scan)
      KNOCK_STYLE=scan
      compare "connect scans of 6900-9100 (no real knocks), random-port noise at $SIDE_RATE/s" \
        "$WORK/noise.cfg" "$SIDE_FRAMES" "$SIDE_RATE" 4
      KNOCK_STYLE=knock ;;
    retransmit)
      KNOCK_STYLE=retransmit
      { ip netns exec "$SRV" nft add table inet flood_drop &&
        ip netns exec "$SRV" nft add chain inet flood_drop input '{ type filter hook input priority 0; }' &&
        ip netns exec "$SRV" nft add rule inet flood_drop input tcp dport '{ 7000, 8000, 9000 }' drop; } ||
        die "could not add the drop rule in the server namespace"
      compare "knocks with retransmitted SYNs, random-port noise at $SIDE_RATE/s" \
        "$WORK/noise.cfg" "$SIDE_FRAMES" "$SIDE_RATE" 4
      ip netns exec "$SRV" nft delete table inet flood_drop
      KNOCK_STYLE=knock ;;
    *) die "unknown scenario $scenario (noise, stage1, ipv6, sweep, ownnet, scan, retransmit)" ;;
  esac
  # The smoke run's assertions: at its small counts sesamed opens every real knock, and
  # no scan.
  want=$KNOCKS
  [ "$scenario" = scan ] && want=0
  if [ "$SMOKE" = 1 ] && [ "$scenario" != sweep ] && [ "${R_OPENED[sesamed]}" != "$want" ]; then
    echo "FAIL: sesamed opened ${R_OPENED[sesamed]} of $KNOCKS real knocks in $scenario (expected $want)"
    failed=1
  fi
done
echo
echo "took $((SECONDS - started)) s"
exit "$failed"
