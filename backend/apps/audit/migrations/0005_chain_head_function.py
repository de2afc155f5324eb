"""PostgreSQL: take the chain's append lock and read its head in one round trip (apps.audit.services._chain_head).

A PL/pgSQL function, because in READ COMMITTED every statement inside a volatile function takes a new snapshot: the
SELECT runs after the lock is granted and so sees the last event committed by whoever held it. (One plain statement
would read with a snapshot taken before it waited for the lock, and could fork the chain.)
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION hitl_audit_chain_head(lock_key bigint) RETURNS TABLE(seq bigint, hash varchar) AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT e.seq, e.hash FROM audit_auditevent e ORDER BY e.seq DESC LIMIT 1;
END
$$ LANGUAGE plpgsql VOLATILE
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS hitl_audit_chain_head(bigint)")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_auditor_scope_indexes")]
    operations = [migrations.RunPython(install, uninstall)]
