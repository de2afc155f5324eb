"""PostgreSQL: a batch's box predictions, for images already stored as items, in one statement.

`hitl_detections_store` is the image counterpart of `hitl_predictions_store` (0004), called by the group-commit thread
in autocommit (apps/predictions/serving/detect.py): the serving-generation check (SQLSTATE HL001 and nothing written
if the caller's caches are stale), last-use times of tokens, every prediction (ids drawn first, so each row's id is
known by its position), the items' latest-prediction pointers (GREATEST: monotonic whichever batch commits last), and
the audit events through hitl_audit_append_filled (audit.0006). An item erased or restricted since the caller read it
is refused (HL003, nothing written), as the view would refuse it.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION hitl_detections_store(
    p_generation bigint, p_project bigint, p_actor integer, p_version bigint, p_tokens bigint[], p_rows jsonb,
    p_lock_key bigint, p_events jsonb)
RETURNS TABLE(pos integer, prediction_id bigint, item_id bigint) AS $$
DECLARE
    v_now timestamptz := now();
    v_n integer := jsonb_array_length(p_rows);
    v_ids bigint[];
    v_items bigint[];
BEGIN
    IF (SELECT value FROM core_servinggeneration WHERE id = 1) IS DISTINCT FROM p_generation THEN
        RAISE EXCEPTION 'the serving generation moved' USING ERRCODE = 'HL001';
    END IF;
    IF cardinality(p_tokens) > 0 THEN
        UPDATE accounts_apitoken SET last_used_at = v_now WHERE id = ANY(p_tokens);
    END IF;
    v_ids := ARRAY(SELECT nextval(pg_get_serial_sequence('predictions_prediction', 'id'))
                   FROM generate_series(1, v_n));
    v_items := ARRAY(SELECT (r.v->>0)::bigint FROM jsonb_array_elements(p_rows) WITH ORDINALITY r(v, ord)
                     ORDER BY r.ord);

    -- Each item once, in id order (concurrent batches lock the same items in the same order).
    WITH src AS (
        SELECT v_items[o] AS id, max(v_ids[o]) AS newest FROM generate_series(1, v_n) o GROUP BY 1
    ), moved AS (
        UPDATE items_item x SET latest_prediction_id = GREATEST(COALESCE(x.latest_prediction_id, 0), src.newest)
        FROM (SELECT * FROM src ORDER BY src.id) src
        WHERE x.id = src.id AND x.project_id = p_project AND x.erased_at IS NULL AND x.restricted_at IS NULL
        RETURNING x.id
    )
    SELECT count(*) INTO v_n FROM moved;
    IF v_n IS DISTINCT FROM (SELECT count(DISTINCT x) FROM unnest(v_items) x) THEN
        RAISE EXCEPTION 'an item was erased or restricted while its image was being predicted' USING ERRCODE = 'HL003';
    END IF;

    INSERT INTO predictions_prediction (id, label, confidence, probabilities, boxes, latency_ms, batch_size,
                                        request_id, started_at, created_at, actor_id, item_id, model_version_id,
                                        project_id, batch_id)
    SELECT v_ids[r.ord], '', (r.v->>2)::float8, '{}'::jsonb, r.v->1, (r.v->>3)::float8, (r.v->>4)::integer, r.v->>5,
           (r.v->>6)::timestamptz, v_now, p_actor, v_items[r.ord], p_version, p_project, NULL
    FROM jsonb_array_elements(p_rows) WITH ORDINALITY r(v, ord);

    PERFORM hitl_audit_append_filled(p_lock_key, p_events, v_ids, 0);  -- audit.0006
    RETURN QUERY SELECT o - 1, v_ids[o], v_items[o] FROM generate_series(1, cardinality(v_ids)) o;
END
$$ LANGUAGE plpgsql VOLATILE
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS hitl_detections_store(bigint, bigint, integer, bigint, "
                              "bigint[], jsonb, bigint, jsonb)")


class Migration(migrations.Migration):
    dependencies = [("predictions", "0005_prediction_started_at"), ("items", "0004_project_index_covered")]
    operations = [migrations.RunPython(install, uninstall)]
