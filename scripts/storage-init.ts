/**
 * One-shot set-up of the object storage (Garage) through its admin API v2: on a node without a
 * role, the single-node layout (assigned and applied once); the avatars bucket; and the apps' access
 * key, imported with the id and secret the deployment made, allowed to read and write that bucket
 * and nothing else (no owner rights, no bucket creation, no other bucket). Each step looks first
 * and changes only what is missing, so running it again changes nothing. Any failure ends the
 * process with a message and a non-zero exit.
 *
 *   node dist/scripts/storage-init.js
 *
 * Environment (a `*_FILE` variant reads the value from a file):
 *   GARAGE_ADMIN_URL        the admin API (http://garage:3903)
 *   GARAGE_ADMIN_TOKEN      its admin token (required)
 *   MINIO_BUCKET            the bucket (avatars)
 *   MINIO_ACCESS_KEY        the apps' key id: GK and 24 hex digits (required)
 *   MINIO_SECRET_KEY        its secret: 64 hex digits (required)
 *   GARAGE_ZONE, GARAGE_CAPACITY_BYTES   the node's role when the layout is made (dc1, 10 GB)
 *   STORAGE_INIT_TIMEOUT_SECONDS         how long to wait for Garage to answer and be healthy (120)
 */
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';

export interface StorageInitOptions {
  adminUrl: string;
  adminToken: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  zone?: string;
  capacityBytes?: number;
  timeoutMs?: number;
}

interface BucketPermissions {
  read?: boolean;
  write?: boolean;
  owner?: boolean;
}
interface KeyInfo {
  accessKeyId: string;
  secretAccessKey?: string | null;
  permissions: { createBucket?: boolean };
  buckets: Array<{ id: string; globalAliases: string[]; permissions: BucketPermissions }>;
}

