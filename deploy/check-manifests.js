#!/usr/bin/env node
// Checks rendered Kubernetes manifests (`kubectl kustomize DIR > FILE`) for what this project's
// deployment promises: hardened pods, probes on the health endpoints, resources, references that
// resolve (Services, HPAs, PDBs and NetworkPolicies select something; ConfigMaps exist), and
// credentials as files (each app only its own NATS seed; no credential in the environment or a
// ConfigMap; every *_FILE variable names a file one of the container's volumes provides).
//
//   node deploy/check-manifests.js rendered.yaml
//
// Uses js-yaml from the project's node_modules (a dev dependency of its tooling).
'use strict';
const { readFileSync } = require('node:fs');

let yaml;
try {
  yaml = require('js-yaml');
} catch {
  console.log('  check-manifests: js-yaml not installed (npm ci), structure not checked');
  process.exit(0);
}

const file = process.argv[2];
const docs = yaml.loadAll(readFileSync(file, 'utf8')).filter(Boolean);
const problems = [];
const problem = (obj, message) => problems.push(`${obj.kind}/${obj.metadata?.name}: ${message}`);

const byKind = (kind) => docs.filter((d) => d.kind === kind);
const workloads = [...byKind('Deployment'), ...byKind('StatefulSet'), ...byKind('Job')];
const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([key, value]) => (labels ?? {})[key] === value);
const selectedWorkloads = (selector) =>
  workloads.filter((w) => matches(selector, w.spec.template.metadata.labels));

const ours = (w) => w.spec.template.metadata.labels?.['app.kubernetes.io/part-of'] === 'label-studio-users';
const configMaps = new Set(byKind('ConfigMap').map((c) => c.metadata.name));
const secrets = new Set(byKind('Secret').map((s) => s.metadata.name));
const externalSecrets = new Set();

for (const w of workloads) {
  const pod = w.spec.template.spec;
  if (pod.securityContext?.runAsNonRoot !== true) problem(w, 'pod securityContext.runAsNonRoot is not true');
  if (pod.terminationGracePeriodSeconds === undefined) problem(w, 'no terminationGracePeriodSeconds');
  const mounted = new Set((pod.volumes ?? []).map((v) => v.name));
  for (const claim of w.spec.volumeClaimTemplates ?? []) mounted.add(claim.metadata.name);
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) problem(w, `${c.name}: allowPrivilegeEscalation is not false`);
    if (sc.readOnlyRootFilesystem !== true) problem(w, `${c.name}: readOnlyRootFilesystem is not true`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) problem(w, `${c.name}: capabilities do not drop ALL`);
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (!c.resources?.[kind]?.[resource]) problem(w, `${c.name}: no ${kind}.${resource}`);
      }
    }
    for (const m of c.volumeMounts ?? []) {
      if (!mounted.has(m.name)) problem(w, `${c.name}: mounts unknown volume ${m.name}`);
    }
    const portNames = new Set((c.ports ?? []).map((p) => p.name));
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const port = c[probe]?.httpGet?.port;
      if (typeof port === 'string' && !portNames.has(port)) problem(w, `${c.name}: ${probe} uses unknown port ${port}`);
    }
    if (ours(w) && w.metadata.name !== 'admin') {
      if (c.readinessProbe?.httpGet?.path !== '/health/ready') problem(w, `${c.name}: readiness probe is not /health/ready`);
      if (c.livenessProbe?.httpGet?.path !== '/health/live') problem(w, `${c.name}: liveness probe is not /health/live`);
    }
    for (const ref of c.envFrom ?? []) {
      if (ref.configMapRef && !configMaps.has(ref.configMapRef.name)) {
        problem(w, `${c.name}: ConfigMap ${ref.configMapRef.name} does not exist`);
      }
    }
    for (const env of c.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref && !secrets.has(ref.name)) externalSecrets.add(ref.name);
    }
  }
}

