# Shared by the tests and the demo that run real ufw (sourced after netns.sh, after
# setup_namespaces): the server namespace gets a private copy of /etc/ufw, a default-
# deny firewall and a TCP listener; the client can try to connect from any address.

# The system's python3 itself (not a wrapper that may fork), so its pid is the listener's.
PYTHON=/usr/bin/python3

# Exit 77 (ctest's skip) unless this machine can run a ufw test: root with `ip netns`,
# Debian's knock client, ufw and its /etc/ufw, python3 for the listener, user nobody.
require_ufw_server() {
  require_root_and_netns
  require_knock
  command -v ufw >/dev/null || skip "ufw is not installed"
  [ -d /etc/ufw ] || skip "/etc/ufw does not exist"
  [ -x "$PYTHON" ] || skip "/usr/bin/python3 (the test's TCP listener) is not installed"
  require_user nobody
}

srv() { ip netns exec "$SRV" "$@"; }
cli() { ip netns exec "$CLI" "$@"; }

# ip netns exec bind-mounts /etc/netns/$SRV/ufw over /etc/ufw: ufw's state for this
# run only, removed on exit after the namespaces' processes are gone. Then ufw with
# default deny is enabled inside the server namespace.
isolate_ufw() {
  ETC_NETNS_CREATED=0
  [ -d /etc/netns ] || ETC_NETNS_CREATED=1
  mkdir -p "/etc/netns/$SRV"
  cp -a /etc/ufw "/etc/netns/$SRV/ufw"
  trap cleanup_ufw EXIT
  srv ufw --force reset >/dev/null 2>&1
  srv ufw default deny incoming >/dev/null || die "ufw default deny failed"
  srv ufw --force enable >/dev/null || die "ufw enable failed in $SRV"
  srv ufw status | grep -q 'Status: active' || die "ufw is not active in $SRV"
}
cleanup_ufw() {
  cleanup
  rm -rf "/etc/netns/$SRV"
  [ "$ETC_NETNS_CREATED" = 1 ] && rmdir /etc/netns 2>/dev/null
  return 0
}

# A dual-stack listener on PORT in the server namespace that accepts and closes.
# `ip netns exec` itself, not srv: a function in the background is a subshell, and
# $! would be its pid rather than the listener's, which cleanup would then miss.
start_listener() {
  local port=$1
  ip netns exec "$SRV" "$PYTHON" -c '
import socket
s = socket.create_server(("::", '"$port"'), family=socket.AF_INET6, dualstack_ipv6=True)
while True:
    c, _ = s.accept()
    c.close()
' >/dev/null 2>&1 &
  PIDS+=("$!")
  wait_until 10 bash -c "ip netns exec $SRV ss -Hltn 'sport = :$port' | grep -q LISTEN" ||
    die "no listener on $port"
}

# Connects from client address N (family 4 or 6) to PORT on the server; 1 s to answer.
connects() {
  local n=$1 family=$2 port=$3 server
  add_client_source "$n"
  use_client_source "$n"
  server=$SERVER4
  [ "$family" = 6 ] && server=$SERVER6
  cli timeout 1 bash -c "exec 3<>/dev/tcp/$server/$port" 2>/dev/null
}
