#!/usr/bin/env bash
# Differential test against Debian's knockd 0.8: one random plan of knock sequences
# (seeded, the seed printed; SESAME_DIFF_SEED=N replays it) over overlapping TCP and
# UDP doors, with stray ports inserted, steps dropped, repeated and swapped, over IPv4
# and IPv6, some too slow, is sent with the real `knock` client through real sockets,
# to knockd, to sesamed --dry-run --knockd-exact and to sesamed --dry-run with its
# default (robust) rules, all reading the same knockd.conf. The set of (source, door)
# that reach OPEN SESAME must be the same for knockd and sesamed --knockd-exact, and
# for the robust run the same as tests/knock_model.py predicts: a second statement of
# the rules (core/matcher.h R1-R10) replayed over the same plan. Some sequences carry
# a run of 3 to 5 consecutive ports no door uses (a small scan) for the scan guard.
#
# knockd 0.8 drops its whole attempt list whenever its oldest attempt is removed, so
# one source's leftovers can wipe another's progress. The plan therefore sends one
# source at a time and ends each with a knock on 6001, the second step of a door
# nobody starts: it is relevant, so it fails every attempt the source still has, and
# the next packet clears them all in knockd as in sesamed. Doors share one seq_timeout
# and fast sequences take well under a second, so no timeout depends on where the
# second boundaries fall; slow ones (3.1 s after the first knock) time out in both.
#
# usage: knockd_diff_test.sh PATH/TO/sesamed    (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: knockd_diff_test.sh PATH/TO/sesamed}
. "$(dirname "$0")/netns.sh"

KNOCKD=${KNOCKD:-/usr/sbin/knockd}
SOURCES=${SESAME_DIFF_SOURCES:-200}

require_root_and_netns
require_knock
[ -x "$KNOCKD" ] || skip "knockd is not installed at $KNOCKD"
require_user nobody

SEED=${SESAME_DIFF_SEED:-$((RANDOM << 15 | RANDOM))}
echo "seed: $SEED (replay with SESAME_DIFF_SEED=$SEED)"
RANDOM=$SEED

setup_namespaces
CONF=$WORK/knockd.conf
PLAN=$WORK/plan
cat >"$CONF" <<'EOF'
[alpha]
	sequence    = 7000,8000,9000
	seq_timeout = 3
	tcpflags    = syn
	command     = /bin/true

[beta]
	sequence    = 7000,8000,9500
	seq_timeout = 3
	command     = /bin/true

[gamma]
	sequence    = 7000:udp,8000:udp,9000
	seq_timeout = 3
	command     = /bin/true

[delta]
	sequence    = 7500,7600
	seq_timeout = 3
	tcpflags    = syn
	command     = /bin/true

[epsilon]
	sequence    = 8000:udp,7000,7500:udp
	seq_timeout = 3
	command     = /bin/true

[terminator]
	sequence    = 6000,6001
	seq_timeout = 3
	command     = /bin/true
EOF

# ---- The plan: one line per knock invocation, "SOURCE FAMILY PAUSE_MS STEPS...", the
# pause taken before it ----

DOORS=("7000:tcp 8000:tcp 9000:tcp" "7000:tcp 8000:tcp 9500:tcp" "7000:udp 8000:udp 9000:tcp"
       "7500:tcp 7600:tcp" "8000:udp 7000:tcp 7500:udp")
# Door steps in the other protocol, and ports no door uses.
STRAYS=(7000:udp 8000:tcp 9000:udp 9500:udp 7600:udp 7500:tcp 7001:tcp 8500:udp 9999:tcp 6500:udp)
ALL_STEPS=(7000:tcp 8000:tcp 9000:tcp 9500:tcp 7000:udp 8000:udp 7500:tcp 7600:tcp 7500:udp "${STRAYS[@]}")

