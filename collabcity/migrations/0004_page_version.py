"""The version of what public pages show, kept by PostgreSQL itself (see collabcity/page_cache.py).

Every statement that writes a tracked table adds a row to collabcity_pagechange, from a trigger
that collabcity.page_cache.install_triggers() puts on each table after every `migrate`. The
version is the number of rows ever added: those still in the log plus those compacted into
collabcity_pageversion. Writers only insert (no row lock shared between transactions, so no
waits and no deadlocks), and the rows become visible with the writer's commit, never before.

The tables are not Django models on purpose: `flush` must not empty them, or the version would
go back to a number some cached pages were stored under.
"""

from django.db import migrations

CREATE = """
-- Only counted: no key, hence no sequence, which (unlike the rows) would not roll back; and no
-- column, so the log keeps no time of any write.
CREATE TABLE collabcity_pagechange ();
CREATE TABLE collabcity_pageversion (
    id smallint PRIMARY KEY CHECK (id = 1),
    compacted bigint NOT NULL
);
INSERT INTO collabcity_pageversion (id, compacted) VALUES (1, 0);

CREATE FUNCTION collabcity_page_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO collabcity_pagechange DEFAULT VALUES;
    RETURN NULL;
END
$$;

-- One statement, hence one snapshot: a compaction is seen whole or not at all.
CREATE FUNCTION collabcity_page_version() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT v.compacted + (SELECT count(*) FROM collabcity_pagechange)
    FROM collabcity_pageversion v WHERE v.id = 1
$$;

-- Rows deleted and their number added in one transaction: the version does not move.
CREATE FUNCTION collabcity_compact_page_changes() RETURNS bigint LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM collabcity_pagechange RETURNING 1)
    UPDATE collabcity_pageversion SET compacted = compacted + (SELECT count(*) FROM gone)
    WHERE id = 1
    RETURNING compacted
$$;
"""

DROP = """
DROP FUNCTION collabcity_compact_page_changes();
DROP FUNCTION collabcity_page_version();
DROP FUNCTION collabcity_page_changed() CASCADE;
DROP TABLE collabcity_pageversion;
DROP TABLE collabcity_pagechange;
"""


def create(apps, schema_editor):
    # Pages are cached only on PostgreSQL: the embedded SQLite mode renders every page.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("collabcity", "0003_city_data_sources")]

    operations = [migrations.RunPython(create, drop)]