for (const s of byKind('Service')) {
  if (selectedWorkloads(s.spec.selector).length === 0) problem(s, 'selects no workload');
}
for (const p of byKind('PodDisruptionBudget')) {
  if (selectedWorkloads(p.spec.selector.matchLabels).length === 0) problem(p, 'selects no workload');
}
const deployments = new Set(byKind('Deployment').map((d) => d.metadata.name));
const scaled = new Set();
for (const h of byKind('HorizontalPodAutoscaler')) {
  const target = h.spec.scaleTargetRef;
  if (target.kind !== 'Deployment' || !deployments.has(target.name)) problem(h, `targets missing ${target.kind}/${target.name}`);
  if (!(h.spec.minReplicas <= h.spec.maxReplicas)) problem(h, 'minReplicas > maxReplicas');
  scaled.add(target.name);
}
for (const app of ['gateway', 'identity', 'invitations', 'profiles']) {
  if (!deployments.has(app)) problems.push(`Deployment/${app}: missing`);
  if (!scaled.has(app)) problems.push(`HorizontalPodAutoscaler for ${app}: missing`);
}
if (!deployments.has('admin')) problems.push('Deployment/admin: missing');

const policies = byKind('NetworkPolicy');
const defaultDeny = policies.find(
  (p) =>
    Object.keys(p.spec.podSelector ?? {}).length === 0 &&
    ['Ingress', 'Egress'].every((t) => p.spec.policyTypes?.includes(t)) &&
    !p.spec.ingress &&
    !p.spec.egress,
);
if (!defaultDeny) problems.push('NetworkPolicy: no default deny (podSelector {}, Ingress and Egress, no rules)');
for (const w of workloads) {
  const own = policies.filter(
    (p) => p !== defaultDeny && Object.keys(p.spec.podSelector?.matchLabels ?? {}).length > 0 &&
      matches(p.spec.podSelector.matchLabels, w.spec.template.metadata.labels),
  );
  if (own.length === 0) problem(w, 'no NetworkPolicy of its own');
}

