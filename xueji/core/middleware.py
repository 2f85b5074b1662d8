"""The request context the audit service reads: the source address, and the refusals still to be written down.

The source address is the connection's (REMOTE_ADDR). X-Forwarded-For is believed only when the connection
comes from a proxy the deployment trusts (setting XUEJI_TRUSTED_PROXIES): any client can send the header, and
the audit log and the log-in throttle must not take a forged address for the truth.

Refusals (every NotFound, and each `audit.record_refusal`) are queued during the request and written after the
view returns, that is after the request's transactions have rolled back: a refusal written inside the refused
transaction would vanish with it. The writer is plugged in by the audit app (`set_refusal_sink`), so this
module stays below every app.
"""

import contextlib
import contextvars
import ipaddress
import logging
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError
from django.db.transaction import TransactionManagementError

log = logging.getLogger(__name__)

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)
_refusals: contextvars.ContextVar[list | None] = contextvars.ContextVar("refusals", default=None)
_sink: Callable | None = None


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    nets = []
    for item in spec:
        try:
            nets.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            log.warning("XUEJI_TRUSTED_PROXIES 中的“%s”不是有效的地址或网段,已忽略", item)
    return tuple(nets)


def _address(text: str):
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def _trusted(address, nets) -> bool:
    return address is not None and any(address.version == n.version and address in n for n in nets)


def client_ip_from(request) -> str:
    """The address the request came from: the connection's, or, behind a trusted proxy, the nearest
    untrusted hop that proxy (and any trusted proxies before it) wrote into X-Forwarded-For."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    nets = _networks(tuple(getattr(settings, "XUEJI_TRUSTED_PROXIES", ()) or ()))
    if not nets or not _trusted(_address(remote), nets):
        return remote[:45]
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    # Read from the right: each trusted proxy appended the address it saw; the first untrusted one is the
    # client as far as our own proxies can vouch. Anything left of it is the client's say-so.
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        if not _trusted(address, nets):
            return str(address)[:45]
    return remote[:45]


def current_client_ip() -> str | None:
    return _client_ip.get()


def set_refusal_sink(sink: Callable) -> None:
    """The audit app's writer of refusals: sink(refusal, request_or_None)."""
    global _sink
    _sink = sink


def note_refusal(refusal) -> None:
    """Queue a refusal for the end of the request; outside a request (a command, a test calling a selector)
    write it at once."""
    pending = _refusals.get()
    if pending is not None:
        pending.append(refusal)
        return
    if _sink is None:
        return
    try:
        _sink(refusal, None)
    except (DatabaseError, TransactionManagementError):
        # A broken transaction of the caller cannot take the row; the caller's own error follows anyway.
        log.warning("未能记录被拒绝的操作 %s(对象 %s)", getattr(refusal, "action", ""),
                    getattr(refusal, "object_id", ""), exc_info=True)


@contextlib.contextmanager
def refusals_written_after(request=None):
    """Queue the refusals raised in the block and write them when it ends, after its transactions unwound.
    Each request runs in one (the middleware below); a command or a job deciding many things can use it too."""
    pending: list = []
    token = _refusals.set(pending)
    try:
        yield
    finally:
        _refusals.reset(token)
        if _sink is not None:
            for refusal in pending:
                if not refusal.audited:
                    _sink(refusal, request)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip_from(request))
        try:
            with refusals_written_after(request):
                return self.get_response(request)
        finally:
            _client_ip.reset(token)
