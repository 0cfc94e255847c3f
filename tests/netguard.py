"""Reading strace logs: every connect() must stay on this machine."""

from __future__ import annotations

import ipaddress
import re

_CONNECT = re.compile(r"connect\(\d+, \{sa_family=(?P<family>AF_\w+)(?P<rest>.*?)\}")
_INET_ADDR = re.compile(r'inet_addr\("(?P<addr>[\d.]+)"\)')
_INET6_ADDR = re.compile(r'inet_pton\(AF_INET6, "(?P<addr>[^"]+)"')


def foreign_connects(trace: str) -> list[str]:
    """Every connect() in an strace log whose destination is not this machine's loopback."""
    bad: list[str] = []
    for line in trace.splitlines():
        m = _CONNECT.search(line)
        if not m:
            continue
        family, rest = m["family"], m["rest"]
        if family in {"AF_UNIX", "AF_NETLINK", "AF_UNSPEC"}:
            continue
        if family == "AF_INET":
            addr = _INET_ADDR.search(rest)
            if addr and _local(ipaddress.ip_address(addr["addr"])):
                continue
        if family == "AF_INET6":
            addr6 = _INET6_ADDR.search(rest)
            if addr6:
                ip = ipaddress.ip_address(addr6["addr"])
                mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
                if _local(ip) or (mapped is not None and _local(mapped)):
                    continue
        bad.append(line.strip())
    return bad


def _local(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # Linux delivers a connect() to the unspecified address (0.0.0.0, ::) to this host.
    return ip.is_loopback or ip.is_unspecified
