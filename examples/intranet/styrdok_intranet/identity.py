"""Who is asking: the intranet's login proxy says so in a header, and only the proxy may.

The proxy (Apache ``mod_auth_mellon``, nginx with ``auth_request``, an SSO gateway …)
authenticates staff and forwards each request with the person's styrdok ref in a header,
``X-Remote-User`` by default. A header is believed only when the request comes from one of
the configured proxy addresses; from anywhere else it is ignored and the visitor may read
but not ask or answer. The proxy must also strip the header from what clients send.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable

import attrs


@attrs.frozen
class IdentityPolicy:
    header: str = "X-Remote-User"
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def from_settings(cls, header: str, proxies: Iterable[str]) -> IdentityPolicy:
        """The policy for ``header`` believed from ``proxies`` (addresses or networks);
        ``ValueError`` for anything that is not exactly one (see :func:`proxy_network`)."""
        return cls(header, tuple(proxy_network(p) for p in proxies))

    def user(self, remote_addr: str | None, headers: dict[str, str]) -> str | None:
        """The person ref the proxy vouches for, or ``None`` for an anonymous visitor."""
        value = headers.get(self.header.lower(), "").strip()
        if not value or remote_addr is None:
            return None
        try:
            address = ipaddress.ip_address(remote_addr)
        except ValueError:
            return None
        if not any(address in network for network in self.trusted_proxies):
            return None
        return value


def proxy_network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A trusted proxy's address (``10.0.0.5``) or network (``10.0.0.0/24``).

    A network with host bits set (``127.0.0.5/8``) is refused rather than widened to the
    whole ``127.0.0.0/8``: whoever wrote it meant one address or mistyped the prefix, and
    guessing "the network" would trust millions of addresses to name any user.
    """
    text = value.strip()
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ValueError(f"{text!r} is not an IP address or network") from None
    address, _, prefix = text.partition("/")
    if ipaddress.ip_address(address) != network.network_address:
        raise ValueError(
            f"{text!r} has host bits set: write {address} for that one address, or "
            f"{network} for the whole /{prefix} network"
        )
    return network


def form_token(secret: bytes, user: str) -> str:
    """A token bound to the user, checked on every form post: a page on another site
    cannot make a logged-in browser post a question or an answer (CSRF)."""
    return hmac.new(secret, user.encode(), hashlib.sha256).hexdigest()


def token_ok(secret: bytes, user: str, token: str) -> bool:
    return hmac.compare_digest(form_token(secret, user), token)
