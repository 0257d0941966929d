# Shared by the root tests (sourced, not run): a server and a client network namespace
# joined by one veth pair, addresses only from 198.18.0.0/15 and 2001:2::/48, and
# cleanup of everything a test started (by pid) and created, even when it fails.
#
#   server: $SRV, interface $SRV_IF, 198.18.0.1/24 and 2001:2::1/64
#   client: $CLI, interface $CLI_IF, 198.18.0.2/24 and 2001:2::2/64 (add_client_source
#           adds more and picks which one the client's packets leave from)

SERVER4=198.18.0.1
SERVER6=2001:2::1
CLIENT4=198.18.0.2
CLIENT6=2001:2::2
SRV_IF=veth-srv
CLI_IF=veth-cli

WORK=""
PIDS=()
NAMESPACES=()

skip() { echo "SKIP: $*"; exit 77; }
die() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "-- $*"; }

# Exit 77 (ctest's skip) unless root with a working `ip netns`.
require_root_and_netns() {
  [ "$(id -u)" = 0 ] || skip "needs root (network namespaces, AF_PACKET)"
  command -v ip >/dev/null || skip "iproute2 is not installed"
  local probe="sesame-probe-$$"
  ip netns add "$probe" 2>/dev/null || skip "ip netns is not available here"
  ip netns delete "$probe"
}

# Exit 77 unless the packet tools a test drives are installed.
require_knock() { command -v knock >/dev/null || skip "Debian's knock client (package knockd) is not installed"; }
require_trafgen() { command -v trafgen >/dev/null || skip "trafgen (package netsniff-ng) is not installed"; }
# Exit 77 unless the account the test runs sesamed as exists.
require_user() { id "$1" >/dev/null 2>&1 || skip "there is no user $1"; }

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  # Under the tsan preset a data race fails the test, wherever it stood.
  if [ -n "$WORK" ] && grep -qs 'ThreadSanitizer' "$WORK"/*.err; then
    cat "$WORK"/*.err >&2
    echo "FAIL: ThreadSanitizer reported a race (above)" >&2
    SANITIZER_FAILED=1
  fi
  local ns
  for ns in "${NAMESPACES[@]}"; do ip netns delete "$ns" 2>/dev/null; done
  [ -n "$WORK" ] && rm -rf "$WORK"
  return 0
}

# Creates the namespaces, the veth pair and the work directory; installs the trap.
setup_namespaces() {
  trap 'status=$?; cleanup; [ -n "${SANITIZER_FAILED:-}" ] && status=1; exit "$status"' EXIT
  trap 'exit 1' INT TERM
  WORK=$(mktemp -d /tmp/sesame-test.XXXXXX)
  chmod 755 "$WORK"
  SRV="sesame-srv-$$"
  CLI="sesame-cli-$$"
  ip netns add "$SRV" && NAMESPACES+=("$SRV")
  ip netns add "$CLI" && NAMESPACES+=("$CLI")
  # Made inside the server namespace, the pair never appears among the host's links.
  ip -n "$SRV" link add "$SRV_IF" type veth peer name "$CLI_IF" netns "$CLI"
  ip -n "$SRV" addr add "$SERVER4/24" dev "$SRV_IF"
  ip -n "$CLI" addr add "$CLIENT4/24" dev "$CLI_IF"
  # nodad: usable at once, no duplicate address detection delay.
  ip -n "$SRV" addr add "$SERVER6/64" dev "$SRV_IF" nodad
  ip -n "$CLI" addr add "$CLIENT6/64" dev "$CLI_IF" nodad
  local ns
  for ns in "$SRV" "$CLI"; do
    ip -n "$ns" link set lo up
  done
  ip -n "$SRV" link set "$SRV_IF" up
  ip -n "$CLI" link set "$CLI_IF" up
  wait_until 10 link_up "$SRV" "$SRV_IF" || die "$SRV_IF did not come up"
  wait_until 10 link_up "$CLI" "$CLI_IF" || die "$CLI_IF did not come up"
}

link_up() {
  ip -n "$1" -o link show dev "$2" | grep -q 'state UP'
}

# Adds 198.18.0.N and 2001:2::N to the client (once).
add_client_source() {
  local n=$1
  ip -n "$CLI" addr add "198.18.0.$n/24" dev "$CLI_IF" 2>/dev/null
  ip -n "$CLI" addr add "2001:2::$n/64" dev "$CLI_IF" nodad 2>/dev/null
  return 0
}

# Makes the client's packets to the server leave from 198.18.0.N / 2001:2::N:
# `knock` has no source option, routing picks the address.
use_client_source() {
  local n=$1
  ip -n "$CLI" route replace "$SERVER4/32" dev "$CLI_IF" src "198.18.0.$n"
  ip -n "$CLI" -6 route replace "$SERVER6/128" dev "$CLI_IF" src "2001:2::$n"
}

# Runs "$@" until it succeeds or SECONDS pass; returns its last status.
wait_until() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# Waits until FILE has a line containing TEXT.
wait_for_line() {
  local file=$1 text=$2 seconds=${3:-10}
  wait_until "$seconds" grep -Fqs -- "$text" "$file"
}

# SIGTERM, then SIGKILL after 5 s; waits for the process to be gone.
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  local i
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

# Forgets a pid that stop_pid already stopped.
forget_pid() {
  local pid=$1 kept=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  PIDS=("${kept[@]}")
}

# Runs `knock` from the client namespace.
client_knock() {
  ip netns exec "$CLI" knock "$@" >/dev/null
}

# Runs `knock` from client address 198.18.0.N / 2001:2::N.
knock_from() {
  local n=$1
  shift
  add_client_source "$n"
  use_client_source "$n"
  client_knock "$@"
}

# Starts sesamed (path in $SESAMED) in the server namespace, dry run as nobody on
# $SRV_IF with CONF and any further arguments; its stderr goes to $WORK/sesamed.err.
# Sets SESAMED_PID and waits for the startup line in LOG.
start_sesamed() {
  local conf=$1 log=$2
  shift 2
  ip netns exec "$SRV" "$SESAMED" -c "$conf" -i "$SRV_IF" --dry-run -u nobody "$@" 2>>"$WORK/sesamed.err" &
  SESAMED_PID=$!
  PIDS+=("$SESAMED_PID")
  wait_for_line "$log" 'starting up, listening on' 10 || die "sesamed did not start: $(cat "$WORK/sesamed.err")"
}

# True if sesamed's statistics LINE shows every frame its rings took (passed the
# filter, less dropped) read: after it stopped, proof that no frame was left unread.
every_frame_read() {
  local line=$1 frames taken
  frames=$(sed -n 's/.*statistics: frames \([0-9]*\),.*/\1/p' <<<"$line")
  taken=$(sed -n 's/.*ring: passed filter \([0-9]*\), dropped \([0-9]*\),.*/\1 - \2/p' <<<"$line")
  [ -n "$frames" ] && [ -n "$taken" ] && [ "$frames" = $((taken)) ]
}
