"""Where a webhook may go: an http(s) URL whose host resolves to public addresses only.

A webhook URL is data (a profile entry), and the notifier runs inside the deployment's network:
a URL naming the loopback, a private network, the cloud metadata service (169.254.169.254) or
the Temporal UI would let whoever writes a profile make the worker POST into the internal
network. So the host is resolved first and refused when *any* of its addresses is not public;
then the request goes to the vetted address itself (the host is kept in ``Host`` and as TLS
SNI / certificate name), so a second DNS answer (rebinding) cannot swap the target.

``UPRFLOW_WEBHOOK_ALLOW_PRIVATE=true`` lifts the address check (on-premise receivers, tests);
the scheme check and the pinning stay.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Shared address space (carrier-grade NAT, RFC 6598): not public, not ``is_private`` either.
_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")


class WebhookTargetRefused(Exception):
    """The webhook URL names a scheme or an address the notifier does not deliver to.

    Why a type of its own: no retry can fix it, so the delivery fails at once (non-retryable)
    instead of retrying for a day.
    """


@dataclass(frozen=True)
class Target:
    """A vetted webhook target: the URL with an address in place of the host (one per vetted
    address, in the resolver's order, to try in turn), and the host."""

    urls: tuple[httpx.URL, ...]
    host: str
    host_header: str
    addresses: tuple[IPAddress, ...]

    @property
    def url(self) -> httpx.URL:
        """The first pinned URL."""
        return self.urls[0]

    @property
    def extensions(self) -> dict[str, str]:
        """httpx request extensions: the TLS SNI and certificate name are the original host."""
        return {"sni_hostname": self.host} if self.url.scheme == "https" else {}


def why_not_public(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address (``None`` when it is)."""
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv6 form of an IPv4 address reaches that IPv4 address: judge it.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            reason = why_not_public(embedded)
            if reason:
                return f"{reason} (IPv6 form of {embedded})"
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "shared (CGNAT)"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "non-public"),
    )
    return next((reason for hit, reason in checks if hit), None)


async def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    # A resolver failure may be transient: it is raised as it is (OSError), and retried.
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, IPAddress] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        seen.setdefault(text, ipaddress.ip_address(text))
    return list(seen.values())


async def vet(url: str, *, allow_private: bool) -> Target:
    """Resolve ``url``'s host and return the pinned target; raise :class:`WebhookTargetRefused`
    naming the reason for a non-http(s) URL or any non-public address."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise WebhookTargetRefused(f"webhook URL {url!r} is not a URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise WebhookTargetRefused(f"webhook URL {url!r}: only http(s) URLs with a host")
    host = parsed.host
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = await _resolve(host, port)
    if not addresses:
        raise OSError(f"{host} has no address")
    if not allow_private:
        for ip in addresses:
            reason = why_not_public(ip)
            if reason:
                raise WebhookTargetRefused(
                    f"webhook URL {url!r}: {host} resolves to {ip}, a {reason} address; "
                    "refused (UPRFLOW_WEBHOOK_ALLOW_PRIVATE=true allows it on-premise)"
                )
    return Target(
        urls=tuple(parsed.copy_with(host=str(ip)) for ip in addresses),
        host=host,
        host_header=parsed.netloc.decode("ascii"),
        addresses=tuple(addresses),
    )