// Credentials are files: each app mounts its own NATS seed (Secret <app>-nats-seed, no other app's),
// reaches NATS over TLS (NATS_TLS_CA_FILE) and gets no credential as an environment value or from a
// ConfigMap; every *_FILE variable names a file that one of its volumes provides.
const APPS = ['gateway', 'identity', 'invitations', 'profiles', 'admin'];
const SERVICES = ['identity', 'invitations', 'profiles'];
const CREDENTIALS = [
  'NATS_NKEY_SEED',
  'DATABASE_URL',
  'SECRET_KEY',
  'POSTGRES_PASSWORD',
  'MINIO_ACCESS_KEY',
  'MINIO_SECRET_KEY',
  'GARAGE_ADMIN_TOKEN',
];
const configMapData = new Map(byKind('ConfigMap').map((c) => [c.metadata.name, c.data ?? {}]));
for (const [name, data] of configMapData) {
  for (const key of Object.keys(data)) {
    if (CREDENTIALS.includes(key)) problems.push(`ConfigMap/${name}: holds the credential ${key}`);
  }
}
const externalConfigMaps = new Set();
/** The files a volume puts in its mount: null when any name may be there (no items listed). */
function volumeFiles(volume) {
  const sources = volume.projected?.sources ?? [
    ...(volume.secret ? [{ secret: { ...volume.secret, name: volume.secret.secretName } }] : []),
    ...(volume.configMap ? [{ configMap: volume.configMap }] : []),
  ];
  if (!sources.length) return null;
  const files = new Set();
  for (const source of sources) {
    const ref = source.secret ?? source.configMap;
    if (!ref) return null;
    if (source.secret && !secrets.has(ref.name)) externalSecrets.add(ref.name);
    if (source.configMap && !configMaps.has(ref.name)) externalConfigMaps.add(ref.name);
    if (!ref.items) return null;
    for (const item of ref.items) files.add(item.path);
  }
  return files;
}
for (const w of workloads) {
  const pod = w.spec.template.spec;
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  const seeds = [...volumes.values()].flatMap((v) =>
    (v.projected?.sources ?? (v.secret ? [{ secret: { name: v.secret.secretName } }] : []))
      .map((source) => source.secret?.name)
      .filter((name) => name?.endsWith('-nats-seed')),
  );
  const app = APPS.includes(w.metadata.name) && ours(w) ? w.metadata.name : undefined;
  if (app && !seeds.includes(`${app}-nats-seed`)) problem(w, `does not mount its own NATS seed (Secret ${app}-nats-seed)`);
  for (const seed of seeds) {
    if (seed !== `${app}-nats-seed`) problem(w, `mounts another app's NATS seed (Secret ${seed})`);
  }
  for (const c of pod.containers) {
    const env = {};
    for (const ref of c.envFrom ?? []) Object.assign(env, configMapData.get(ref.configMapRef?.name) ?? {});
    for (const e of c.env ?? []) env[e.name] = e.value ?? (e.valueFrom ? '(from a reference)' : '');
    for (const name of CREDENTIALS) {
      if (name in env && (app || ours(w) || w.kind === 'Job')) {
        problem(w, `${c.name}: ${name} is an environment value; give ${name}_FILE instead`);
      }
    }
    if (app) {
      for (const name of ['NATS_NKEY_SEED_FILE', 'NATS_TLS_CA_FILE']) {
        if (!env[name]) problem(w, `${c.name}: ${name} is not set`);
      }
      // Everyone but the operator's CLI checks who signed what it reads (events, read models).
      if (app !== 'admin' && !env.NATS_PUBLIC_KEYS_FILE) problem(w, `${c.name}: NATS_PUBLIC_KEYS_FILE is not set`);
      if (SERVICES.includes(app)) {
        for (const name of ['NATS_PUBLIC_KEYS_FILE', 'DATABASE_URL_FILE']) {
          if (!env[name]) problem(w, `${c.name}: ${name} is not set`);
        }
      }
    }
    for (const [name, path] of Object.entries(env)) {
      if (!name.endsWith('_FILE') || typeof path !== 'string' || !path.startsWith('/')) continue;
      const mount = (c.volumeMounts ?? []).find((m) => path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
      if (!mount) {
        problem(w, `${c.name}: ${name}=${path} is not in any of its volume mounts`);
        continue;
      }
      const files = volumes.has(mount.name) ? volumeFiles(volumes.get(mount.name)) : null;
      const file = path.slice(mount.mountPath.replace(/\/$/, '').length + 1);
      if (files && !files.has(file)) problem(w, `${c.name}: ${name}=${path}: volume ${mount.name} has no ${file}`);
    }
  }
  for (const v of volumes.values()) volumeFiles(v);
}

const placeholders = byKind('Secret').filter((s) => JSON.stringify(s.stringData ?? {}).includes('CHANGE-ME'));
const counts = {};
for (const d of docs) counts[d.kind] = (counts[d.kind] ?? 0) + 1;
if (placeholders.length) console.log(`  placeholder Secret(s) marked CHANGE-ME: ${placeholders.map((s) => s.metadata.name).join(', ')}`);
if (externalSecrets.size) console.log(`  Secret(s) expected to exist already (kubectl create secret): ${[...externalSecrets].sort().join(', ')}`);
if (externalConfigMaps.size) console.log(`  ConfigMap(s) expected to exist already (kubectl create configmap): ${[...externalConfigMaps].sort().join(', ')}`);
if (problems.length) {
  for (const p of problems) console.log(`  problem: ${p}`);
  process.exit(1);
}
console.log(
  `  ${docs.length} objects checked: hardened pods, probes, resources, selectors and references OK; ` +
    'each app mounts only its own NATS seed, uses TLS, and reads its credentials from files',
);
