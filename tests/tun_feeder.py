#!/usr/bin/env python3
"""Creates tun device ARGV[1] (no packet information header, as WireGuard and ppp
frame packets: IP first) and writes into it, as if received, one IPv4 packet per line
read from stdin: "SRC DST PORT tcp|udp". Prints "ready" once the device exists and
"sent" after each packet. Used by tests/tun_test.sh; runs inside the test's namespace."""
import fcntl
import os
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def packet(src: str, dst: str, port: int, proto: str) -> bytes:
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    if proto == "tcp":
        body = struct.pack("!HHIIBBHHH", 40000, port, 1, 0, 5 << 4, 0x02, 64240, 0, 0)  # SYN
        number = socket.IPPROTO_TCP
    else:
        body = struct.pack("!HHHH", 40000, port, 8, 0)
        number = socket.IPPROTO_UDP
    pseudo = s + d + struct.pack("!BBH", 0, number, len(body))
    csum = checksum(pseudo + body)
    body = body[:16] + struct.pack("!H", csum) + body[18:] if proto == "tcp" else body[:6] + struct.pack("!H", csum)
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 1, 0, 64, number, 0, s, d)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + body


def main() -> None:
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", sys.argv[1].encode(), IFF_TUN | IFF_NO_PI))
    print("ready", flush=True)
    for line in sys.stdin:
        src, dst, port, proto = line.split()
        os.write(fd, packet(src, dst, int(port), proto))
        print("sent", flush=True)


main()
