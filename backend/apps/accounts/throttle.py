"""Login throttling, per account (the username tried) and per client address, for the token, session and admin logins.

Counters live in Django's cache (settings.CACHES: Redis when CACHE_URL is set, so every process on every host shares
them; otherwise files under VAR_DIR, shared by the processes of one host). Windows are fixed: LOGIN_THROTTLE_WINDOW
seconds, the same for both counters. Every attempt is counted *before* the password is checked (Redis increments
atomically, so concurrent attempts cannot slip past the limit); a successful login gives its count back. Past a
limit, attempts are refused with 429 and Retry-After until the window ends, without checking the password, so the
right password tells nothing either. Refusals are audited in aggregate: the first one of a window writes one
`auth.throttled` event per counter (no username, no address: a keyed pseudonym of it), the rest nothing.

This module must not decide anything else about logins (services.py does) nor hold state of its own.
"""
import hashlib
import hmac
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.utils.crypto import salted_hmac
from rest_framework.exceptions import Throttled

from apps.audit.services import AuditEntry, audit_events_record_many

logger = logging.getLogger(__name__)


class LoginThrottled(Throttled):
    """429 with Retry-After (DRF sets the header from `wait`)."""

    def __init__(self, wait: int):
        super().__init__(detail=(  # not wait=: DRF would append its own "Expected available in ..." sentence
            f"Too many failed logins for this account or from this address. Try again in {wait} seconds."))
        self.wait = wait


@dataclass(frozen=True)
class _Counter:
    scope: str  # "account" or "address"
    value: str
    limit: int
    key: str


@dataclass(frozen=True)
class LoginAttempt:
    """What login_attempt_begin counted, for login_attempt_succeeded to give back."""

    counters: tuple[_Counter, ...]
    window: int


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the nearest of LOGIN_TRUSTED_PROXIES proxies saw.

    An IPv6 client counts as its /64 (one host usually has a whole /64 to pick addresses from).
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.LOGIN_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def _counters(request, username: str, bucket: int) -> tuple[_Counter, ...]:
    wanted = [("address", client_address(request), settings.LOGIN_FAILURES_PER_ADDRESS),
              ("account", username.strip().casefold()[:256], settings.LOGIN_FAILURES_PER_ACCOUNT)]
    # Keyed: the cache (files, Redis) never holds a username or an address in a form one could look up.
    return tuple(_Counter(scope, value, limit,
                          f"login-throttle:{scope}:{salted_hmac(scope, value).hexdigest()[:40]}:{bucket}")
                 for scope, value, limit in wanted)


def _cache():
    return caches["default"]  # the backend itself (django.core.cache.cache is a proxy: no isinstance on it)


def _increment(key: str, timeout: int) -> int:
    cache = _cache()
    if cache.add(key, 1, timeout=timeout):
        return 1
    if isinstance(cache, RedisCache):
        try:
            return cache.incr(key)  # atomic, keeps the key's expiry
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=timeout)
            return 1
    # Other backends' incr() is get + set and resets the expiry to the backend default: set it ourselves.
    count = (cache.get(key) or 0) + 1
    cache.set(key, count, timeout=timeout)
    return count


def _subject(counter: _Counter) -> str:
    """The same keyed pseudonym as actors get (AUDIT_HMAC_KEY): repeated attacks on one account can be told apart."""
    message = f"login-throttle:{counter.scope}:{counter.value}".encode("utf-8", "surrogatepass")
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def login_attempt_begin(*, request, username: str, via: str) -> LoginAttempt:
    """Count this attempt for its account and its address; LoginThrottled (429) when either is past its limit."""
    window = settings.LOGIN_THROTTLE_WINDOW
    now = time.time()
    bucket = int(now // window)
    counters = _counters(request, username, bucket)
    try:
        counts = [_increment(c.key, window + 1) for c in counters]
    except Exception:  # noqa: BLE001 - the cache is down: logins go on unthrottled rather than all failing
        logger.warning("login throttle: the cache is unavailable; this login attempt is not counted", exc_info=True)
        return LoginAttempt(counters=(), window=window)
    over = [(c, n) for c, n in zip(counters, counts, strict=True) if n > c.limit]
    if not over:
        return LoginAttempt(counters=counters, window=window)
    retry_after = max(1, math.ceil((bucket + 1) * window - now))
    first_refusals = [(c, n) for c, n in over if n == c.limit + 1]
    if first_refusals:
        with transaction.atomic():  # committed before the refusal
            audit_events_record_many([AuditEntry(action="auth.throttled", details={
                "via": via, "scope": counter.scope, "subject": _subject(counter), "attempts": count - 1,
                "window_seconds": window, "retry_after": retry_after}) for counter, count in first_refusals])
    raise LoginThrottled(wait=retry_after)


def login_attempt_succeeded(attempt: LoginAttempt) -> None:
    """A successful login: the account starts afresh; the address gets this attempt back (a busy shared address
    is not locked out by its own users' logins)."""
    cache = _cache()
    for counter in attempt.counters:
        try:
            if counter.scope == "account":
                cache.delete(counter.key)
            elif isinstance(cache, RedisCache):
                cache.decr(counter.key)
            elif count := cache.get(counter.key):
                cache.set(counter.key, count - 1, timeout=attempt.window + 1)
        except ValueError:  # the window ended meanwhile: nothing to give back
            continue
        except Exception:  # noqa: BLE001 - as above: a cache outage never fails a login
            logger.warning("login throttle: the cache is unavailable", exc_info=True)
