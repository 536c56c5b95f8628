import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { BUS_APPS, BusApp } from '@app/contracts';

const decoder = new TextDecoder();

/** A fresh NATS user seed (`SU…`), as `nats-credentials` writes them. */
export const newUserSeed = (): string => decoder.decode(createUser().getSeed());

export interface ConfigTestBus {
  /** NATS_NKEY_SEED and NATS_PUBLIC_KEYS_FILE, valid. */
  env: Record<string, string>;
  seed: string;
  publicKeys: Record<BusApp, string>;
  publicKeysFile: string;
  /** A JSON file that maps an app to something that is not a public nkey. */
  invalidPublicKeysFile: string;
  dispose(): void;
}

/**
 * What a configuration test needs for the bus: the app's own seed, and a `public-keys.json` (in a
 * directory of its own) naming a public key for every app. Call `dispose()` after the suite.
 */
export function configTestBus(): ConfigTestBus {
  const directory = mkdtempSync(join(tmpdir(), 'config-test-'));
  const publicKeys = Object.fromEntries(BUS_APPS.map((app) => [app, createUser().getPublicKey()])) as Record<
    BusApp,
    string
  >;
  const publicKeysFile = join(directory, 'public-keys.json');
  writeFileSync(publicKeysFile, JSON.stringify(publicKeys));
  const invalidPublicKeysFile = join(directory, 'invalid-public-keys.json');
  writeFileSync(invalidPublicKeysFile, JSON.stringify({ ...publicKeys, identity: 'not-a-public-key' }));
  const seed = newUserSeed();
  return {
    env: { NATS_NKEY_SEED: seed, NATS_PUBLIC_KEYS_FILE: publicKeysFile },
    seed,
    publicKeys,
    publicKeysFile,
    invalidPublicKeysFile,
    dispose: () => rmSync(directory, { recursive: true, force: true }),
  };
}
