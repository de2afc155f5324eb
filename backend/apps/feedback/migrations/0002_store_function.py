"""PostgreSQL: a serving batch's answers stored in ONE statement (apps.predictions.serving.direct.store_answers).

`hitl_feedback_store`, run in autocommit so that it is its own transaction, does what the batch transaction did in
seven round trips: the serving-generation check (SQLSTATE HL001, nothing written, if the caller's caches are stale),
last-use times of tokens, every answer (ids drawn first, so that each one's id is known by its position), the
retrain checks for the outbox (at most one unsent per key, as outbox_enqueue), and one `feedback.submitted` event per
answer, hashed in SQL from the canonical text built in Python (see predictions.0004 and
apps.audit.hashing.event_text_template) after taking the chain's lock.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION hitl_feedback_store(
    p_generation bigint, p_tokens bigint[], p_rows jsonb, p_outbox jsonb, p_lock_key bigint, p_events jsonb)
RETURNS TABLE(pos integer, feedback_id bigint, created_at timestamptz) AS $$
DECLARE
    v_now timestamptz := now();
    v_n integer := jsonb_array_length(p_rows);
    v_ids bigint[];
    v_seq bigint;
    v_prev varchar;
    v_at timestamptz;
    v_iso text;
    v_event jsonb;
    v_id text;
    v_hash text;
BEGIN
    IF (SELECT value FROM core_servinggeneration WHERE id = 1) IS DISTINCT FROM p_generation THEN
        RAISE EXCEPTION 'the serving generation moved' USING ERRCODE = 'HL001';
    END IF;
    IF cardinality(p_tokens) > 0 THEN
        UPDATE accounts_apitoken SET last_used_at = v_now WHERE id = ANY(p_tokens);
    END IF;
    v_ids := ARRAY(SELECT nextval(pg_get_serial_sequence('feedback_feedback', 'id')) FROM generate_series(1, v_n));
    -- each row: [project, prediction, item, annotator, verdict, label, resolved_label, comment] (text answers)
    INSERT INTO feedback_feedback (id, project_id, prediction_id, item_id, annotator_id, verdict, label,
                                   resolved_label, boxes, resolved_boxes, flags, status, comment, created_at)
    SELECT v_ids[r.ord], (r.v->>0)::bigint, (r.v->>1)::bigint, (r.v->>2)::bigint, (r.v->>3)::integer, r.v->>4,
           r.v->>5, r.v->>6, NULL, NULL, '[]'::jsonb, 'accepted', r.v->>7, v_now
    FROM jsonb_array_elements(p_rows) WITH ORDINALITY r(v, ord);
    INSERT INTO core_outboxmessage (task, args, dedupe_key, created_at, sent_at, attempts, last_error)
    SELECT o->>0, o->1, o->>2, v_now, NULL, 0, '' FROM jsonb_array_elements(p_outbox) o
    ON CONFLICT DO NOTHING;

    PERFORM pg_advisory_xact_lock(p_lock_key);
    SELECT e.seq, e.hash, e.created_at INTO v_seq, v_prev, v_at FROM audit_auditevent e ORDER BY e.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        v_seq := 0;
        v_prev := repeat('0', 64);
    END IF;
    v_at := GREATEST(clock_timestamp(), v_at);
    v_iso := to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
    -- each event: [position of its answer, text template, details, actor_ref, actor_role, action, object_type,
    --              project_slug, request_id]
    FOR v_event IN SELECT value FROM jsonb_array_elements(p_events) LOOP
        v_seq := v_seq + 1;
        v_id := v_ids[(v_event->>0)::integer + 1]::text;
        v_hash := encode(sha256(convert_to(
            replace(replace(replace(replace(v_event->>1,
                E'\\x01object_id\\x01', v_id), E'\\x01seq\\x01', v_seq::text), E'\\x01created_at\\x01', v_iso),
                E'\\x01prev\\x01', v_prev),
            'UTF8')), 'hex');
        INSERT INTO audit_auditevent (seq, created_at, actor_ref, actor_role, action, object_type, object_id,
                                      project_slug, request_id, details, prev_hash, hash)
        VALUES (v_seq, v_at, v_event->>3, v_event->>4, v_event->>5, v_event->>6, v_id, v_event->>7, v_event->>8,
                (v_event->>2)::jsonb, v_prev, v_hash);
        v_prev := v_hash;
    END LOOP;
    RETURN QUERY SELECT o - 1, v_ids[o], v_now FROM generate_series(1, v_n) o;
END
$$ LANGUAGE plpgsql VOLATILE
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS hitl_feedback_store(bigint, bigint[], jsonb, jsonb, bigint, "
                              "jsonb)")


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("predictions", "0004_store_function"), ("core", "0001_outbox")]
    operations = [migrations.RunPython(install, uninstall)]
