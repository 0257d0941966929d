#!/usr/bin/python3
"""Runs a command under the system-call filter a systemd unit file describes.

usage: unit_syscall_filter.py UNIT COMMAND [ARGS...]

PID 1 in the test machines is not systemd, so a unit's SystemCallFilter= is never
applied for real; this applies it the way systemd does (groups expanded by
`systemd-analyze syscall-filter`, the first line an allow-list, later `~` lines
removing from it, SystemCallErrorNumber= as the answer to anything else), with
libseccomp, then executes COMMAND. The caller sets no_new_privs (setpriv).
"""
import ctypes
import errno
import os
import subprocess
import sys

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_ACT_KILL_PROCESS = 0x80000000


def groups():
    out = subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True, text=True).stdout
    table, name = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            name = line.strip()
            table[name] = []
        elif name and line.strip() and not line.strip().startswith("#"):
            table[name].append(line.strip())
    return table


def expand(items, table):
    out = set()
    for item in items:
        out |= expand(table[item], table) if item.startswith("@") else {item}
    return out


def main():
    unit, command = sys.argv[1], sys.argv[2:]
    table = groups()
    allowed, action = None, SCMP_ACT_KILL_PROCESS
    with open(unit) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            if key == "SystemCallFilter":
                deny = value.startswith("~")
                names = expand(value.lstrip("~").split(), table)
                if allowed is None:
                    allowed = set() if deny else names
                allowed = allowed - names if deny else allowed | names
            elif key == "SystemCallErrorNumber":
                action = 0x00050000 | getattr(errno, value)
    if allowed is None:
        sys.exit(f"{unit}: no SystemCallFilter=")
    lib = ctypes.CDLL("libseccomp.so.2")
    lib.seccomp_init.restype = ctypes.c_void_p
    ctx = ctypes.c_void_p(lib.seccomp_init(ctypes.c_uint32(action)))
    for name in sorted(allowed):
        nr = lib.seccomp_syscall_resolve_name(name.encode())
        if nr >= 0 and lib.seccomp_rule_add(ctx, ctypes.c_uint32(SCMP_ACT_ALLOW), nr, 0) != 0:
            sys.exit(f"seccomp_rule_add {name} failed")
    if lib.seccomp_load(ctx) != 0:
        sys.exit("seccomp_load failed (no_new_privs not set?)")
    os.execv(command[0], command)


main()
