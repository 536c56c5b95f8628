#!/usr/bin/env bash
# Everything secret a new deployment needs, made on the operator's machine, never in git or images:
#
#   npm run deploy:secrets -- --out deploy/secrets [--namespace label-studio] [--postgres-host postgres]
#                             [--postgres-port 5432] [--database-prefix ls] [--nats-port 4222]
#
# Writes into --out (a directory only its owner may enter):
#
#   nats/<app>.nk                 each app's NATS user seed (gateway, identity, invitations, profiles,
#                                 admin, and labeling for the labeling backend)
#   nats/public-keys.json         their public keys (not secret): NATS_PUBLIC_KEYS_FILE
#   nats/nats-server.conf         the server's configuration: public keys and the permissions generated
#                                 from the contracts, JetStream in /data, TLS for clients with the files below
#   tls/ca.crt, tls/ca.key        a private CA for the bus (ca.crt: NATS_TLS_CA_FILE; ca.key never leaves here)
#   tls/server.crt, server.key    the NATS server's certificate, signed by that CA, for the names
#                                 nats, localhost, 127.0.0.1, nats.<namespace>.svc[.cluster.local]
#                                 (--namespace: the Kubernetes namespace of the NATS Service)
#   postgres/postgres-password    PostgreSQL's superuser (only the database container uses it)
#   postgres/<service>-database-url   DATABASE_URL of identity, invitations and profiles: each its own
#                                 role (named like its database, <prefix>_<service>) and random password
#   secret-key                    identity's SECRET_KEY
#   s3/garage-rpc-secret          the object storage's (Garage) RPC secret: the garage container only
#   s3/garage-admin-token         its admin API token: garage and the one-shot storage-init only
#   s3/access-key-id, s3/secret-access-key   the apps' S3 key (GK + 24 hex digits, 64 hex digits):
#                                 storage-init imports it into Garage with read and write on the
#                                 avatars bucket only; profiles uses it (MINIO_ACCESS_KEY_FILE, ...)
#
# Nothing that exists is overwritten, so running it again is safe: it fills in what is missing and
# rewrites only nats-server.conf and public-keys.json (made from the seeds and the contracts; nothing
# secret). To rotate something, delete its file(s) and run this again (README.md, "Rotating credentials").
#
# Files the containers read are mode 0644 inside directories of mode 0700: Docker Compose bind-mounts
# each file on its own (uid/gid/mode of compose secrets are not applied to files), and the containers run
# as different users (apps 1000, PostgreSQL 999). The CA's and the server's private keys stay 0600.
set -euo pipefail
cd "$(dirname "$0")/.."

APPS=(gateway identity invitations profiles admin labeling)
SERVICES=(identity invitations profiles)
# Where docker-compose.yml and the Kubernetes overlay mount the server's files in the NATS container.
NATS_MOUNT=/run/secrets

usage() {
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

OUT=
NAMESPACE=label-studio
POSTGRES_HOST=postgres
POSTGRES_PORT=5432
DATABASE_PREFIX=ls
NATS_PORT=4222
CA_DAYS=3650
SERVER_DAYS=825
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case $1 in
    --out) OUT=$2 ;;
    --namespace) NAMESPACE=$2 ;;
    --postgres-host) POSTGRES_HOST=$2 ;;
    --postgres-port) POSTGRES_PORT=$2 ;;
    --database-prefix) DATABASE_PREFIX=$2 ;;
    --nats-port) NATS_PORT=$2 ;;
    *) usage ;;
  esac
  shift 2
