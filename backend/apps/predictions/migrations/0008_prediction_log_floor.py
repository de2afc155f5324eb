"""The retention floor of prediction logs (AI Act Art. 19(1), 26(6)) in the database itself, on PostgreSQL: a DELETE
of a prediction younger than the floor is refused, whoever sends it (a script, psql, an ORM cascade), not only by
the purge code's own check (apps.privacy.log_retention).

The floor in days is the session setting `hitl.log_retention_floor_days`, else the value of
LOG_RETENTION_FLOOR_DAYS when this migration ran (183 by default). The purge sets it (SET LOCAL) to the running
configuration's floor; an operator who raises the floor sets it for every session with
`ALTER DATABASE hitl SET hitl.log_retention_floor_days = '365'`. A database owner can still lower it for a session,
as they can drop the trigger: this refuses mistakes and scripts, it is no defence against the owner. SQLite (the
embedded default) has no session settings: there the purge's own check is the floor.
"""
from django.conf import settings
from django.db import migrations

PG_SQL = """
CREATE OR REPLACE FUNCTION hitl_prediction_log_floor() RETURNS trigger AS $$
DECLARE
    v_days integer := COALESCE(NULLIF(current_setting('hitl.log_retention_floor_days', true), '')::integer,
                               {default_days});
BEGIN
    IF OLD.created_at > now() - make_interval(days => v_days) THEN
        RAISE EXCEPTION 'prediction % is younger than the log retention floor of % days: its deletion is refused '
                        '(AI Act Art. 19 and 26(6); purge older logs with manage.py logs_purge)', OLD.id, v_days
            USING ERRCODE = 'HL004';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS prediction_log_floor ON predictions_prediction;
CREATE TRIGGER prediction_log_floor BEFORE DELETE ON predictions_prediction
    FOR EACH ROW EXECUTE FUNCTION hitl_prediction_log_floor();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS prediction_log_floor ON predictions_prediction;
DROP FUNCTION IF EXISTS hitl_prediction_log_floor();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # no params: the '%' in RAISE stays literal
            cursor.execute(PG_SQL.replace("{default_days}", str(int(settings.LOG_RETENTION_FLOOR_DAYS))))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("predictions", "0007_prediction_margin_entropy")]
    operations = [migrations.RunPython(forwards, backwards)]
