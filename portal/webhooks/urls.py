"""Which URLs the portal sends webhooks to: a plain http(s) URL with a host, at most 500
characters; ``https://`` only when ``WEBHOOK_REQUIRE_HTTPS``; and, unless
``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``, never a host that is or resolves to a private,
loopback, link-local or reserved address (so nobody can make the portal's servers call
their own network). Checked when an endpoint is registered and again before each delivery
(DNS can change); ``refuse_peer`` checks the address actually connected to."""

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app

from portal.errors import PortalError

MAX_LENGTH = 500
EXAMPLE = "https://hr.example.org/portal-webhooks"


def check_url(text: str, *, resolve: bool = True) -> str:
    """``text`` stripped, if the portal may send to it; else PortalError saying why.
    ``resolve``: look the host name up (private addresses refused) when the settings ask."""
    url = text.strip()
    if not url:
        raise PortalError(f"Enter the URL of your endpoint, e.g. {EXAMPLE}.")
    if len(url) > MAX_LENGTH:
        raise PortalError(f"The URL can be at most {MAX_LENGTH} characters long.")
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise PortalError("A URL cannot contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise PortalError(f"That is not a valid URL; it should look like {EXAMPLE}.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise PortalError(f"Enter a web address starting with https://, e.g. {EXAMPLE}.")
    host = parts.hostname
    if not host:
        raise PortalError(f"The URL needs a host name, e.g. {EXAMPLE}.")
    if parts.username is not None or parts.password is not None:
        raise PortalError(
            "Leave the user name and password out of the URL: the signature of each "
            "delivery shows that it comes from the portal."
        )
    config = current_app.config
    if config["WEBHOOK_REQUIRE_HTTPS"] and scheme != "https":
        raise PortalError("The URL must start with https://: deliveries are only sent encrypted.")
    if not config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"]:
        _refuse_private(host, port or (443 if scheme == "https" else 80), resolve)
    return url


def _refuse_private(host: str, port: int, resolve: bool) -> None:
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        if not resolve:
            return
        addresses = _resolve(host, port)
    for address in addresses:
        if not is_public(address):
            raise PortalError(
                f"{host} is a private, local or reserved address: webhooks go to servers "
                "on the public internet only."
            )


def _resolve(host: str, port: int) -> list:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise PortalError(f"The host name {host} could not be found.") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]


def is_public(address) -> bool:
    """Whether ``address`` is on the public internet (an IPv4 address written as IPv6
    counts as itself)."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return address.is_global and not address.is_multicast


def refuse_peer(sock: socket.socket) -> None:
    """Close ``sock`` and raise OSError if it is connected to an address that is not
    public while the settings refuse those (a name may resolve differently by now)."""
    if current_app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"]:
        return
    peer = sock.getpeername()[0]
    if not is_public(ipaddress.ip_address(str(peer).split("%", 1)[0])):
        sock.close()
        raise OSError(f"refused: {peer} is a private, local or reserved address")
