"""The listening socket of ``textcheck serve``: which addresses are local, binding, the address to print."""

from __future__ import annotations

import ipaddress
import socket

DEFAULT_PORT = 8765
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: any free port). ``OSError`` when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    infos = socket.getaddrinfo(host, port, family if ":" in host else socket.AF_UNSPEC, socket.SOCK_STREAM)
    last: OSError | None = None
    for fam, _type, _proto, _canon, addr in infos:
        try:
            return socket.create_server(addr[:2] if fam == socket.AF_INET else addr, family=fam, backlog=64)
        except OSError as exc:
            last = exc
    raise last or OSError("no address")


def url_for(host: str, port: int) -> str:
    """The address to open in a browser (a wildcard address is shown as 127.0.0.1)."""
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1"
    return f"http://{shown}:{port}/"
