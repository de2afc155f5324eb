"""The audit table stays append-only except for one thing: events at or below the highest checkpoint's through_seq
may be deleted (the log purge past the retention floor, apps.audit.purge). UPDATE and TRUNCATE stay refused; the
checkpoint table itself refuses UPDATE and DELETE, so no row can lower or move the anchor. PostgreSQL and SQLite."""
from django.db import migrations

PG_SQL = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN  -- nested: OLD exists only for row-level DELETE, never for TRUNCATE
        IF OLD.seq <= (SELECT max(through_seq) FROM audit_auditcheckpoint) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION audit_checkpoint_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditcheckpoint is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_checkpoint_no_change ON audit_auditcheckpoint;
CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE ON audit_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only();
DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON audit_auditcheckpoint;
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_auditcheckpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoint_append_only();
"""
PG_REVERSE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_checkpoint_no_change ON audit_auditcheckpoint;
DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON audit_auditcheckpoint;
DROP FUNCTION IF EXISTS audit_checkpoint_append_only();
"""
SQLITE_SQL = [
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       WHEN OLD.seq > (SELECT coalesce(max(through_seq), 0) FROM audit_auditcheckpoint)
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_update BEFORE UPDATE ON audit_auditcheckpoint
       BEGIN SELECT RAISE(ABORT, 'audit_auditcheckpoint is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_delete BEFORE DELETE ON audit_auditcheckpoint
       BEGIN SELECT RAISE(ABORT, 'audit_auditcheckpoint is append-only: DELETE refused'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_checkpoint_no_update;",
    "DROP TRIGGER IF EXISTS audit_checkpoint_no_delete;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE refused'); END;""",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # no params: the '%' in RAISE stays literal
            cursor.execute(PG_SQL)
    elif vendor == "sqlite":
        for statement in SQLITE_SQL:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_audit_checkpoint")]
    operations = [migrations.RunPython(forwards, backwards)]
