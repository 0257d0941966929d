#!/usr/bin/env python3
"""A second, independent statement of sesame's robust matching rules (core/matcher.h,
R1-R10) for the plans of knockd_diff_test.sh: which (source, door) must reach OPEN
SESAME when the plan is sent with Debian's `knock` client to sesamed's default rules.

It is written from the rules' text, not from matcher.cc, so that the differential
test compares two readings of the rules. Within what the plan can send it is exact:
every knock is a SYN or a UDP datagram to a local address, TCPFlags are "syn" or
absent (so flags never fail), a source's knocks fall within one second except after
a pause of 3 s or more, which outlasts every door's seq_timeout (R6 then ends the
source's attempts and bars). Doors with a one-step sequence or a target do not occur.

usage: knock_model.py KNOCKD_CONF PLAN    prints "SOURCE: DOOR" lines, sorted, unique
plan lines: SOURCE FAMILY PAUSE_MS STEP... (STEP: PORT:tcp or PORT:udp)
"""
import re
import sys

SCAN_GUARD = 4  # kDefaultScanGuard: a knockd.conf cannot change it
SCAN_BINS = 8   # kScanGuardBins: ports told apart by their low three bits
SEQ_TIMEOUT_MS = 3000


def read_doors(path):
    """[(name, [(port, proto), ...])] in file order; knockd.conf's sequence syntax."""
    doors, name = [], None
    for raw in open(path, encoding="utf-8"):
        line = raw.strip()
        section = re.fullmatch(r"\[(.+)\]", line)
        if section:
            name = section.group(1).strip()
            continue
        key, _, value = line.partition("=")
        if name and key.strip().lower() == "sequence":
            steps = []
            for item in value.split(","):
                port, _, proto = item.strip().partition(":")
                steps.append((int(port), (proto or "tcp").lower()))
            doors.append((name, steps))
    return doors


class Source:
    """One source's attempts: {door index: stage}, barred doors, scan-guard bins."""

    def __init__(self):
        self.live = {}
        self.barred = set()
        self.bins = set()

    def has_entry(self):
        return bool(self.live or self.barred)

    def clear(self):  # R6: every attempt and bar of the source timed out
        self.__init__()


def starts(doors, step, src):
    """R5 (and R8): the doors, not barred (R10), whose first knock `step` is."""
    return [i for i, (_, seq) in enumerate(doors) if seq[0] == step and i not in src.barred]


def apply(doors, src, step, opened):
    port, proto = step
    relevant = any(step in seq for _, seq in doors)
    if not relevant:  # R1; with R10 a TCP SYN counts while the source has an entry
        if proto == "tcp" and src.has_entry():
            src.bins.add(port % SCAN_BINS)
            if src.live and len(src.bins) > SCAN_GUARD:  # every door has the same guard
                src.barred.update(src.live)
                src.live = {}
                src.bins = set()  # the group restarts: only bars are left
        return
    if src.live:  # found (R2): R3 with R9, then R8
        held, failed, kept = False, False, {}
        for i, stage in sorted(src.live.items()):
            seq = doors[i][1]
            if seq[stage] == step:
                held = True
                if stage + 1 == len(seq):
                    opened.add(i)  # R4
                else:
                    kept[i] = stage + 1
            elif seq[stage - 1] == step:  # R9: a repeat of the knock that advanced it
                held = True
                kept[i] = stage
            else:
                failed = True
        if held or not failed:
            src.live = kept
            return
        src.live = kept  # empty: every attempt failed
    new = starts(doors, step, src)
    if new:  # R5, or R8 after the failures above; replaces the attempts (D1)
        src.live = {i: 1 for i in new}
        src.bins = set()


def main():
    doors = read_doors(sys.argv[1])
    assert all(len(seq) > 1 for _, seq in doors), "the model leaves out one-step doors"
    sources, opens = {}, set()
    for line in open(sys.argv[2], encoding="utf-8"):
        number, family, pause, *steps = line.split()
        src = sources.setdefault(number, Source())
        if int(pause) >= SEQ_TIMEOUT_MS:
            src.clear()
        opened = set()
        for s in steps:
            port, proto = s.split(":")
            apply(doors, src, (int(port), proto), opened)
        address = f"198.18.0.{number}" if family == "4" else f"2001:2::{number}"
        opens.update(f"{address}: {doors[i][0]}" for i in opened)
    for line in sorted(opens):
        print(line)


if __name__ == "__main__":
    main()
