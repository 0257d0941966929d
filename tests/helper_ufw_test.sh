#!/usr/bin/env bash
# sesamed with sesame-helper and the ufw backend: real ufw (default deny) in a server
# namespace whose /etc/ufw is a private copy, a TCP listener on the door port, Debian's
# `knock` in a client namespace. A connection fails before the knock and succeeds after
# it, only from the knocking address; the grant closes after open_for and on the close
# sequence; a second knock extends a grant instead of adding a rule; IPv6 too; an
# identical rule an admin added by hand survives a grant's close; kill -9 of
# both processes with a grant open, then a restart, leaves no rule; SIGTERM closes the
# grants; the helper's death stops sesamed. The host's firewall is compared before and
# after. Prints the knock-to-open latency (last knock sent to rule in the kernel).
#
# usage: helper_ufw_test.sh PATH/TO/sesamed PATH/TO/sesame-helper     (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: helper_ufw_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
HELPER=${2:?usage: helper_ufw_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/ufw_server.sh"
. "$(dirname "$0")/helper_common.sh"
. "$(dirname "$0")/helper_scenario.sh"

require_ufw_server

PORT=2222
OPEN_FOR=3
HOST_BEFORE=$(host_firewall)
setup_namespaces
isolate_ufw
start_listener "$PORT"

LOG=$WORK/sesamed.log
CONF=$WORK/sesame.toml
STATE=$WORK/state
write_toml_config ufw
DOOR=ssh
OPENED=opened
CLOSED="closed $PORT/tcp"
LEFTOVER="ssh (ufw $PORT/tcp)"
JOURNALED=%s
START_ARGS=()
CLOSE_SEQUENCE=1
EXPIRY_SLACK=6

# ufw's rule for ADDR as the kernel has it (ufw-user-input, or ufw6-user-input).
rule_count() {
  local addr=$1
  if [[ $addr == *:* ]]; then
    srv ip6tables -S ufw6-user-input 2>/dev/null | grep -c -- "-s $addr/128 .*--dport $PORT"
  else
    srv iptables -S ufw-user-input 2>/dev/null | grep -c -- "-s $addr/32 .*--dport $PORT"
  fi
}

note "host firewall recorded; ufw default-deny active in $SRV"
start_both
note "sesamed $SESAMED_PID, sesame-helper $HELPER_PID"
# The helper: root, but its bounding set only CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH,
# FOWNER, NET_ADMIN and NET_RAW (bits 0-3, 12, 13), and no_new_privs.
grep -q '^CapBnd:[[:space:]]*000000000000300f$' /proc/"$HELPER_PID"/status && ok "helper's capabilities limited" ||
  fail "helper's capabilities: $(grep Cap /proc/"$HELPER_PID"/status | tr '\n' ' ')"
grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/"$HELPER_PID"/status || fail "helper without no_new_privs"
grep -q '^Seccomp:[[:space:]]*2$' /proc/"$HELPER_PID"/status && ok "helper runs under its seccomp filter" ||
  fail "helper without a seccomp filter"
[ "$(stat -c %u /proc/"$SESAMED_PID")" != 0 ] && ok "sesamed runs as $(stat -c %U /proc/"$SESAMED_PID")" ||
  fail "sesamed still runs as root"

# 1-7. The scenario of every backend (helper_scenario.sh), up to kill -9 and the restart.
helper_scenario

# 8. An identical rule an admin added by hand: the grant's rule is skipped by ufw, and
# closing the grant leaves the admin's rule alone.
srv ufw allow from 198.18.0.10 to any port "$PORT" proto tcp >/dev/null || fail "could not add the admin's rule"
knock_from 10 "$SERVER4" 7000 8000 9000
wait_for_line "$LOG" "198.18.0.10: ssh: opened" 5 || fail "no 'opened' line for 198.18.0.10"
knock_from 10 "$SERVER4" 9000 8000 7000
wait_for_line "$LOG" "198.18.0.10: ssh: closed" 5 || fail "no 'closed' line for 198.18.0.10"
rule_in_place 198.18.0.10 && ok "the admin's identical rule outlives the grant" ||
  fail "closing the grant deleted the admin's rule"
srv ufw delete allow from 198.18.0.10 to any port "$PORT" proto tcp >/dev/null

# 9. Clean shutdown closes open grants.
knock_from 9 "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place 198.18.0.9 || fail "no rule for 198.18.0.9"
wait_for_line "$LOG" "198.18.0.9: ssh: opened" 5 || fail "no 'opened' line for 198.18.0.9"
stop_both
rule_gone 198.18.0.9 && ok "SIGTERM closed the grant" || fail "rule still there after SIGTERM"
[ -s "$STATE/grants" ] && fail "journal not empty after a clean shutdown" || ok "journal empty"

# 10. The helper's death stops sesamed.
start_both
kill -KILL "$HELPER_PID"
if wait_until 10 bash -c "! kill -0 $SESAMED_PID 2>/dev/null"; then ok "sesamed stopped when the helper died"; else
  fail "sesamed kept running without its helper"; fi
wait "$SESAMED_PID" 2>/dev/null
forget_pid "$SESAMED_PID"
# The log file's writer is the helper that died: sesamed says so on stderr (and syslog).
grep -Fq "sesame-helper killed by signal 9" "$WORK/sesamed.err" || fail "no line about the helper's death"

finish cleanup_ufw
