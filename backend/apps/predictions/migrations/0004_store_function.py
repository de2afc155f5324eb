"""PostgreSQL: a serving batch's predictions stored in ONE statement (apps.predictions.serving.direct).

`hitl_predictions_store` does, as its own transaction (the caller runs it in autocommit): the serving-generation
check (the caller's caches must be current, else SQLSTATE HL001 and nothing is written), last-use times of tokens,
the items of new texts (upsert by content hash, in hash order), every prediction (ids drawn first so that each row's
id is known by its position), the items' latest-prediction pointers, and the audit events (hitl_audit_append_filled, audit.0006: the chain's
lock, the head, and each event's canonical text built in Python, filled with what only the database knows). PL/pgSQL, because in READ COMMITTED each statement in it takes a new snapshot: the head is read after the
lock is granted (see audit.0005), and items a concurrent batch committed are seen after the upsert waited for it.
One round trip per batch instead of nine: the serving thread never waits for the interpreter's lock between
statements while holding the chain's lock.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION hitl_predictions_store(
    p_generation bigint, p_project bigint, p_actor integer, p_version bigint, p_tokens bigint[], p_rows jsonb,
    p_lock_key bigint, p_events jsonb)
RETURNS TABLE(pos integer, prediction_id bigint, item_id bigint) AS $$
DECLARE
    v_now timestamptz := now();
    v_n integer := jsonb_array_length(p_rows);
    v_items bigint[];
    v_ids bigint[];
    v_created integer;
BEGIN
    IF (SELECT value FROM core_servinggeneration WHERE id = 1) IS DISTINCT FROM p_generation THEN
        RAISE EXCEPTION 'the serving generation moved' USING ERRCODE = 'HL001';
    END IF;
    IF cardinality(p_tokens) > 0 THEN
        UPDATE accounts_apitoken SET last_used_at = v_now WHERE id = ANY(p_tokens);
    END IF;

    v_ids := ARRAY(SELECT nextval(pg_get_serial_sequence('predictions_prediction', 'id'))
                   FROM generate_series(1, v_n));
    -- Each distinct text once, in hash order (concurrent batches lock the same items in the same order): a new
    -- one is inserted already pointing at its newest prediction, a known one has its pointer moved (GREATEST
    -- keeps it monotonic whichever batch commits last). The pointer's foreign key is checked at commit.
    WITH src AS (
        SELECT r.v->>0 AS h, (array_agg(r.v->>1))[1] AS t, max(v_ids[r.ord]) AS newest
        FROM jsonb_array_elements(p_rows) WITH ORDINALITY r(v, ord) GROUP BY 1
    ), up AS (
        INSERT INTO items_item AS x (project_id, text, content_hash, label, boxes, storage_key, file_name,
                                     content_type, width, height, split, subject_ref, source, created_at,
                                     created_by_id, erased_at, latest_prediction_id)
        SELECT p_project, src.t, src.h, NULL, NULL, '', '', '', NULL, NULL, 'pool', '', 'predict', v_now, p_actor,
               NULL, src.newest
        FROM src ORDER BY src.h
        ON CONFLICT (project_id, content_hash) DO UPDATE
            SET latest_prediction_id = GREATEST(COALESCE(x.latest_prediction_id, 0), EXCLUDED.latest_prediction_id)
        RETURNING x.id, x.content_hash, x.xmax = 0 AS inserted
    )
    SELECT (SELECT array_agg(up.id ORDER BY r.ord)
            FROM jsonb_array_elements(p_rows) WITH ORDINALITY r(v, ord) JOIN up ON up.content_hash = r.v->>0),
           (SELECT count(*) FROM up WHERE up.inserted)
    INTO v_items, v_created;
    IF cardinality(v_items) IS DISTINCT FROM v_n THEN
        RAISE EXCEPTION 'an item changed while its text was being predicted' USING ERRCODE = 'HL002';
    END IF;

    INSERT INTO predictions_prediction (id, label, confidence, probabilities, boxes, latency_ms, batch_size,
                                        request_id, created_at, actor_id, item_id, model_version_id, project_id,
                                        batch_id)
    SELECT v_ids[r.ord], r.v->>2, (r.v->>3)::float8, r.v->4, NULL, (r.v->>5)::float8, (r.v->>6)::integer, r.v->>7,
           v_now, p_actor, v_items[r.ord], p_version, p_project, NULL
    FROM jsonb_array_elements(p_rows) WITH ORDINALITY r(v, ord);

    PERFORM hitl_audit_append_filled(p_lock_key, p_events, v_ids, v_created);  -- audit.0006
    RETURN QUERY SELECT o - 1, v_ids[o], v_items[o] FROM generate_series(1, v_n) o;
END
$$ LANGUAGE plpgsql VOLATILE
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS hitl_predictions_store(bigint, bigint, integer, bigint, "
                              "bigint[], jsonb, bigint, jsonb)")


class Migration(migrations.Migration):
    dependencies = [("predictions", "0003_fewer_indexes"), ("audit", "0005_chain_head_function"),
                    ("core", "0002_serving_generation"), ("items", "0002_item_latest_prediction"),
                    ("accounts", "0002_api_tokens"), ("audit", "0006_append_filled_function")]
    operations = [migrations.RunPython(install, uninstall)]