# Bash reseeds RANDOM in subshells, so every draw happens in this shell: results go
# to globals, never through $(...).
pick() {
  local -n from=$1
  PICKED=${from[RANDOM % ${#from[@]}]}
}

# SEQ: a door's sequence, unchanged half the time, else mutated once or twice; or, now
# and then, steps drawn at random.
random_sequence() {
  local i m at n
  SEQ=()
  if ((RANDOM % 8 == 0)); then
    n=$((2 + RANDOM % 4))
    for ((i = 0; i < n; i++)); do
      pick ALL_STEPS
      SEQ+=("$PICKED")
    done
    return
  fi
  pick DOORS
  read -ra SEQ <<<"$PICKED"
  local mutations=0
  ((RANDOM % 2)) && mutations=$((1 + RANDOM % 2))
  for ((m = 0; m < mutations; m++)); do
    at=$((RANDOM % ${#SEQ[@]}))
    case $((RANDOM % 6)) in
      0) pick STRAYS    # a stray port
         SEQ=("${SEQ[@]:0:at}" "$PICKED" "${SEQ[@]:at}") ;;
      1) pick ALL_STEPS # a port of some door
         SEQ=("${SEQ[@]:0:at}" "$PICKED" "${SEQ[@]:at}") ;;
      2) ((${#SEQ[@]} > 1)) && SEQ=("${SEQ[@]:0:at}" "${SEQ[@]:at+1}") ;; # a step left out
      3) SEQ=("${SEQ[@]:0:at}" "${SEQ[at]}" "${SEQ[@]:at}") ;;             # a step repeated
      4) if ((at + 1 < ${#SEQ[@]})); then # two steps swapped
           local t=${SEQ[at]}
           SEQ[at]=${SEQ[at + 1]}
           SEQ[at + 1]=$t
         fi ;;
      5) local first=$((7001 + RANDOM % 490)) run=() p # a scan of 3-5 ports in no door
         for ((p = first; p < first + 3 + RANDOM % 3; p++)); do run+=("$p:tcp"); done
         SEQ=("${SEQ[@]:0:at}" "${run[@]}" "${SEQ[@]:at}") ;;
    esac
  done
}

# A slow sequence waits 3.1 s after its first knock: past the doors' seq_timeout of 3
# whatever the second boundaries, while everything else a source sends falls within
# one second. Each costs 3 s of test time, hence the cap.
MAX_SLOW=4
sequences=0
slow=0
for ((source = 2; source < 2 + SOURCES; source++)); do
  family=4
  ((RANDOM % 3 == 0)) && family=6
  count=$((1 + RANDOM % 3))
  for ((k = 0; k < count; k++)); do
    random_sequence
    sequences=$((sequences + 1))
    if ((RANDOM % 12 == 0 && slow < MAX_SLOW && ${#SEQ[@]} > 1)); then
      slow=$((slow + 1))
      echo "$source $family 0 ${SEQ[0]}" >>"$PLAN"
      echo "$source $family 3100 ${SEQ[*]:1}" >>"$PLAN"
    else
      echo "$source $family 0 ${SEQ[*]}" >>"$PLAN"
    fi
  done
  echo "$source $family 0 6001:tcp" >>"$PLAN"
done
echo "plan: $SOURCES sources, $sequences sequences ($slow slow), each source ended by 6001"

for ((source = 2; source < 2 + SOURCES; source++)); do add_client_source "$source"; done

# Sends the plan from the client namespace.
replay() {
  local source family pause steps current=""
  while read -r source family pause steps; do
    if [ "$source" != "$current" ]; then
      use_client_source "$source"
      current=$source
    fi
    local server=$SERVER4
    [ "$family" = 6 ] && server=$SERVER6
    [ "$pause" = 0 ] || sleep "$((pause / 1000)).$(printf %03d $((pause % 1000)))"
    # shellcheck disable=SC2086 # steps are words
    ip netns exec "$CLI" knock "-$family" "$server" $steps >/dev/null ||
      die "knock failed: $source $family $pause $steps"
  done <"$PLAN"
}

# After the plan, the terminator door from a source of its own, and its OPEN SESAME line
# in LOG: proof that the daemon read every frame sent before it (knockd reads one
# capture in order; sesamed's two workers are checked by its statistics too).
MARKER=198.18.0.$((2 + SOURCES))
processed() {
  local log=$1
  knock_from $((2 + SOURCES)) "$SERVER4" 6000 6001 || die "the marker knock failed"
  wait_for_line "$log" "$MARKER: terminator: OPEN SESAME" 10 || die "no line for the marker knock in $log"
}

# "SOURCE: DOOR" for every OPEN SESAME line of a log but the marker's, sorted.
opens() {
  sed -n 's/^\[[^]]*\] \(.*\): OPEN SESAME$/\1/p' "$1" | grep -v "^$MARKER: " | sort
}

note "knockd"
KNOCKD_LOG=$WORK/knockd.log
ip netns exec "$SRV" "$KNOCKD" -i "$SRV_IF" -c "$CONF" -g "$KNOCKD_LOG" >"$WORK/knockd.out" 2>&1 &
KNOCKD_PID=$!
PIDS+=("$KNOCKD_PID")
wait_for_line "$KNOCKD_LOG" "starting up, listening on $SRV_IF" 10 || die "knockd did not start: $(cat "$WORK/knockd.out")"
started=$SECONDS
replay
processed "$KNOCKD_LOG"
stop_pid "$KNOCKD_PID"
forget_pid "$KNOCKD_PID"
note "knockd run took $((SECONDS - started)) s"

# Runs sesamed with the extra options over the plan; its log ends up in $WORK/NAME.err.
run_sesamed() {
  local name=$1
  shift
  note "sesamed $*"
  # Without a log file in the config, sesamed logs to stderr ($WORK/sesamed.err).
  start_sesamed "$CONF" "$WORK/sesamed.err" -w 2 "$@"
  started=$SECONDS
  replay
  processed "$WORK/sesamed.err"
  stop_pid "$SESAMED_PID"
  forget_pid "$SESAMED_PID"
  note "sesamed run took $((SECONDS - started)) s"
  mv "$WORK/sesamed.err" "$WORK/$name.err"
  # The marker proves one worker read everything; the final statistics, every frame the
  # rings took (passed filter, less dropped) read.
  local stats
  stats=$(grep -F "statistics: frames" "$WORK/$name.err" | tail -n1)
  echo "$stats"
  every_frame_read "$stats" ||
    die "sesamed $* did not read every frame its rings took: $stats"
}
run_sesamed exact --knockd-exact
run_sesamed robust

opens "$KNOCKD_LOG" | sort -u >"$WORK/knockd.set"
opens "$WORK/exact.err" | sort -u >"$WORK/exact.set"
opens "$WORK/robust.err" | sort -u >"$WORK/robust.set"
python3 "$(dirname "$0")/knock_model.py" "$CONF" "$PLAN" >"$WORK/model.set" || die "the model failed"
echo "distinct (source, door) opened: knockd $(wc -l <"$WORK/knockd.set")," \
  "sesamed --knockd-exact $(wc -l <"$WORK/exact.set"); robust rules: model $(wc -l <"$WORK/model.set")," \
  "sesamed $(wc -l <"$WORK/robust.set")"

# Compares two sets of opens; on a difference shows the plan and the logs and fails.
compare() {
  local left=$1 right=$2 log=$3 what=$4
  diff -u --label "$left" --label "$right" "$WORK/$left.set" "$WORK/$right.set" && return
  echo "--- plan (source family pause_ms steps)"
  cat "$PLAN"
  echo "--- $log"
  cat "$log"
  die "$what (seed $SEED)"
}
compare knockd exact "$WORK/exact.err" "knockd and sesamed --knockd-exact disagree on which doors opened"
compare model robust "$WORK/robust.err" "sesamed's robust rules disagree with the model"
[ -s "$WORK/knockd.set" ] || die "no door opened at all: the plan tested nothing (seed $SEED)"
grep -q "port scan" "$WORK/robust.err" || die "no scan guard fired: the plan did not test R10 (seed $SEED)"
cmp -s "$WORK/knockd.set" "$WORK/robust.set" && die "the robust rules changed nothing: R8-R10 untested (seed $SEED)"
echo "PASS (seed $SEED)"