done
[ -n "$OUT" ] || usage
[[ $NAMESPACE =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || { echo "--namespace: not a Kubernetes namespace name: $NAMESPACE" >&2; exit 2; }
[[ $POSTGRES_HOST =~ ^[A-Za-z0-9.-]+$ && $POSTGRES_PORT =~ ^[0-9]+$ && $NATS_PORT =~ ^[0-9]+$ ]] ||
  { echo "--postgres-host, --postgres-port, --nats-port: a host name and port numbers" >&2; exit 2; }
[[ $DATABASE_PREFIX =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "--database-prefix: letters, digits and _ only: $DATABASE_PREFIX" >&2; exit 2; }
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 1; }

umask 077
mkdir -p "$OUT/nats" "$OUT/tls" "$OUT/postgres" "$OUT/s3"
chmod 700 "$OUT" "$OUT/nats" "$OUT/tls" "$OUT/postgres" "$OUT/s3"

report() { printf '  %-8s %s\n' "$1" "$2"; }

# secret FILE COMMAND...: writes the command's output to FILE unless FILE exists.
secret() {
  local file=$1
  shift
  if [ -s "$file" ]; then
    report kept "$file"
  else
    "$@" >"$file.tmp"
    mv "$file.tmp" "$file"
    report wrote "$file"
  fi
  chmod 644 "$file"
}

echo "deploy secrets in $OUT"

# --- TLS for the bus: a private CA and the NATS server's certificate -------------------------------
tls=$OUT/tls
if [ -s "$tls/ca.crt" ] && [ -s "$tls/ca.key" ]; then
  report kept "$tls/ca.crt, $tls/ca.key"
else
  [ ! -e "$tls/server.crt" ] || { echo "$tls/ca.crt is missing but $tls/server.crt exists: delete tls/server.* too" >&2; exit 1; }
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$CA_DAYS" \
    -subj "/CN=label-studio-users NATS CA $(date -u +%Y-%m-%d)" \
    -addext basicConstraints=critical,CA:TRUE,pathlen:0 -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
  report wrote "$tls/ca.crt, $tls/ca.key"
fi
chmod 600 "$tls/ca.key"
chmod 644 "$tls/ca.crt"

if [ -s "$tls/server.crt" ] && [ -s "$tls/server.key" ]; then
  report kept "$tls/server.crt, $tls/server.key"
else
  sans="DNS:nats,DNS:localhost,IP:127.0.0.1,DNS:nats.$NAMESPACE.svc,DNS:nats.$NAMESPACE.svc.cluster.local"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=nats \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$SERVER_DAYS" -out "$tls/server.crt" \
    -extfile <(printf '%s\n' "subjectAltName=$sans" 'extendedKeyUsage=serverAuth' \
      'keyUsage=critical,digitalSignature' 'basicConstraints=critical,CA:FALSE') 2>/dev/null
  rm -f "$tls/server.csr"
  report wrote "$tls/server.crt, $tls/server.key ($sans)"
fi
chmod 600 "$tls/server.key"
chmod 644 "$tls/server.crt"
# A kept server certificate must still belong to the (possibly new) CA.
openssl verify -CAfile "$tls/ca.crt" "$tls/server.crt" >/dev/null 2>&1 ||
  { echo "$tls/server.crt is not signed by $tls/ca.crt: delete tls/server.* and run this again" >&2; exit 1; }

# --- NATS: one nkey per app, and the server configuration with only their public keys --------------
# The generator and the contracts it reads, compiled from this checkout into a scratch directory (so
# the permissions are those of the code being deployed, and dist/ is left alone).
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
npx --no-install swc libs/contracts scripts/nats-auth.ts -d "$build" --extensions .ts --ignore '**/*spec.ts' \
  --config-file .swcrc -q
nats_auth() { NODE_PATH=$PWD/node_modules node "$build/scripts/nats-auth.js" "$@"; }
existing=()
for app in "${APPS[@]}"; do [ -s "$OUT/nats/$app.nk" ] && existing+=("$app"); done
# Keeps the seeds that exist, makes the missing ones, and always rewrites public-keys.json and the
# configuration (they follow the seeds and the contracts).
nats_auth --out "$OUT/nats" --host 0.0.0.0 --port "$NATS_PORT" --store /data \
  --tls-cert "$NATS_MOUNT/nats-server.crt" --tls-key "$NATS_MOUNT/nats-server.key" >"$OUT/nats/.keys"
for app in "${APPS[@]}"; do
  seed=$OUT/nats/$app.nk
  if [[ " ${existing[*]} " == *" $app "* ]]; then
    report kept "$seed"
  else
    report wrote "$seed (public key $(awk -v a="$app" '$1 == a { print $2 }' "$OUT/nats/.keys"))"
  fi
  chmod 644 "$seed"
done
rm -f "$OUT/nats/.keys"
chmod 644 "$OUT/nats/public-keys.json" "$OUT/nats/nats-server.conf"
report wrote "$OUT/nats/public-keys.json, $OUT/nats/nats-server.conf (TLS, JetStream in /data, monitoring on 8222)"

# --- PostgreSQL: the superuser, and one role per service that owns only its own database -----------
random_hex() { openssl rand -hex 24; }
secret "$OUT/postgres/postgres-password" random_hex
for service in "${SERVICES[@]}"; do
  name=${DATABASE_PREFIX}_$service
  secret "$OUT/postgres/$service-database-url" \
    sh -c "printf 'postgres://%s:%s@%s:%s/%s\n' '$name' \"\$(openssl rand -hex 24)\" '$POSTGRES_HOST' '$POSTGRES_PORT' '$name'"
done

# --- identity's SECRET_KEY ---------------------------------------------------------------------------
secret "$OUT/secret-key" sh -c "openssl rand -base64 48 | tr -d '\n'; echo"

# --- object storage (Garage): its own secrets, and the apps' key --------------------------------------
secret "$OUT/s3/garage-rpc-secret" openssl rand -hex 32
secret "$OUT/s3/garage-admin-token" openssl rand -hex 32
secret "$OUT/s3/access-key-id" sh -c 'printf "GK%s\n" "$(openssl rand -hex 12)"'
secret "$OUT/s3/secret-access-key" openssl rand -hex 32

cat <<EOF

Next: docker compose (set SECRETS_DIR=$OUT in .env, then \`docker compose up -d --build\`), or
Kubernetes (k8s/README.md: \`kubectl create secret generic ... --from-file\` from these files).
Keep $OUT private and backed up (git ignores deploy/secrets/).
EOF
