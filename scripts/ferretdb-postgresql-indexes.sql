-- Indexes that FerretDB 1.x on PostgreSQL can use for MongoStore's hot queries.
--
--   psql "postgres://…/<FerretDB's database>" -v prefix=auth_ -f scripts/ferretdb-postgresql-indexes.sql
--
-- Run it once MongoStore.init() has created the collections (again after a collection is
-- dropped), then restart FerretDB (or start it with `?plan_cache_mode=force_custom_plan` in
-- its --postgresql-url) so that its connections pick up the setting below.
--
-- Why: FerretDB 1.24 stores each document as one jsonb column `_jsonb` and turns an equality
-- filter on a top-level field into `WHERE _jsonb->$1 @> $2` (jsonb containment; the field name
-- is a parameter of a prepared statement). The indexes it creates for createIndex, `_id`'s
-- included, are btree indexes on `(_jsonb->'field')`; btree has no `@>` operator, so no filter
-- can use them and every find, findAndModify, update and delete starts with a sequential scan
-- (only its final write by `_id`, `WHERE _jsonb->'_id' = $2`, uses the `_id` btree). A GIN
-- index on the same expression does serve `@>`, but only in a plan made for the actual
-- field name: the generic plan PostgreSQL switches prepared statements to after five
-- executions reads `_jsonb->$1`, which matches no index expression. Hence
-- `plan_cache_mode = force_custom_plan` for FerretDB's database.
--
-- Each MongoDB database is a PostgreSQL schema holding `_ferretdb_database_metadata`, which
-- maps collection names to table names; every schema of the current database is covered.
-- Dot-notation filters (`email.address`) are not pushed down by FerretDB 1.x at all (the
-- whole collection is read and filtered by FerretDB), so no index can help them.

\if :{?prefix}
\else
  \set prefix auth_
\endif
SELECT set_config('ferretdb_indexes.prefix', :'prefix', false) \gset

DO $$
DECLARE
  prefix text := current_setting('ferretdb_indexes.prefix');
  -- collection (without the prefix) → the top-level fields MongoStore finds documents by
  wanted jsonb := '{
    "users": ["_id"],
    "identities": ["_id", "userId"],
    "sessions": ["_id", "userId"],
    "userpass": ["_id", "identityId"],
    "api_keys": ["_id", "keyHash", "userId"],
    "tokens": ["_id", "subject"]
  }';
  meta record;
  field text;
  tbl text;
BEGIN
  EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_custom_plan', current_database());
  FOR meta IN
    SELECT n.nspname AS schema_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relname = '_ferretdb_database_metadata' AND c.relkind = 'r'
  LOOP
    FOR field, tbl IN
      EXECUTE format(
        $q$SELECT f.value, m._jsonb->>'table'
           FROM %I._ferretdb_database_metadata m,
                jsonb_array_elements_text($1 -> substr(m._jsonb->>'_id', length($2) + 1)) AS f(value)
           WHERE starts_with(m._jsonb->>'_id', $2)$q$,
        meta.schema_name)
      USING wanted, prefix
    LOOP
      EXECUTE format(
        'CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb -> %L) jsonb_path_ops)',
        left(tbl || '_' || lower(field) || '_gin', 63), meta.schema_name, tbl, field);
      EXECUTE format('ANALYZE %I.%I', meta.schema_name, tbl);
    END LOOP;
  END LOOP;
END
$$;
