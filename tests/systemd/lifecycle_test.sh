#!/usr/bin/env bash
# sesamed under a real systemd: Debian 12 booted with systemd-nspawn (rootfs.sh builds
# and caches the tree), sesame installed with `cmake --install` under DESTDIR, the exec
# backend's iptables commands in the container, Debian's `knock` from a network
# namespace on the other end of the container's veth (198.18.0.0/15 and 2001:2::/48
# only; a oneshot unit gives the container its addresses 2 s into the boot). The lifecycle: enable and start (Type=notify), knock open and close, reload
# adding a door that then opens, reload changing a start command that then runs, a
# refused reload (systemctl reload fails, the journal says why), log rename + SIGHUP,
# kill -9 of sesamed then stop (no rule left, journal empty), kill -9 then the
# automatic restart (same), reboot (sesamed logs its address, a knock opens), stop;
# then kill -9 with the ufw backend.
# Prints how long a rule stayed open after each kill -9.
#
# usage: lifecycle_test.sh BUILD_DIR     (root; exits 77 without systemd-nspawn or debootstrap)
set -uo pipefail
BUILD=$(realpath "${1:?usage: lifecycle_test.sh BUILD_DIR}")
HERE=$(dirname "$(realpath "$0")")

skip() { echo "SKIP: $*"; exit 77; }
note() { echo "-- $*"; }
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
ok() { note "ok: $*"; }
die() {
  echo "FAIL: $*"
  dump
  exit 1
}

[ "$(id -u)" = 0 ] || skip "needs root (systemd-nspawn, network namespaces)"
for tool in systemd-nspawn debootstrap nsenter ip knock; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
probe="sesame-probe-$$"
ip netns add "$probe" 2>/dev/null || skip "ip netns is not available here"
ip netns delete "$probe"

ROOTFS=$("$HERE/rootfs.sh") || die "rootfs.sh could not build the Debian 12 tree"
WORK=$(mktemp -d /var/tmp/sesame-systemd.XXXXXX)
ROOT=$WORK/root
NS=sesame-sd-$$
MACHINE=sesame$$
HOST_IF=ve-$MACHINE
HOST_IF=${HOST_IF:0:15}
SERVER4=198.18.0.1
CLIENT4=198.18.0.2
SERVER6=2001:2::1
CLIENT6=2001:2::2
NSPAWN_PID=""

