#!/usr/bin/env bash
# sesamed with sesame-helper and the nft backend: in a server namespace with no other
# firewall, sesame's own table (inet sesame) keeps the door port closed, a knock from
# Debian's `knock` in the client namespace opens it for the knocking address only (a
# second address stays blocked), and it closes after open_for and on the close
# sequence; IPv6 too. kill -9 of both processes with a grant open: the element stays
# until a restart replaces the table, and without a restart the kernel's timeout closes
# it. SIGTERM deletes the table; with keep_grants_on_shutdown the grant outlives a
# clean stop and the next start takes it back. The host's ruleset is compared before
# and after. Prints the knock-to-open latency (last knock sent to element in the set).
#
# usage: helper_nft_test.sh PATH/TO/sesamed PATH/TO/sesame-helper     (root; exits 77 to skip)
set -uo pipefail
SESAMED=${1:?usage: helper_nft_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
HELPER=${2:?usage: helper_nft_test.sh PATH/TO/sesamed PATH/TO/sesame-helper}
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/ufw_server.sh"
. "$(dirname "$0")/helper_common.sh"
. "$(dirname "$0")/helper_scenario.sh"

require_root_and_netns
require_knock
command -v nft >/dev/null || skip "nft is not installed"
[ -x "$PYTHON" ] || skip "/usr/bin/python3 (the test's TCP listener) is not installed"
require_user nobody

PORT=2222
OPEN_FOR=4
HOST_BEFORE=$(host_firewall)
setup_namespaces
start_listener "$PORT"

LOG=$WORK/sesamed.log
CONF=$WORK/sesame.toml
STATE=$WORK/state
write_toml_config nft

# ADDR's elements in door 0's set of its family.
rule_count() {
  local addr=$1 set=door0_v4
  [[ $addr == *:* ]] && set=door0_v6
  srv nft list set inet sesame "$set" 2>/dev/null | grep -c -- "$addr . tcp . $PORT"
}
table_exists() { srv nft list table inet sesame >/dev/null 2>&1; }

DOOR=ssh
OPENED=opened
CLOSED="closed $PORT/tcp"
LEFTOVER="ssh (nft $PORT/tcp)"
JOURNALED=%s
START_ARGS=()
CLOSE_SEQUENCE=1
EXPIRY_SLACK=3
# The element carries the kernel's timeout, which the second knock renews. The second
# knock is sent 1.5 s after the test saw the element, and the check made 0.5 s after the
# first timeout surely ran out (it started before the test saw the element): the
# renewed one has a second left then.
sleep_until_us() {
  local left_us=$(($1 - ${EPOCHREALTIME/./}))
  [ "$left_us" -le 0 ] || sleep "$((left_us / 1000000)).$(printf %06d $((left_us % 1000000)))"
}
after_first_open() {
  srv nft list set inet sesame door0_v4 | grep "198.18.0.2 . tcp . $PORT timeout ${OPEN_FOR}s" >/dev/null &&
    ok "element carries the kernel timeout" || fail "element without a ${OPEN_FOR}s timeout"
  sleep_until_us $((FIRST_OPEN_US + 1500000))
}
after_reknock() {
  sleep_until_us $((FIRST_OPEN_US + OPEN_FOR * 1000000 + 500000))
  rule_in_place 198.18.0.2 && ok "open past the first knock's open_for" || fail "closed on the first knock's time"
}

note "host ruleset recorded; no firewall in $SRV but sesame's"
expect_connects 2 4 "198.18.0.2 (before sesame runs)"
start_both
note "sesamed $SESAMED_PID, sesame-helper $HELPER_PID"
# The helper starts from a clean environment, whatever sesamed's holds.
helper_env=$(tr '\0' ' ' <"/proc/$HELPER_PID/environ")
[ "$helper_env" = "PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C " ] && ok "the helper's environment is PATH and LANG=C only" ||
  fail "the helper's environment: $helper_env"
table_exists && ok "table inet sesame created" || fail "no table inet sesame"

# 1-7. The scenario of every backend (helper_scenario.sh), up to kill -9 and the restart.
helper_scenario

# 8. kill -9 without a restart: the kernel's timeout closes the grant on its own.
knock_from 9 "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place 198.18.0.9 || fail "no element for 198.18.0.9"
kill_both
expect_connects 9 4 "198.18.0.9 (sesame gone)"
wait_until $((OPEN_FOR + 3)) rule_gone 198.18.0.9 && ok "kernel closed the grant without sesame" ||
  fail "element outlived its timeout"
expect_blocked 9 4 "198.18.0.9 (sesame gone, after open_for)"

# 9. SIGTERM closes the grants and deletes the table.
start_both
knock_from 10 "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place 198.18.0.10 || fail "no element for 198.18.0.10"
stop_both
table_exists && fail "table inet sesame left after SIGTERM" || ok "SIGTERM deleted the table"
[ -s "$STATE/grants" ] && fail "journal not empty after a clean shutdown" || ok "journal empty"

# 10. keep_grants_on_shutdown: a clean stop leaves the grant, the next start takes it back.
OPEN_FOR=6 write_toml_config nft "keep_grants_on_shutdown = true"
start_both
knock_from 11 "$SERVER4" 7000 8000 9000
wait_until 5 rule_in_place 198.18.0.11 || fail "no element for 198.18.0.11"
stop_both
rule_in_place 198.18.0.11 && ok "kept over a clean stop" || fail "element gone after a clean stop with keep"
expect_connects 11 4 "198.18.0.11 (kept, sesame stopped)"
grep -Fq "198.18.0.11" "$STATE/grants" && ok "journal keeps the grant" || fail "journal lost the kept grant"
: >"$LOG"
start_both
wait_for_line "$LOG" "198.18.0.11: ssh: kept open by the previous run" 5 && ok "grant taken back" ||
  fail "no take-back line"
rule_in_place 198.18.0.11 && ok "element in the new table" || fail "element lost in the new table"
wait_for_line "$LOG" "198.18.0.11: ssh: closed $PORT/tcp (open_for elapsed)" 10 && ok "taken-back grant closed on time" ||
  fail "taken-back grant did not close"
expect_blocked 11 4 198.18.0.11
stop_both

finish cleanup
