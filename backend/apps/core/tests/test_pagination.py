"""Limit/offset pages, also read key-first (the audit log): the same pages, the offset applied to keys only."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

EVENTS_URL = "/api/v1/audit/events/"


@pytest.mark.parametrize("params", [{"limit": 7, "offset": 0}, {"limit": 7, "offset": 5}, {"limit": 3, "offset": 10_000},
                                    {"limit": 1000}, {}, {"limit": 4, "offset": 2, "action": "project.member_added"}])
def test_key_first_pages_are_the_plain_pages(project, users, client_for, params):
    events = AuditEvent.objects.order_by("seq")
    if "action" in params:
        events = events.filter(action=params["action"])
    offset, limit = params.get("offset", 0), min(params.get("limit", 50), 1000)

    body = client_for(users["admin"]).get(EVENTS_URL, params).json()

    assert body["count"] == events.count()
    assert [e["seq"] for e in body["results"]] == list(events.values_list("seq", flat=True)[offset:offset + limit])
    assert body["results"] == sorted(body["results"], key=lambda e: e["seq"])


def test_the_offset_is_applied_to_keys_only(project, users, client_for):
    api = client_for(users["admin"])
    api.get(EVENTS_URL)  # warm up (token, roles)
    with CaptureQueriesContext(connection) as queries:
        assert api.get(EVENTS_URL, {"limit": 2, "offset": 3}).status_code == 200

    audit_sql = [q["sql"] for q in queries.captured_queries if '"audit_auditevent"' in q["sql"]]
    paged = [sql for sql in audit_sql if "OFFSET" in sql.upper()]
    assert len(paged) == 1 and paged[0].upper().split(" FROM ")[0] == 'SELECT "AUDIT_AUDITEVENT"."SEQ" AS "SEQ"'
    assert len(audit_sql) == 3  # count, the page's keys, the page's rows


@pytest.mark.parametrize("name, value", [("limit", "0"), ("limit", "1001"), ("limit", "-3"), ("limit", "ten"),
                                         ("offset", "-1"), ("offset", "true"), ("offset", "1.5"), ("offset", "9" * 20),
                                         ("limit", "\uff15")])
def test_a_bad_limit_or_offset_is_400_naming_it(project, users, client_for, name, value):
    """The schema says limit is 1 to 1000 and offset 0 to 2**63 - 1 (integers): the API holds to it, no silent
    default (found by the schema fuzzer, apps/core/tests/test_fuzz_api.py)."""
    for url in (EVENTS_URL, "/api/v1/projects/tickets/items/"):
        response = client_for(users["admin"]).get(url, {name: value})
        assert response.status_code == 400, (url, value)
        assert response.json()["detail"].startswith(f"{name} must be an integer from")
