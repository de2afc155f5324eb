"""The audit bench's functions (called by `make bench` and `manage.py audit_bench`) measure what they say: the
events they append are really on the chain, which still verifies. No timing is asserted."""
from apps.audit.bench import audit_append_rate, audit_chain_fill, audit_verify_measure
from apps.audit.models import AuditEvent


def test_bench_functions_append_real_events_and_verify_them(project):
    before = AuditEvent.objects.count()
    fill = audit_chain_fill(before + 250, per_transaction=100)
    assert fill["events_added"] == 250 and AuditEvent.objects.count() == before + 250
    single = audit_append_rate(count=5)
    batched = audit_append_rate(count=60, batch=25)
    assert (single["events"], batched["events"]) == (5, 60)
    assert AuditEvent.objects.count() == before + 250 + 5 + 60
    assert AuditEvent.objects.filter(action="bench.append").count() == 5
    measured = audit_verify_measure(trace_memory=True)
    assert measured["ok"] and measured["events"] == AuditEvent.objects.count()
    assert 0 < measured["tracemalloc_peak_mb"] < 5
