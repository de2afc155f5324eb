"""PostgreSQL: append events whose canonical text was built in Python with holes (apps.audit.hashing.HOLES) that only
the database can fill: the chain's head, seq, time, and the row ids of what the events cover.

`hitl_audit_append_filled(lock_key, events, ids, items_created)` is called by the serving store functions
(predictions.0004, feedback.0002) as the last step of their one statement: it takes the chain's lock, reads the head
(a new snapshot per statement in PL/pgSQL, see audit.0005), then for each event
`[start, end, carries items_created, text template, details template, actor_ref, actor_role, action, object_type,
project_slug, request_id]` fills the holes — object_id = ids[start], the ids list = ids[start:end] sorted,
items_created when the event carries it, seq, created_at, prev — hashes the text with sha256() exactly as
event_hash does, and inserts the row.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION hitl_audit_append_filled(p_lock_key bigint, p_events jsonb, p_ids bigint[],
                                                    p_items_created integer) RETURNS void AS $$
DECLARE
    v_seq bigint;
    v_prev varchar;
    v_at timestamptz;
    v_iso text;
    v_event jsonb;
    v_first text;
    v_list text;
    v_count text;
    v_details text;
    v_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock_key);
    SELECT e.seq, e.hash, e.created_at INTO v_seq, v_prev, v_at FROM audit_auditevent e ORDER BY e.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        v_seq := 0;
        v_prev := repeat('0', 64);
    END IF;
    v_at := GREATEST(clock_timestamp(), v_at);  -- after the lock: times never go backwards along the chain
    v_iso := to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
    FOR v_event IN SELECT value FROM jsonb_array_elements(p_events) LOOP
        v_seq := v_seq + 1;
        v_first := p_ids[(v_event->>0)::integer + 1]::text;
        SELECT string_agg(x::text, ',' ORDER BY x) INTO v_list
        FROM unnest(p_ids[(v_event->>0)::integer + 1:(v_event->>1)::integer]) x;
        v_count := CASE WHEN (v_event->>2)::boolean THEN p_items_created ELSE 0 END::text;
        v_details := replace(replace(v_event->>4, E'\\x01ids\\x01', v_list), E'\\x01items_created\\x01', v_count);
        v_hash := encode(sha256(convert_to(
            replace(replace(replace(replace(replace(replace(v_event->>3,
                E'\\x01ids\\x01', v_list), E'\\x01items_created\\x01', v_count), E'\\x01object_id\\x01', v_first),
                E'\\x01seq\\x01', v_seq::text), E'\\x01created_at\\x01', v_iso), E'\\x01prev\\x01', v_prev),
            'UTF8')), 'hex');
        INSERT INTO audit_auditevent (seq, created_at, actor_ref, actor_role, action, object_type, object_id,
                                      project_slug, request_id, details, prev_hash, hash)
        VALUES (v_seq, v_at, v_event->>5, v_event->>6, v_event->>7, v_event->>8, v_first, v_event->>9,
                v_event->>10, v_details::jsonb, v_prev, v_hash);
        v_prev := v_hash;
    END LOOP;
END
$$ LANGUAGE plpgsql VOLATILE
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS hitl_audit_append_filled(bigint, jsonb, bigint[], integer)")


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_chain_head_function")]
    operations = [migrations.RunPython(install, uninstall)]
