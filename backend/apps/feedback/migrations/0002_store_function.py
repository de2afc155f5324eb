"""PostgreSQL: a serving batch's answers stored in ONE statement (apps.predictions.serving.direct.store_answers).

`hitl_feedback_store`, run in autocommit so that it is its own transaction, does what the batch transaction did in
seven round trips: the serving-generation check (SQLSTATE HL001, nothing written, if the caller's caches are stale),
last-use times of tokens, every answer (ids drawn first, so that each one's id is known by its position), the
retrain checks for the outbox (at most one unsent per key, as outbox_enqueue), and one `feedback.submitted` event per
answer (hitl_audit_append_filled, audit.0006).
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

    PERFORM hitl_audit_append_filled(p_lock_key, p_events, v_ids, 0);  -- audit.0006
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
    dependencies = [("feedback", "0001_initial"), ("predictions", "0004_store_function"), ("core", "0001_outbox"),
                    ("audit", "0006_append_filled_function")]
    operations = [migrations.RunPython(install, uninstall)]