cleanup() {
  if [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
    kill -TERM "$NSPAWN_PID"
    for _ in $(seq 100); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$NSPAWN_PID" 2>/dev/null
    wait "$NSPAWN_PID" 2>/dev/null
  fi
  ip netns delete "$NS" 2>/dev/null
  rm -rf "$WORK"
  return 0
}
trap cleanup EXIT
trap 'exit 1' INT TERM

wait_until() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# The container's PID 1, and a command run in all its namespaces.
leader() { cat /proc/"$NSPAWN_PID"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -m1 .; }
in_container() {
  nsenter -t "$(leader)" -a -- env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
dump() {
  [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null || return 0
  echo "--- journal of sesamed.service (last 40 lines)"
  in_container journalctl -u sesamed -o short-monotonic --no-pager -n 40
}

# 1. The tree: a copy of the cached rootfs (a reboot needs it to outlive one nspawn
#    run), sesame installed into it, the network and the config written before boot.
cp -a "$ROOTFS" "$ROOT" || die "cannot copy $ROOTFS"
chmod 0755 "$ROOT"  # the container's /, for user sesame too
DESTDIR=$ROOT cmake --install "$BUILD" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; die "cmake --install failed"; }
# host0's addresses at boot, as ifupdown's networking.service would give them: late
# (after 2 s) and before network-online.target, which sesamed.service waits for.
cat >"$ROOT/etc/systemd/system/test-addresses.service" <<EOF
[Unit]
Description=host0's test addresses, late on purpose
Before=network-online.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sleep 2
ExecStart=/sbin/ip addr add $SERVER4/24 dev host0
ExecStart=/sbin/ip addr add $SERVER6/64 dev host0 nodad
ExecStart=/sbin/ip link set host0 up
[Install]
WantedBy=network-online.target
EOF
systemctl --root="$ROOT" enable test-addresses.service >/dev/null 2>&1 || die "cannot enable test-addresses.service"
echo "sesame-test" >"$ROOT/etc/hostname"
# D-Bus and logind are not needed (systemctl uses systemd's private socket), and here
# dbus-daemon's activation of systemd times out (inotify: permission denied), which
# keeps the system "starting".
systemctl --root="$ROOT" mask dbus.service dbus.socket systemd-logind.service >/dev/null 2>&1

PORT=55555
# The config: exec backend (iptables in the container), door ssh with a close
# sequence, and START_PORT the port its start command opens.
write_config() {
  local start_port=$1 extra=${2:-}
  cat >"$ROOT/etc/sesame/sesame.toml.new" <<EOF
interfaces = ["host0"]
firewall = "exec"

[log]
syslog = true
file = "/var/log/sesame/sesame.log"

[[door]]
name = "ssh"
sequence = [7000, 8000, 9000]
tcp_flags = ["syn"]
close_sequence = [9000, 8000, 7000]
open_for = "1h"
start = ["/usr/sbin/iptables", "-I", "INPUT", "-s", "%IP%", "-p", "tcp", "--dport", "$start_port", "-j", "ACCEPT"]
stop = ["/usr/sbin/iptables", "-D", "INPUT", "-s", "%IP%", "-p", "tcp", "--dport", "$start_port", "-j", "ACCEPT"]
$extra
EOF
  mv "$ROOT/etc/sesame/sesame.toml.new" "$ROOT/etc/sesame/sesame.toml"
}
write_config "$PORT"

# 2. The network namespace the knocks come from; the container's veth lands in it.
ip netns add "$NS" || die "cannot create $NS"
ip -n "$NS" link set lo up

# Boots the tree. The first boot failing is this machine's limit (cgroups, no
# container support), reported as a skip with nspawn's words; a later one, a failure.
booted_once=""
boot() {
  local stop=die
  [ -n "$booted_once" ] || stop=skip
  : >"$WORK/nspawn.log"
  # nsenter, not ip netns exec: that remounts /sys, without the cgroup hierarchies
  # nspawn needs. --register=no --keep-unit: no machined or system bus on the host.
  nsenter --net="/run/netns/$NS" -- systemd-nspawn -D "$ROOT" -b -M "$MACHINE" --register=no --keep-unit \
    --network-veth --console=passive >>"$WORK/nspawn.log" 2>&1 &
  NSPAWN_PID=$!
  wait_until 60 bash -c "ip -n $NS link show $HOST_IF >/dev/null 2>&1" ||
    $stop "systemd-nspawn made no $HOST_IF: $(cat "$WORK/nspawn.log")"
  ip -n "$NS" addr add "$CLIENT4/24" dev "$HOST_IF"
  ip -n "$NS" addr add "$CLIENT6/64" dev "$HOST_IF" nodad
  ip -n "$NS" link set "$HOST_IF" up
  local state
  wait_until 90 bash -c "[ -n \"\$(cat /proc/$NSPAWN_PID/task/*/children 2>/dev/null)\" ]" ||
    $stop "systemd-nspawn started no init: $(cat "$WORK/nspawn.log")"
  for _ in $(seq 900); do
    state=$(in_container systemctl is-system-running 2>/dev/null)
    case $state in running | degraded) break ;; esac
    sleep 0.1
  done
  [ "$state" = running ] || { in_container systemctl --failed --no-pager; $stop "the container is $state after boot"; }
  booted_once=1
}

knock_on() { ip netns exec "$NS" knock "$@" >/dev/null; }
rules_for() { in_container iptables -S INPUT | grep -c -- "-s $1/32 -p tcp -m tcp --dport $2 -j ACCEPT"; }
rule_in_place() { [ "$(rules_for "$1" "$2")" -ge 1 ]; }
rule_gone() { [ "$(rules_for "$1" "$2")" = 0 ]; }
journal_has() { in_container journalctl -b -u sesamed -o cat --no-pager | grep -Fq -- "$1"; }
grants_empty() { [ ! -s "$ROOT/var/lib/sesame/grants" ]; }
active() { [ "$(in_container systemctl is-active sesamed)" = active ]; }
main_pid() { in_container systemctl show -p MainPID --value sesamed; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

t0=$SECONDS
boot
note "Debian 12 booted in $((SECONDS - t0)) s"

# 3. enable + start: Type=notify reaches READY with the address networkd gave host0.
in_container systemctl enable sesamed >/dev/null 2>&1 || fail "systemctl enable sesamed"
in_container systemctl start sesamed || die "systemctl start sesamed failed"
active && ok "sesamed active" || die "sesamed is not active"
wait_until 10 journal_has "listening on host0 ($SERVER4 $SERVER6 " && ok "listening on host0 with its addresses" ||
  fail "no listening line with both addresses"

# 4. knock open, knock close.
knock_on "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place "$CLIENT4" "$PORT" && ok "knock opened $PORT" || fail "no rule after the knock"
knock_on "$SERVER4" 9000 8000 7000
wait_until 5 rule_gone "$CLIENT4" "$PORT" && ok "close sequence closed it" || fail "rule still there after the close sequence"

# 5. reload adding a door, which then opens.
WEB='
[[door]]
name = "web"
sequence = [7100, 7200]
tcp_flags = ["syn"]
open_for = "1h"
start = ["/usr/sbin/iptables", "-I", "INPUT", "-s", "%IP%", "-p", "tcp", "--dport", "8080", "-j", "ACCEPT"]
stop = ["/usr/sbin/iptables", "-D", "INPUT", "-s", "%IP%", "-p", "tcp", "--dport", "8080", "-j", "ACCEPT"]'
write_config "$PORT" "$WEB"
in_container systemctl reload sesamed && ok "systemctl reload: exit 0" || fail "systemctl reload failed"
journal_has "reloaded: 2 doors" && ok "sesamed reloaded" || fail "no 'reloaded: 2 doors' line"
knock_on "$SERVER4" 7100 7200
wait_until 5 rule_in_place "$CLIENT4" 8080 && ok "the added door opened" || fail "the added door did not open"

# 6. reload changing the ssh door's start command (another port), which then runs.
write_config 55556 "$WEB"
in_container systemctl reload sesamed && ok "systemctl reload: exit 0" || fail "systemctl reload failed"
knock_on "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place "$CLIENT4" 55556 && ok "the changed start command ran" || fail "no rule for 55556"
rule_gone "$CLIENT4" "$PORT" && ok "the old start command did not" || fail "the old command ran"
# The web grant, opened before, stays open with its own stop command.
rule_in_place "$CLIENT4" 8080 && ok "the grant from before the reload stays open" || fail "8080 closed by the reload"

# 7. A config that fails: systemctl reload fails, the journal says why, nothing changes.
cp "$ROOT/etc/sesame/sesame.toml" "$WORK/good.toml"
echo 'not toml = = =' >>"$ROOT/etc/sesame/sesame.toml"
if in_container systemctl reload sesamed 2>/dev/null; then fail "systemctl reload succeeded on a broken config"; else
  ok "systemctl reload exits non-zero on a broken config"; fi
journal_has "reload failed: the config file did not load" && ok "the journal says why" || fail "no 'reload failed' line"
active && ok "still active" || fail "sesamed stopped after a refused reload"
cp "$WORK/good.toml" "$ROOT/etc/sesame/sesame.toml"

# 8. logrotate: rename, SIGHUP to sesamed; the next lines go to the new file.
LOGF=$ROOT/var/log/sesame/sesame.log
mv "$LOGF" "$LOGF.1"
in_container systemctl kill --kill-who=main -s HUP sesamed
wait_until 5 test -s "$LOGF" && ok "a new log file after the HUP" || fail "no new log file"
knock_on "$SERVER4" 7100 7200
wait_until 5 grep -Fq "$CLIENT4: web: OPEN SESAME" "$LOGF" && ok "knock lines go to the new file" ||
  { fail "no knock line in the new file"; tail -n 5 "$LOGF" "$LOGF.1"; }
grep -Fq "$CLIENT4: web: already open" "$LOGF.1" && fail "a line went to the renamed file" ||
  ok "nothing more in the renamed file"

# 9. kill -9 of sesamed then stop: ExecStopPost closes what the killed helper left.
#    Both grants (55556 and 8080) are open; the figure is kill to no rule.
rule_in_place "$CLIENT4" 55556 || fail "the 55556 grant is not open before kill -9"
start=$(now_ms)
in_container systemctl kill --kill-who=main -s KILL sesamed
in_container systemctl stop sesamed
wait_until 30 rule_gone "$CLIENT4" 55556 && wait_until 30 rule_gone "$CLIENT4" 8080 &&
  ok "kill -9 then stop: no rule left" ||
  { fail "a rule stayed after kill -9 and stop"; in_container iptables -S INPUT; in_container journalctl -b -u sesamed -o short-monotonic --no-pager -n 25; }
echo "kill9_then_stop_rule_open_ms: $(($(now_ms) - start))"
grants_empty && ok "the grant journal is empty" || fail "the journal still lists: $(cat "$ROOT/var/lib/sesame/grants")"

# 10. kill -9 then the automatic restart (Restart=on-failure).
in_container systemctl start sesamed || die "sesamed did not start again"
knock_on "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place "$CLIENT4" 55556 || fail "no rule before the second kill -9"
before=$(main_pid)
start=$(now_ms)
in_container systemctl kill --kill-who=main -s KILL sesamed
wait_until 30 rule_gone "$CLIENT4" 55556 && ok "kill -9: the rule closed before the restart" || fail "rule stayed after kill -9"
echo "kill9_then_restart_rule_open_ms: $(($(now_ms) - start))"
wait_until 30 bash -c "[ \"\$(nsenter -t $(leader) -a systemctl show -p MainPID --value sesamed)\" != $before ] &&
  [ \"\$(nsenter -t $(leader) -a systemctl show -p MainPID --value sesamed)\" != 0 ]" &&
  wait_until 10 active && ok "restarted automatically" || fail "no automatic restart"
grants_empty && ok "the grant journal is empty" || fail "the journal still lists: $(cat "$ROOT/var/lib/sesame/grants")"
knock_on "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place "$CLIENT4" 55556 && ok "knocks work after the restart" || fail "no rule after the restart"

# 11. reboot: sesamed starts after network-online.target, with host0's addresses.
in_container systemctl reboot
wait "$NSPAWN_PID"
status=$?
[ "$status" = 133 ] && ok "the container rebooted (nspawn exit 133)" || fail "nspawn exited $status on reboot"
NSPAWN_PID=""
rule_start=$SECONDS
boot
active && ok "sesamed active after the reboot" || fail "sesamed not active after the reboot"
journal_has "listening on host0 ($SERVER4 $SERVER6 " && ok "after the reboot: listening on host0 with its addresses" ||
  fail "after the reboot, sesamed did not log host0's addresses"
knock_on "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place "$CLIENT4" 55556 && ok "a knock opens after the reboot" || fail "no rule after the reboot"

# 12. stop: every grant closed, the journal empty.
in_container systemctl stop sesamed
rule_gone "$CLIENT4" 55556 && rule_gone "$CLIENT4" 8080 && ok "stop: no rule left" || fail "a rule stayed after stop"
grants_empty && ok "the grant journal is empty" || fail "the journal still lists: $(cat "$ROOT/var/lib/sesame/grants")"

# 13. The same kill -9 with the ufw backend (the default): ufw enabled in the
#     container, the door opens 55555/tcp through ufw.
in_container ufw --force enable >/dev/null || fail "ufw enable"
cat >"$ROOT/etc/sesame/sesame.toml" <<EOF
interfaces = ["host0"]

[[door]]
name = "ssh"
sequence = [7000, 8000, 9000]
tcp_flags = ["syn"]
open = "$PORT/tcp"
open_for = "1h"
EOF
ufw_rule() { in_container ufw status | grep -Eq "^$PORT/tcp +ALLOW( IN)? +$CLIENT4"; }
ufw_rule_gone() { ! ufw_rule; }
in_container systemctl start sesamed || fail "sesamed did not start with ufw"
knock_on "$SERVER4" 7000 8000 9000
wait_until 10 ufw_rule && ok "ufw: knock opened $PORT" || fail "ufw: no rule after the knock"
start=$(now_ms)
in_container systemctl kill --kill-who=main -s KILL sesamed
wait_until 30 ufw_rule_gone &&
  ok "ufw: kill -9: the rule closed before the restart" || fail "ufw: rule stayed after kill -9"
echo "ufw_kill9_then_restart_rule_open_ms: $(($(now_ms) - start))"
in_container systemctl stop sesamed
grants_empty && ok "the grant journal is empty" || fail "the journal still lists: $(cat "$ROOT/var/lib/sesame/grants")"

note "lifecycle took $((SECONDS - t0)) s after the rootfs"
[ "$failures" = 0 ] || { dump; echo "FAILED: $failures checks"; exit 1; }
echo "PASS"
