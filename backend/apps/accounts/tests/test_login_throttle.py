"""Login throttling of the token, session and admin logins: per account and per client address, 429 with Retry-After,
no password oracle while locked, windows that end, counters shared between processes (files, Redis), and an audit
trail that stays bounded however many attempts are made."""
import os
import subprocess
import sys
import threading
import time
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from apps.accounts.throttle import client_address, login_attempt_begin
from apps.audit.models import AuditEvent
from apps.core.tests.live import redis_available

pytestmark = pytest.mark.django_db

TOKEN, LOGIN, ME = "/api/v1/auth/token/", "/api/v1/auth/login/", "/api/v1/auth/me/"
FOREVER = 10**9  # one window for the whole test: no window boundary can fall inside it


@pytest.fixture
def limits(settings):
    settings.LOGIN_THROTTLE_WINDOW = FOREVER
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 100
    return settings


def _token(username="ann", password="wrong", address="10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(TOKEN, {"username": username, "password": password}, format="json")


def _actions(since: int) -> list[str]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq").values_list("action", flat=True))


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_wrong_passwords_then_429_with_retry_after_and_a_clear_message(users, limits):
    limits.LOGIN_THROTTLE_WINDOW = 3600
    assert [_token().status_code for _ in range(3)] == [400, 400, 400]

    refused = _token()

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert refused.json()["detail"] == (f"Too many failed logins for this account or from this address. "
                                        f"Try again in {refused['Retry-After']} seconds.")


def test_the_right_password_while_locked_is_still_429_and_logs_nobody_in(users, limits):
    for _ in range(3):
        _token()
    before = _last_seq()

    assert _token(password="pw-ann-secret").status_code == 429

    assert not ApiToken.objects.exists() and "auth.login" not in _actions(before)
    browser = APIClient(REMOTE_ADDR="10.0.0.9")  # the session login shares the account's counter
    browser.get(ME)
    response = browser.post(LOGIN, {"username": "ann", "password": "pw-ann-secret"}, format="json")
    assert response.status_code == 429 and browser.get(ME).status_code == 401


def test_per_account_across_addresses(users, limits):
    for n in range(3):
        assert _token(address=f"10.0.1.{n}").status_code == 400
    assert _token(password="pw-ann-secret", address="10.0.1.99").status_code == 429
    assert _token("rev", "pw-rev-secret", address="10.0.1.99").status_code == 200  # other accounts are not locked
    assert _token("ANN ", address="10.0.1.98").status_code == 429  # the name as typed: case and spaces ignored


def test_per_address_across_accounts(users, limits):
    limits.LOGIN_FAILURES_PER_ACCOUNT = 100
    limits.LOGIN_FAILURES_PER_ADDRESS = 5
    for n in range(5):
        assert _token(f"user-{n}").status_code == 400

    assert _token("rev", "pw-rev-secret").status_code == 429
    assert _token("rev", "pw-rev-secret", address="10.0.0.2").status_code == 200


def test_ipv6_clients_count_per_64(users, limits):
    limits.LOGIN_FAILURES_PER_ACCOUNT = 100
    limits.LOGIN_FAILURES_PER_ADDRESS = 2
    assert _token("a", address="2001:db8:1:2::1").status_code == 400
    assert _token("b", address="2001:db8:1:2:ffff::7").status_code == 400
    assert _token("c", address="2001:db8:1:2:abcd::1").status_code == 429
    assert _token("d", address="2001:db8:1:3::1").status_code == 400


def test_behind_trusted_proxies_the_forwarded_address_counts(settings):
    request = RequestFactory().post(TOKEN, REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.LOGIN_TRUSTED_PROXIES = 0
    assert client_address(request) == "172.18.0.5"
    settings.LOGIN_TRUSTED_PROXIES = 1  # nginx appended what it saw: the last entry; the first is the client's claim
    assert client_address(request) == "203.0.113.9"


def test_a_success_clears_the_account_and_gives_the_address_its_attempt_back(users, limits):
    limits.LOGIN_FAILURES_PER_ADDRESS = 4
    _token(), _token()
    assert _token(password="pw-ann-secret").status_code == 200
    assert [_token().status_code for _ in range(2)] == [400, 400]  # 4 failures from this address in all
    assert _token("rev", "pw-rev-secret").status_code == 429  # the 5th attempt from the address


def test_the_window_ends(users, settings):
    settings.LOGIN_THROTTLE_WINDOW = 2
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    time.sleep(2 - time.time() % 2 + 0.05)  # start at the beginning of a window: the attempts below fit in it
    assert [_token().status_code for _ in range(2)] == [400, 400]
    refused = _token(password="pw-ann-secret")
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 2

    time.sleep(2 - time.time() % 2 + 0.05)

    assert _token(password="pw-ann-secret").status_code == 200


def test_the_admin_login_is_throttled_and_shares_the_counters(users, limits):
    browser = Client(REMOTE_ADDR="10.0.0.1")
    before = _last_seq()
    assert _token("root").status_code == 400  # one failure through the API
    for _ in range(2):
        response = browser.post("/admin/login/", {"username": "root", "password": "wrong"})
        assert response.status_code == 200 and "correct username and password" in response.text
    assert _actions(before) == ["auth.login_failed"] * 3

    refused = browser.post("/admin/login/", {"username": "root", "password": "pw-root-secret"})

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many failed logins" in refused.text
    assert browser.get("/admin/").status_code == 302  # still logged out
    assert _actions(before)[3:] == ["auth.throttled"]
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert other.post("/admin/login/", {"username": "rev", "password": "x"}).status_code == 200


def test_an_admin_login_that_succeeds_clears_the_account(users, limits):
    browser = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(2):
        browser.post("/admin/login/", {"username": "root", "password": "wrong"})
    assert browser.post("/admin/login/", {"username": "root", "password": "pw-root-secret"}).status_code == 302
    assert [_token("root").status_code for _ in range(3)] == [400, 400, 400]


def test_a_hundred_attempts_leave_a_bounded_audit_trail(users, settings):
    """With the default limits: one account from one address, then many accounts from one address."""
    settings.LOGIN_THROTTLE_WINDOW = FOREVER
    account, address = settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_FAILURES_PER_ADDRESS
    before = _last_seq()

    statuses = [_token().status_code for _ in range(100)]

    assert statuses == [400] * account + [429] * (100 - account)
    # Refused attempts still count for the address: hammering a locked account closes the address too.
    assert _actions(before) == ["auth.login_failed"] * account + ["auth.throttled"] * 2
    events = AuditEvent.objects.filter(action="auth.throttled").order_by("seq")
    assert [(e.details["scope"], e.details["attempts"]) for e in events] == [("account", account), ("address", address)]
    assert {e.details["via"] for e in events} == {"token"} and events[0].details["window_seconds"] == FOREVER
    assert "ann" not in str(events[0].details) and "10.0.0.1" not in str(events[1].details)

    before = _last_seq()
    statuses = [_token(f"spray-{n}", address="10.0.0.7").status_code for n in range(100)]
    assert statuses == [400] * address + [429] * (100 - address)
    assert _actions(before) == ["auth.login_failed"] * address + ["auth.throttled"]


def _count_in_another_process(username: str, times: int, extra_env: dict[str, str]) -> None:
    code = ("import django; django.setup()\n"
            "from django.test import RequestFactory\n"
            "from apps.accounts.throttle import login_attempt_begin\n"
            f"request = RequestFactory().post('/', REMOTE_ADDR='10.9.9.9')\n"
            f"for _ in range({times}): login_attempt_begin(request=request, username={username!r}, via='token')\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOGIN_THROTTLE_WINDOW": str(FOREVER),
           "LOGIN_FAILURES_PER_ACCOUNT": "3", "LOGIN_FAILURES_PER_ADDRESS": "100", **extra_env}
    subprocess.run([sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env=env, check=True, timeout=120)


def test_the_file_cache_counters_are_shared_with_other_processes(users, limits):
    assert "FileBasedCache" in django_settings.CACHES["default"]["BACKEND"]  # the default without CACHE_URL
    _count_in_another_process("ann", 3, {})
    assert _token(password="pw-ann-secret").status_code == 429


@pytest.fixture
def redis_cache(limits):
    """The production cache: Redis (the test broker's database unless HITL_TEST_CACHE_URL), keys under a prefix of
    this test's own, removed afterwards."""
    url = os.environ.get("HITL_TEST_CACHE_URL") or os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://") or not redis_available(url):
        pytest.skip("no Redis")
    prefix = f"test-throttle-{uuid.uuid4().hex[:8]}"
    limits.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                 "KEY_PREFIX": prefix}}
    yield url, prefix
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_the_redis_counters_are_shared_with_other_processes(users, redis_cache):
    url, prefix = redis_cache
    _count_in_another_process("ann", 3, {"CACHE_URL": url, "CACHE_KEY_PREFIX": prefix})
    assert _token(password="pw-ann-secret").status_code == 429


def test_concurrent_attempts_are_all_counted_on_redis(users, redis_cache, settings):
    """Redis increments atomically: 16 attempts at once count 16, so none can slip past a limit."""
    settings.LOGIN_FAILURES_PER_ACCOUNT = 16
    request = RequestFactory().post(TOKEN, REMOTE_ADDR="10.3.3.3")
    start, errors = threading.Barrier(16), []

    def attempt():
        start.wait()
        try:
            login_attempt_begin(request=request, username="ann", via="token")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert _token(password="pw-ann-secret", address="10.3.3.3").status_code == 429  # the 17th


def test_with_the_cache_unreachable_logins_go_on_unthrottled(users, limits, caplog):
    """Redis down (here: nothing listens on the port): a login never fails for it; the log says so."""
    limits.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                 "LOCATION": "redis://127.0.0.1:9/0", "OPTIONS": {"socket_connect_timeout": 1}}}
    assert [_token().status_code for _ in range(4)] == [400] * 4  # not counted: no 429 past the limit of 3
    assert _token(password="pw-ann-secret").status_code == 200
    assert "login throttle: the cache is unavailable" in caplog.text
