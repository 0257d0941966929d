#!/usr/bin/env bash
# sesamed with sesame-helper and the exec backend, from an unchanged knockd.conf whose
# start and stop commands are real iptables/ip6tables commands in a server namespace
# whose INPUT chains drop by default (as knockd's own example does). Debian's `knock`
# in a client namespace: a connection fails before the knock and succeeds after it,
# only from the knocking address; the stop command closes it after Cmd_Timeout; IPv6
# too; a door without a stop command runs its start command on every knock and is not
# journaled; a slow start command delays no other door's; kill -9 of both processes
# with a grant open, then a restart, runs the stop command. Then a TOML exec config with a close sequence, and a knockd.conf command that
# needs a shell, which runs through /bin/sh -c as in knockd. The host's firewall is
# compared before and after. Prints the knock-to-open latency.
#
# usage: helper_exec_test.sh PATH/TO/sesamed PATH/TO/sesame-helper     (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: helper_exec_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
HELPER=${2:?usage: helper_exec_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/ufw_server.sh"
. "$(dirname "$0")/helper_common.sh"
. "$(dirname "$0")/helper_scenario.sh"

require_root_and_netns
require_knock
command -v iptables >/dev/null && command -v ip6tables >/dev/null || skip "iptables is not installed"
[ -x "$PYTHON" ] || skip "/usr/bin/python3 (the test's TCP listener) is not installed"
require_user nobody

PORT=2222
OPEN_FOR=3
HOST_BEFORE=$(host_firewall)
setup_namespaces
start_listener "$PORT"
# Default drop in the server namespace: loopback, established traffic and (IPv6)
# neighbour discovery pass, nothing else.
for ipt in iptables ip6tables; do
  srv "$ipt" -A INPUT -i lo -j ACCEPT
  srv "$ipt" -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  srv "$ipt" -P INPUT DROP
done
srv ip6tables -A INPUT -p ipv6-icmp -j ACCEPT

LOG=$WORK/sesamed.log
CONF=$WORK/knockd.conf
STATE=$WORK/state
MARKS=$WORK/marks
mkdir "$MARKS"
rule4="-p tcp --dport $PORT -j ACCEPT"
cat >"$CONF" <<EOF
[options]
	LogFile = $LOG
	Interface = $SRV_IF

[openSSH]
	sequence = 7000,8000,9000
	seq_timeout = 5
	tcpflags = syn
	Start_Command = /usr/sbin/iptables -I INPUT -s %IP% $rule4
	Start_Command_6 = /usr/sbin/ip6tables -I INPUT -s %IP% $rule4
	Cmd_Timeout = $OPEN_FOR
	Stop_Command = /usr/sbin/iptables -D INPUT -s %IP% $rule4
	Stop_Command_6 = /usr/sbin/ip6tables -D INPUT -s %IP% $rule4

[mark]
	sequence = 6000,6001
	Start_Command = /usr/bin/touch $MARKS/%IP%

[slow]
	sequence = 5000,5001
	Start_Command = /bin/sleep 6
EOF

# The ACCEPT rule for ADDR in the server's INPUT chain.
rule_count() {
  local addr=$1
  if [[ $addr == *:* ]]; then
    srv ip6tables -S INPUT 2>/dev/null | grep -c -- "-s $addr/128 -p tcp -m tcp --dport $PORT -j ACCEPT"
  else
    srv iptables -S INPUT 2>/dev/null | grep -c -- "-s $addr/32 -p tcp -m tcp --dport $PORT -j ACCEPT"
  fi
}

DOOR=openSSH
OPENED="opened by its start command for ${OPEN_FOR}s"
CLOSED="closed by its stop command"
LEFTOVER="openSSH (exec)"
JOURNALED="exec %s - "
START_ARGS=(-u nobody)
CLOSE_SEQUENCE=0
EXPIRY_SLACK=6

note "host firewall recorded; INPUT drops by default in $SRV"
start_both "${START_ARGS[@]}"
note "sesamed $SESAMED_PID, sesame-helper $HELPER_PID"
grep -Fq "helper: ready, exec backend" "$LOG" && ok "exec backend" || fail "not the exec backend"

# knockd's own words, for rules keyed on them (fail2ban, logcheck).
after_expiry() {
  grep -Fq "openSSH: running command: /usr/sbin/iptables -I INPUT -s 198.18.0.2 $rule4" "$LOG" &&
    ok "knockd's 'running command' line" || fail "no 'running command' line"
  grep -Fq "198.18.0.2: openSSH: command timeout" "$LOG" && ok "knockd's 'command timeout' line" ||
    fail "no 'command timeout' line"
}

# 1-7. The scenario of every backend (helper_scenario.sh), up to kill -9 and the restart;
# the door has no close sequence, so Cmd_Timeout closes every grant.
helper_scenario

# 8. A door without a stop command: its start command runs on every knock, nothing is journaled.
knock_from 14 "$SERVER4" 6000 6001
wait_until 5 test -e "$MARKS/198.18.0.14" && ok "start command of the untracked door ran" || fail "no mark file"
rm -f "$MARKS/198.18.0.14"
knock_from 14 "$SERVER4" 6000 6001
wait_until 5 test -e "$MARKS/198.18.0.14" && ok "and ran again on the next knock" || fail "no second mark"
grep -Fq " mark" "$STATE/grants" && fail "the untracked door was journaled" || ok "untracked door not journaled"

# 9. Commands run side by side, as knockd runs them: a slow start command (6 s) does
#     not delay another door's.
knock_from 11 "$SERVER4" 5000 5001
wait_for_line "$LOG" "slow: running command: /bin/sleep 6" 5 || fail "the slow command did not start"
slow_started=$SECONDS
knock_from 12 "$SERVER4" 6000 6001
wait_until 4 test -e "$MARKS/198.18.0.12" && [ $((SECONDS - slow_started)) -lt 5 ] &&
  ok "another door's command ran while the slow one still ran" || fail "the slow command delayed another door"

stop_both
for n in 4 5 6 7; do rule_gone "198.18.0.$n" || fail "rule for 198.18.0.$n left after SIGTERM"; done

# 10. TOML with exec commands and a close sequence.
TOML=$WORK/sesame.toml
cat >"$TOML" <<EOF
interfaces = ["$SRV_IF"]
user = "nobody"
firewall = "exec"

[log]
syslog = false
file = "$LOG"

[[door]]
name = "ssh"
sequence = [7000, 8000, 9000]
tcp_flags = ["syn"]
close_sequence = [9000, 8000, 7000]
start = ["iptables", "-I", "INPUT", "-s", "%IP%", "-p", "tcp", "--dport", "$PORT", "-j", "ACCEPT"]
stop = ["iptables", "-D", "INPUT", "-s", "%IP%", "-p", "tcp", "--dport", "$PORT", "-j", "ACCEPT"]
EOF
CONF=$TOML start_both
knock_from 9 "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place 198.18.0.9 || fail "no rule for 198.18.0.9 (TOML)"
expect_connects 9 4 "198.18.0.9 (TOML)"
knock_from 9 "$SERVER4" 9000 8000 7000
wait_until 5 rule_gone 198.18.0.9 && ok "close sequence ran the stop command" || fail "rule still there"
expect_blocked 9 4 198.18.0.9
stop_both

# 11. A knockd.conf command that needs a shell runs through /bin/sh -c, as knockd runs
#    it, with %IP% replaced by the formatted address.
sed -i "s|^\tStart_Command = /usr/bin/touch .*|\tStart_Command = /usr/bin/touch $MARKS/%IP% \&\& /usr/bin/touch $MARKS/%IP%.second|" "$CONF"
: >"$LOG"
start_both -u nobody
grep -Fq "warning: Start_Command: uses shell syntax ('&'), so it runs through /bin/sh -c" "$WORK/sesamed.err" &&
  ok "the shell command is named at start" || fail "no line names the shell command"
knock_from 10 "$SERVER4" 6000 6001
wait_until 5 test -e "$MARKS/198.18.0.10.second" && test -e "$MARKS/198.18.0.10" &&
  ok "both commands of the shell line ran" || fail "the shell line did not run: $(ls "$MARKS")"
stop_both

finish cleanup