/** An answer of the admin API other than the one expected. */
class AdminApiError extends Error {
  constructor(
    readonly status: number,
    operation: string,
    body: string,
  ) {
    super(`${operation}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

export const KEY_ID_FORMAT = /^GK[0-9a-f]{24}$/;
export const SECRET_FORMAT = /^[0-9a-f]{64}$/;

/** Brings Garage to the state described above; returns what it did, one line per step. */
export async function initStorage(options: StorageInitOptions, log: (line: string) => void = () => {}) {
  if (!KEY_ID_FORMAT.test(options.accessKeyId)) {
    throw new Error('MINIO_ACCESS_KEY must be GK followed by 24 hex digits (a Garage key id)');
  }
  if (!SECRET_FORMAT.test(options.secretAccessKey)) throw new Error('MINIO_SECRET_KEY must be 64 hex digits');
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const base = options.adminUrl.replace(/\/+$/, '');

  const call = async <T>(
    operation: string,
    query: Record<string, string> = {},
    body?: unknown,
  ): Promise<T> => {
    const url = `${base}/v2/${operation}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;
    const res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${options.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new AdminApiError(res.status, operation, text);
    return (text ? JSON.parse(text) : {}) as T;
  };
  const orNotFound = async <T>(request: Promise<T>): Promise<T | undefined> =>
    request.catch((error: unknown) => {
      if (error instanceof AdminApiError && error.status === 404) return undefined;
      throw error;
    });

  // 1. Garage answers (it may still be starting); a refused token is final.
  type Status = { layoutVersion: number; nodes: Array<{ id: string; isUp: boolean; role?: unknown }> };
  let status: Status;
  for (;;) {
    try {
      status = await call<Status>('GetClusterStatus');
      break;
    } catch (error) {
      if (error instanceof AdminApiError && (error.status === 401 || error.status === 403)) throw error;
      if (Date.now() > deadline)
        throw new Error(`Garage's admin API did not answer at ${base}: ${String(error)}`, { cause: error });
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  // 2. The layout: made once, for a single node; a cluster that has one is left alone.
  const layout = await call<{ version: number; roles: unknown[] }>('GetClusterLayout');
  if (layout.roles.length === 0) {
    if (status.nodes.length !== 1) {
      throw new Error(`the cluster has ${status.nodes.length} nodes and no layout: assign their roles first`);
    }
    const node = status.nodes[0];
    await call(
      'UpdateClusterLayout',
      {},
      {
        roles: [
          { id: node.id, zone: options.zone ?? 'dc1', capacity: options.capacityBytes ?? 10e9, tags: [] },
        ],
      },
    );
    await call('ApplyClusterLayout', {}, { version: layout.version + 1 });
    log(
      `layout: node ${node.id.slice(0, 16)} assigned (zone ${options.zone ?? 'dc1'}), version ${layout.version + 1} applied`,
    );
  } else {
    log(`layout: version ${layout.version}, ${layout.roles.length} node(s) with a role (kept)`);
  }
  for (;;) {
    const health = await call<{ status: string }>('GetClusterHealth');
    if (health.status === 'healthy') break;
    if (Date.now() > deadline) throw new Error(`the cluster is ${health.status}, not healthy`);
    await new Promise((r) => setTimeout(r, 1_000));
  }

  // 3. The bucket.
  let bucket = await orNotFound(call<{ id: string }>('GetBucketInfo', { globalAlias: options.bucket }));
  if (bucket) {
    log(`bucket ${options.bucket}: exists (kept)`);
  } else {
    bucket = await call<{ id: string }>('CreateBucket', {}, { globalAlias: options.bucket });
    log(`bucket ${options.bucket}: created`);
  }

  // 4. The key, with the deployment's own id and secret.
  const keyQuery = { id: options.accessKeyId, showSecretKey: 'true' };
  let key = await orNotFound(call<KeyInfo>('GetKeyInfo', keyQuery));
  if (key) {
    const stored = Buffer.from(key.secretAccessKey ?? '');
    const given = Buffer.from(options.secretAccessKey);
    if (stored.length !== given.length || !timingSafeEqual(stored, given)) {
      throw new Error(
        `key ${options.accessKeyId} exists with another secret: delete it in Garage or give its secret`,
      );
    }
    log(`key ${options.accessKeyId}: exists (kept)`);
  } else {
    await call(
      'ImportKey',
      {},
      {
        accessKeyId: options.accessKeyId,
        secretAccessKey: options.secretAccessKey,
        name: 'label-studio-users',
      },
    );
    log(`key ${options.accessKeyId}: imported`);
  }

  // 5. Least privilege: read and write on this bucket only.
  await call(
    'AllowBucketKey',
    {},
    {
      bucketId: bucket.id,
      accessKeyId: options.accessKeyId,
      permissions: { read: true, write: true, owner: false },
    },
  );
  key = await call<KeyInfo>('GetKeyInfo', { id: options.accessKeyId });
  if (key.permissions.createBucket) {
    await call('UpdateKey', { id: options.accessKeyId }, { deny: { createBucket: true } });
    log(`key ${options.accessKeyId}: may no longer create buckets`);
  }
  for (const other of key.buckets) {
    const extra = other.id === bucket.id ? { owner: true } : { read: true, write: true, owner: true };
    if (Object.keys(extra).some((p) => other.permissions[p as keyof BucketPermissions])) {
      await call(
        'DenyBucketKey',
        {},
        { bucketId: other.id, accessKeyId: options.accessKeyId, permissions: extra },
      );
      log(`key ${options.accessKeyId}: rights on bucket ${other.globalAliases[0] ?? other.id} removed`);
    }
  }

  // 6. What the key may do now, read back.
  key = await call<KeyInfo>('GetKeyInfo', { id: options.accessKeyId });
  const granted = key.buckets.filter((b) => b.permissions.read || b.permissions.write || b.permissions.owner);
  const ours = granted.find((b) => b.id === bucket.id);
  if (
    key.permissions.createBucket ||
    granted.length !== 1 ||
    !ours?.permissions.read ||
    !ours.permissions.write ||
    ours.permissions.owner
  ) {
    throw new Error(`key ${options.accessKeyId} does not have exactly read and write on ${options.bucket}`);
  }
  log(`ready: key ${options.accessKeyId} may read and write bucket ${options.bucket} and nothing else`);
}

function setting(env: NodeJS.ProcessEnv, name: string, fallback?: string): string {
  const file = env[`${name}_FILE`];
  const value = file ? readFileSync(file, 'utf8').trim() : env[name]?.trim() || fallback;
  if (!value) throw new Error(`${name} (or ${name}_FILE) is required`);
  return value;
}

async function main(): Promise<void> {
  const env = process.env;
  await initStorage(
    {
      adminUrl: setting(env, 'GARAGE_ADMIN_URL', 'http://garage:3903'),
      adminToken: setting(env, 'GARAGE_ADMIN_TOKEN'),
      bucket: setting(env, 'MINIO_BUCKET', 'avatars'),
      accessKeyId: setting(env, 'MINIO_ACCESS_KEY'),
      secretAccessKey: setting(env, 'MINIO_SECRET_KEY'),
      zone: setting(env, 'GARAGE_ZONE', 'dc1'),
      capacityBytes: Number(setting(env, 'GARAGE_CAPACITY_BYTES', '10000000000')),
      timeoutMs: Number(setting(env, 'STORAGE_INIT_TIMEOUT_SECONDS', '120')) * 1000,
    },
    (line) => console.log(`storage-init: ${line}`),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`storage-init: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
