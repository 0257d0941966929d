# The scenario every sesame-helper backend runs (sourced after helper_common.sh), with
# sesamed and its helper already started on a door 7000,8000,9000 that opens $PORT/tcp
# for $OPEN_FOR s: closed before the knock, open for the knocker only, a second knock
# coalesced, closed after open_for, closed early by the close sequence (if the door has
# one), IPv6, latency samples, kill -9 of both with a grant open and the restart that
# closes it. Ends with sesamed running again. Besides helper_common's variables and
# rule_count, the test sets:
#   DOOR            the door's name in the log lines
#   OPENED          what the log says after "ADDR: DOOR: " when a grant opens
#   CLOSED          what the log says after "ADDR: DOOR: " when a grant closes, before
#                   " (open_for elapsed)" or " (close sequence)"
#   LEFTOVER        what the restart says after "closing ADDR: " about a grant left by
#                   kill -9, before ", left open by a previous run"
#   JOURNALED       what the journal holds for a grant of ADDR: a printf format for ADDR
#   START_ARGS      sesamed's further arguments (an array, maybe empty)
#   CLOSE_SEQUENCE  1 if 9000,8000,7000 closes the door; 0 (no close sequence): grants
#                   close after open_for, and the latency samples stay open
#   EXPIRY_SLACK    seconds past open_for a grant may take to close
# and may define these hooks, which run when their step is done:
#   after_first_open   (FIRST_OPEN_US: when the test saw the first rule, in µs)
#   after_reknock
#   after_expiry       (198.18.0.2's grant closed after open_for)

# Milliseconds from the end of `knock` to the rule for ADDR in the kernel.
knock_latency_ms() {
  local n=$1 addr=$2
  shift 2
  knock_from "$n" "$@"
  local start end
  start=$(date +%s%N)
  wait_until 10 rule_in_place "$addr" || { echo "timeout"; return 1; }
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
print_latencies() {
  echo "knock_to_open_ms: $* (sorted: $(printf '%s\n' "$@" | sort -n | tr '\n' ' '))"
}

# Knocks from client N the close sequence and waits for ADDR's rule to go; with no
# close sequence, waits for open_for to close it.
close_grant() {
  local n=$1 addr=$2
  shift 2
  if [ "$CLOSE_SEQUENCE" = 1 ]; then
    knock_from "$n" "$@" 9000 8000 7000
    wait_until 5 rule_gone "$addr"
  else
    wait_until $((OPEN_FOR + EXPIRY_SLACK)) rule_gone "$addr"
  fi
}

run_hook() { declare -F "$1" >/dev/null && "$1"; return 0; }

helper_scenario() {
  local lat n
  latencies=()

  # 1-2. Closed before the knock; the knock opens it (for 198.18.0.2 only: below).
  expect_blocked 2 4 198.18.0.2
  expect_blocked 2 6 2001:2::2
  lat=$(knock_latency_ms 2 198.18.0.2 "$SERVER4" 7000 8000 9000) || fail "nothing opened after the knock"
  FIRST_OPEN_US=${EPOCHREALTIME/./}
  latencies+=("$lat")
  expect_connects 2 4 198.18.0.2
  run_hook after_first_open

  # 3. A second knock while open extends the grant: still one rule. It comes at once,
  # well within open_for however long the firewall took to open.
  wait_for_line "$LOG" "198.18.0.2: $DOOR: $OPENED" 5 || fail "no 'opened' line"
  knock_from 2 "$SERVER4" 7000 8000 9000
  wait_for_line "$LOG" "198.18.0.2: $DOOR: already open" 5 && ok "second knock coalesced" || fail "no 'already open' line"
  [ "$(rule_count 198.18.0.2)" = 1 ] && ok "one rule for 198.18.0.2" || fail "$(rule_count 198.18.0.2) rules for 198.18.0.2"
  # 2. Open for the knocker only: not from another address, not over IPv6.
  expect_blocked 3 4 198.18.0.3
  expect_blocked 2 6 2001:2::2
  run_hook after_reknock

  # 4. Closed again after open_for (counted from the second knock).
  wait_until $((OPEN_FOR + EXPIRY_SLACK)) rule_gone 198.18.0.2 && ok "rule gone after open_for" ||
    fail "rule still there after open_for"
  wait_for_line "$LOG" "198.18.0.2: $DOOR: $CLOSED (open_for elapsed)" 5 && ok "closed line" ||
    fail "no closed line (or it says errors)"
  expect_blocked 2 4 198.18.0.2
  run_hook after_expiry

  # 5. The close sequence closes early.
  if [ "$CLOSE_SEQUENCE" = 1 ]; then
    lat=$(knock_latency_ms 2 198.18.0.2 "$SERVER4" 7000 8000 9000) || fail "no rule after the knock"
    latencies+=("$lat")
    expect_connects 2 4 198.18.0.2
    close_grant 2 198.18.0.2 "$SERVER4" && ok "rule gone after the close sequence" ||
      fail "rule still there after the close sequence"
    wait_for_line "$LOG" "198.18.0.2: $DOOR: $CLOSED (close sequence)" 5 || fail "no close-sequence line"
    expect_blocked 2 4 198.18.0.2
  fi

  # 6. IPv6, closed like IPv4.
  lat=$(knock_latency_ms 2 2001:2::2 -6 "$SERVER6" 7000 8000 9000) || fail "no IPv6 rule after the knock"
  latencies+=("$lat")
  expect_connects 2 6 2001:2::2
  expect_blocked 3 6 2001:2::3
  expect_blocked 2 4 198.18.0.2
  close_grant 2 2001:2::2 -6 "$SERVER6" && ok "IPv6 rule closed" || fail "IPv6 rule still there"
  expect_blocked 2 6 2001:2::2

  # More latency samples (closed by the close sequence, or left to open_for).
  for n in 4 5 6 7; do
    lat=$(knock_latency_ms "$n" "198.18.0.$n" "$SERVER4" 7000 8000 9000) || fail "no rule for 198.18.0.$n"
    latencies+=("$lat")
    if [ "$CLOSE_SEQUENCE" = 1 ]; then close_grant "$n" "198.18.0.$n" "$SERVER4" || fail "rule for 198.18.0.$n did not close"; fi
  done
  print_latencies "${latencies[@]}"
  grep -q "(with errors)" "$LOG" && fail "a grant changed with errors: $(grep -m1 -B1 'with errors' "$LOG")"

  # 7. kill -9 both with a grant open: the rule stays (nobody closed it) until the restart.
  knock_from 8 "$SERVER4" 7000 8000 9000
  wait_until 5 rule_in_place 198.18.0.8 || fail "no rule for 198.18.0.8"
  wait_for_line "$LOG" "198.18.0.8: $DOOR: $OPENED" 5 || fail "no 'opened' line for 198.18.0.8"
  kill_both
  rule_in_place 198.18.0.8 && ok "rule left behind by kill -9" || fail "rule vanished without a restart"
  # shellcheck disable=SC2059 # JOURNALED is the format
  grep -Fq "$(printf "$JOURNALED" 198.18.0.8)" "$STATE/grants" && ok "journal lists the grant" ||
    fail "journal does not list the grant"
  : >"$LOG"
  start_both "${START_ARGS[@]}"
  rule_gone 198.18.0.8 && ok "restart closed the leftover rule" || fail "leftover rule still there after restart"
  grep -Fq "closing 198.18.0.8: $LEFTOVER, left open by a previous run" "$LOG" || fail "no leftover line"
  expect_blocked 8 4 198.18.0.8
}
