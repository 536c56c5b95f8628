import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { ConnectionOptions, NatsConnection, nkeyAuthenticator } from '@nats-io/transport-node';
import { BusApp, inboxPrefix } from '@app/contracts';

/** How one app reaches the bus: as itself (its own nkey), over TLS where a CA is given. */
export interface BusSettings {
  app: BusApp;
  servers: string[];
  timeoutMs: number;
  /** The app's NATS user seed (`SU…`); only its public key is in the server's configuration. */
  seed: string;
  /** PEM CA bundle that signed the NATS server's certificate; set: the connection must be TLS. */
  tlsCaFile?: string;
  /** The apps' public nkeys, to check who signed an event (`NATS_PUBLIC_KEYS_FILE`). */
  publicKeys?: Partial<Record<BusApp, string>>;
  /** SIGTERM: how long requests in progress may take to finish before the app exits anyway. */
  shutdownGraceMs?: number;
}

/**
 * The options every connection of an app shares (its bus client and its message handlers): its
 * name, its nkey, its own reply inbox prefix (NATS lets it read no other app's replies) and TLS.
 */
export function natsConnectionOptions(settings: BusSettings): ConnectionOptions {
  return {
    servers: settings.servers,
    name: settings.app,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(settings.seed)),
    inboxPrefix: inboxPrefix(settings.app),
    ...(settings.tlsCaFile ? { tls: { ca: readFileSync(settings.tlsCaFile, 'utf8') } } : {}),
  };
}

/**
 * Credentials the server does not know never start to work: an app that NATS refuses stops at
 * once, naming the variable, instead of retrying forever behind a healthy-looking process.
 */
export function watchForAuthFailure(nc: NatsConnection, settings: BusSettings): void {
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error' && isAuthViolation(status.error)) authFailed(settings);
    }
  })();
}

/** NATS' answer to credentials it does not know (an error, or a status event's error). */
export function isAuthViolation(error: unknown): boolean {
  // An AuthorizationError whose message is the server's own words (`Authorization Violation`).
  return /Authorization Violation/i.test(String(error));
}

export function authFailed(settings: BusSettings): never {
  new Logger('Bus').fatal(
    `NATS refused the credentials of ${settings.app} (NATS_NKEY_SEED / NATS_NKEY_SEED_FILE): not a user the server knows`,
  );
  process.stderr.write(
    `NATS_NKEY_SEED: NATS refused the credentials of ${settings.app} at ${settings.servers.join(', ')}\n`,
  );
  process.exit(1);
}
