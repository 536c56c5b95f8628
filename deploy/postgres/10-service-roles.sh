#!/usr/bin/env bash
# One PostgreSQL role per service, each owning only its own database (no superuser, no CREATEDB, no
# access to the other services' databases), from the services' DATABASE_URLs:
#
#   postgres://<role>:<password>@<host>:<port>/<database>     (npm run deploy:secrets writes them)
#
# Run by the official postgres image on its first start (/docker-entrypoint-initdb.d): docker-compose.yml
# mounts it and the URL files (secrets *-database-url in /run/secrets); the Kubernetes single-node
# overlay mounts it from the ConfigMap postgres-init and the URLs from the Secret. Safe to run again,
# for example on a volume made before the services had roles of their own:
#
#   docker compose exec postgres /docker-entrypoint-initdb.d/10-service-roles.sh
#
# It then also sets each role's password to the one in its URL (rotation: README.md) and hands the
# existing tables, views, sequences and types of the database's public schema to the role.
#
# Environment: DATABASE_URLS_DIR (default /run/secrets: every *-database-url file there), POSTGRES_USER
# (the superuser, default postgres) and psql's own PGHOST, PGPORT, PGPASSWORD.

# A function running in a subshell: the image's entrypoint sources scripts that are not executable,
# and none of this script's shell options must leak into it.
service_roles() (
  set -euo pipefail
  local dir=${DATABASE_URLS_DIR:-/run/secrets} file url found=0
  # Passwords in the URL must need no escaping (deploy:secrets makes hex ones).
  local pattern='^postgres(ql)?://([a-z_][a-z0-9_]*):([A-Za-z0-9._~-]+)@[^/]+/([A-Za-z0-9_]+)$'
  for file in "$dir"/*-database-url; do
    [ -f "$file" ] || continue
    url=$(<"$file")
    if [[ ! $url =~ $pattern ]]; then
      echo "service-roles: $file is not postgres://<role>:<password>@<host>/<database> (role: a-z 0-9 _, password: letters, digits, . _ ~ -)" >&2
      return 1
    fi
    service_role_apply "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" "${BASH_REMATCH[4]}"
    found=$((found + 1))
  done
  [ "$found" -gt 0 ] || { echo "service-roles: no *-database-url files in $dir" >&2; return 1; }
)

# service_role_apply ROLE PASSWORD DATABASE: the SQL reads them as psql variables (the password from stdin, not argv).
service_role_apply() {
  local role=$1 password=$2 database=$3
  psql -v ON_ERROR_STOP=1 -X -q --no-password --username "${POSTGRES_USER:-postgres}" --dbname postgres <<SQL
\set role '$role'
\set password '$password'
\set database '$database'
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
ALTER DATABASE :"database" OWNER TO :"role";
-- Only the owner (and the superuser) may connect: no service reaches another one's data.
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
\connect :"database"
SELECT set_config('service_roles.owner', :'role', false) \gset
DO \$\$
DECLARE
  owner text := current_setting('service_roles.owner');
  item record;
BEGIN
  FOR item IN
    SELECT c.oid::regclass AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
       AND pg_get_userbyid(c.relowner) <> owner
       -- sequences of identity/serial columns follow their table
       AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', item.kind, item.name, owner);
  END LOOP;
  FOR item IN
    SELECT t.oid::regtype AS name, CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END AS kind
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND pg_get_userbyid(t.typowner) <> owner
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', item.kind, item.name, owner);
  END LOOP;
END
\$\$;
SQL
  echo "service-roles: role $role owns database $database"
}

service_roles
