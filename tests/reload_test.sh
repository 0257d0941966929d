#!/usr/bin/env bash
# A reload that reloads, in both processes (exec backend, whose start and stop commands
# leave marker files): `sesame reload PID` (the unit's ExecReload) after a door's start
# and stop commands changed and a door was added: exit 0, the next knocks run the new
# start command and open the new door, while the grant opened before the reload closes
# with the stop command it was opened with. A config that fails to load: exit 1, the
# log says why, knocks work as before. logrotate: the log renamed, then a plain SIGHUP:
# both processes write to the new file. An address added to the interface after start:
# a knock to it opens, without a reload; removed, it is dropped.
#
# usage: reload_test.sh PATH/TO/sesamed PATH/TO/sesame-helper PATH/TO/sesame   (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: reload_test.sh PATH/TO/sesamed PATH/TO/sesame-helper PATH/TO/sesame}
HELPER=${2:?usage: reload_test.sh PATH/TO/sesamed PATH/TO/sesame-helper PATH/TO/sesame}
SESAME=${3:?usage: reload_test.sh PATH/TO/sesamed PATH/TO/sesame-helper PATH/TO/sesame}
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/ufw_server.sh"
. "$(dirname "$0")/helper_common.sh"

require_root_and_netns
require_knock
require_user nobody

HOST_BEFORE=$(host_firewall)
setup_namespaces
LOG=$WORK/sesame.log
CONF=$WORK/sesame.toml
STATE=$WORK/state
MARKS=$WORK/marks
mkdir "$MARKS"
chmod 755 "$WORK"

# The config with door "one" whose commands touch and remove MARKS/one-VERSION.IP,
# and the lines in EXTRA after it.
write_config() {
  local version=$1 extra=${2:-}
  cat >"$CONF.new" <<EOF
interfaces = ["$SRV_IF"]
user = "nobody"
firewall = "exec"

[log]
syslog = false
file = "$LOG"

[[door]]
name = "one"
sequence = [7001, 7002]
tcp_flags = ["syn"]
close_sequence = [7002, 7001]
start = ["/usr/bin/touch", "$MARKS/one-$version.%IP%"]
stop = ["/usr/bin/rm", "-f", "$MARKS/one-$version.%IP%"]
$extra
EOF
  mv "$CONF.new" "$CONF"
}
mark() { wait_until 5 test -e "$MARKS/$1"; }

write_config a
start_both -u nobody
knock_from 2 "$SERVER4" 7001 7002
mark one-a.198.18.0.2 && ok "door one opened under the first config" || fail "no one-a mark"

# 1. Commands changed and a door added; `sesame reload` waits for sesamed's answer.
write_config b '
[[door]]
name = "two"
sequence = [7101, 7102]
tcp_flags = ["syn"]
start = ["/usr/bin/touch", "'"$MARKS"'/two.%IP%"]'
if out=$("$SESAME" reload "$SESAMED_PID" 2>&1); then ok "sesame reload: $out"; else fail "sesame reload failed: $out"; fi
grep -Fq "reloaded: 2 doors" "$LOG" && ok "sesamed reloaded" || fail "no 'reloaded' line"
grep -Eq "helper: reloaded, config generation [0-9]+: 2 doors" "$LOG" && ok "the helper reloaded" ||
  fail "no helper 'reloaded' line"
knock_from 3 "$SERVER4" 7001 7002
mark one-b.198.18.0.3 && ok "the changed start command ran" || fail "no one-b mark: the old command ran?"
[ ! -e "$MARKS/one-a.198.18.0.3" ] && ok "the old start command did not" || fail "the old start command ran"
knock_from 3 "$SERVER4" 7101 7102
mark two.198.18.0.3 && ok "the added door opened" || fail "no mark of the added door"
# The grant from before the reload closes with its own stop command.
knock_from 2 "$SERVER4" 7002 7001
wait_until 5 test ! -e "$MARKS/one-a.198.18.0.2" && ok "the old grant closed with its old stop command" ||
  fail "one-a.198.18.0.2 still there"

# 2. A config that fails: nothing changes, the reload is reported failed.
echo 'this is not toml = = =' >>"$CONF"
if out=$("$SESAME" reload "$SESAMED_PID" 2>&1); then
  fail "sesame reload succeeded on a broken config: $out"
else
  ok "sesame reload exits non-zero: $out"
fi
wait_for_line "$LOG" "reload failed: the config file did not load" 5 && ok "the log says why" ||
  fail "no 'reload failed' line"
grep -Fq "$CONF:" "$LOG" && ok "with the file and line" || fail "the error names no file:line"
knock_from 4 "$SERVER4" 7001 7002
mark one-b.198.18.0.4 && ok "knocks still work under the running config" || fail "no one-b mark after a failed reload"

# 3. logrotate: rename, then a plain SIGHUP (no answer asked); both processes reopen.
mv "$LOG" "$LOG.1"
kill -HUP "$SESAMED_PID"
# The reload's last line comes after the helper's answer, given once it reopened the file.
wait_for_line "$LOG" "reload failed: the config file did not load" 5 && ok "sesamed writes to the new log file" ||
  fail "no line in the new log file"
knock_from 5 "$SERVER4" 7001 7002
mark one-b.198.18.0.5 || fail "no one-b mark after the HUP"
wait_for_line "$LOG" "198.18.0.5: one: OPEN SESAME" 5 && ok "the sniffer's knock lines follow" ||
  fail "no knock line in the new file"
wait_for_line "$LOG" "198.18.0.5: one: opened by its start command" 5 && ok "the helper's lines follow" ||
  fail "no helper line in the new file"
grep -Fq "198.18.0.5" "$LOG.1" && fail "a line went to the renamed file" || ok "nothing more in the renamed file"

# 4. An address added to the listened interface after start is followed without a
#    reload (netlink); a knock to it opens, and a knock begun before the change (its
#    first step seen) ends after it and opens: the doors did not change. The figure:
#    address added to rules rebuilt.
knock_from 7 "$SERVER4" 7001
wait_for_line "$LOG" "198.18.0.7: one: Stage 1" 5 || fail "no first knock from 198.18.0.7"
start=$(date +%s%N)
ip -n "$SRV" addr add 198.18.0.10/24 dev "$SRV_IF"
if wait_until 1 grep -Eq "addresses changed: listening on $SRV_IF \([^)]*198\.18\.0\.10" "$LOG"; then
  ok "the new address is followed"
  echo "address_followed_ms: $((($(date +%s%N) - start) / 1000000))"
else
  fail "no 'addresses changed' line with 198.18.0.10 within 1 s"
fi
knock_from 7 "$SERVER4" 7002
mark one-b.198.18.0.7 && ok "a knock begun before the address change opens after it" ||
  fail "the address change broke 198.18.0.7's knock in progress"
add_client_source 6
ip -n "$CLI" route replace 198.18.0.10/32 dev "$CLI_IF" src 198.18.0.6
client_knock 198.18.0.10 7001 7002
mark one-b.198.18.0.6 && ok "a knock to the new address opens" || fail "no mark for a knock to 198.18.0.10"
ip -n "$SRV" addr del 198.18.0.10/24 dev "$SRV_IF"
wait_until 1 bash -c "grep 'addresses changed' '$LOG' | tail -n 1 | grep -vq 198.18.0.10" &&
  ok "a removed address is dropped" || fail "198.18.0.10 still listened on after its removal"

stop_both
finish cleanup
