/**
 * NATS identities for the system: one nkey per app (and one for the labeling backend), and the
 * server configuration that knows only their public keys, each with the permissions generated
 * from the contracts (`natsPermissions`). Used by `npm run stack`, the tests, and — as the
 * command `npm run nats:credentials -- --out DIR` — by operators preparing a deployment.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUser, fromSeed } from '@nats-io/nkeys';
import {
  BUS_APPS,
  BUS_CONTRACTS,
  BusApp,
  BusContracts,
  natsPermissions,
  NatsPermissions,
} from '@app/contracts';

export interface AppCredential {
  app: BusApp;
  seed: string;
  publicKey: string;
  /** The file holding the seed (mode 0600): what `NATS_NKEY_SEED_FILE` names. */
  seedFile: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The seed file of one app: `<dir>/<app>.nk`. */
export const seedFileOf = (dir: string, app: string): string => join(dir, `${app}.nk`);

/** `<dir>/public-keys.json`: every app's public nkey (not secret), what NATS_PUBLIC_KEYS_FILE names. */
export const publicKeysFileOf = (dir: string): string => join(dir, 'public-keys.json');

/**
 * Reads each app's seed from `dir`, creating the ones that are missing (existing ones are kept),
 * and writes `public-keys.json` beside them.
 */
export function ensureCredentials(dir: string, apps: readonly string[] = BUS_APPS): AppCredential[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const credentials = apps.map((app) => {
    const seedFile = seedFileOf(dir, app);
    if (!existsSync(seedFile)) {
      const seed = decoder.decode(createUser().getSeed());
      writeFileSync(seedFile, `${seed}\n`, { mode: 0o600 });
    }
    chmodSync(seedFile, 0o600);
    const seed = readFileSync(seedFile, 'utf8').trim();
    const publicKey = fromSeed(encoder.encode(seed)).getPublicKey();
    return { app: app as BusApp, seed, publicKey, seedFile };
  });
  const publicKeys = Object.fromEntries(credentials.map((c) => [c.app, c.publicKey]));
  writeFileSync(publicKeysFileOf(dir), `${JSON.stringify(publicKeys, null, 2)}\n`);
  return credentials;
}

export interface ServerConfigOptions {
  host: string;
  port: number;
  storeDir: string;
  /** Each user's public key and permissions. */
  users: Array<{ publicKey: string; permissions: NatsPermissions }>;
  /** Client TLS: the server's certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
  /** Where the server writes its log (the stack's file); default: standard error. */
  logFile?: string;
  /** Health endpoint for probes (`/healthz`). */
  monitorPort?: number;
}

const quote = (value: string): string => JSON.stringify(value);
const list = (values: string[]): string => `[${values.map(quote).join(', ')}]`;

/** A nats-server configuration: no anonymous clients, every user limited to its permissions. */
export function serverConfig(options: ServerConfigOptions): string {
  const users = options.users.map(
    ({ publicKey, permissions }) =>
      `    {\n      nkey: ${quote(publicKey)}\n      permissions: {\n` +
      `        publish: { allow: ${list(permissions.publish)} }\n` +
      `        subscribe: { allow: ${list(permissions.subscribe)} }\n` +
      (permissions.allowResponses ? `        allow_responses: true\n` : '') +
      `      }\n    }`,
  );
  return [
    '# Generated from libs/contracts (natsPermissions): edit the contracts, not this file.',
    `host: ${quote(options.host)}`,
    `port: ${options.port}`,
    ...(options.monitorPort ? [`http_port: ${options.monitorPort}`] : []),
    ...(options.logFile ? [`log_file: ${quote(options.logFile)}`] : []),
    `jetstream { store_dir: ${quote(options.storeDir)} }`,
    ...(options.tls
      ? [`tls { cert_file: ${quote(options.tls.certFile)}, key_file: ${quote(options.tls.keyFile)} }`]
      : []),
    'authorization {',
    '  users = [',
    users.join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

/** The users block for every app's credential, permissions from `contracts`. */
export function usersOf(
  credentials: AppCredential[],
  contracts: BusContracts = BUS_CONTRACTS,
): ServerConfigOptions['users'] {
  return credentials.map((c) => ({ publicKey: c.publicKey, permissions: natsPermissions(c.app, contracts) }));
}

function usage(): never {
  process.stderr.write(
    [
      'usage: npm run nats:credentials -- --out DIR [--host 0.0.0.0] [--port 4222] [--store /data/jetstream]',
      '                                   [--tls-cert FILE --tls-key FILE]',
      '',
      'Writes one seed per app (DIR/<app>.nk, kept if present) and DIR/nats-server.conf, which',
      'holds only their public keys and the permissions generated from the contracts.',
      '',
    ].join('\n'),
  );
  process.exit(2);
}

/** `npm run nats:credentials -- --out DIR`: credentials and server configuration for a deployment. */
function main(argv: string[]): void {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i]?.startsWith('--') || argv[i + 1] === undefined) usage();
    args.set(argv[i].slice(2), argv[i + 1]);
  }
  const out = args.get('out') ?? usage();
  const credentials = ensureCredentials(out);
  const certFile = args.get('tls-cert');
  const keyFile = args.get('tls-key');
  if (!!certFile !== !!keyFile) usage();
  writeFileSync(
    join(out, 'nats-server.conf'),
    serverConfig({
      host: args.get('host') ?? '0.0.0.0',
      port: Number(args.get('port') ?? 4222),
      storeDir: args.get('store') ?? '/data/jetstream',
      monitorPort: 8222,
      users: usersOf(credentials),
      ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
    }),
  );
  for (const c of credentials) process.stdout.write(`${c.app.padEnd(12)} ${c.publicKey}  ${c.seedFile}\n`);
  process.stdout.write(`public keys  ${publicKeysFileOf(out)}\n`);
  process.stdout.write(`server       ${join(out, 'nats-server.conf')}\n`);
}

if (require.main === module) main(process.argv.slice(2));
