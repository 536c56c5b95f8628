import { KeyObject, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import { SigningKeyRotationReply } from '@app/contracts';
import { OutboxRelay } from '@app/database';
import { generateSigningKey, privateKeyFromDer } from '@app/jwt';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';
import { recordSigningKeyChange } from '../read-model/signing-key.projection';
import { SigningKeyCipher } from './signing-key.cipher';
import { SigningKey } from './signing-key.entity';

/**
 * A new key is published at once but signs only this much later, so every gateway has its public
 * half before the first token it signs arrives (the read model reaches them in milliseconds).
 */
export const KEY_ACTIVATION_DELAY_MS = 5_000;
/** Clock skew allowed between identity and the gateways. */
export const CLOCK_SKEW_MS = 60_000;
const MAINTENANCE_INTERVAL_MS = 60_000;
const DAY_MS = 24 * 60 * 60_000;

export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * The keys that sign access tokens. Identity alone holds the private halves (encrypted at rest);
 * gateways get the public halves through the `signing-keys` read model. Rotation never breaks a
 * token: the new key is published before it signs, and the old one keeps verifying the tokens it
 * signed until they have expired, then it is deleted (private half included).
 */
@Injectable()
export class SigningKeys implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SigningKeys');
  private readonly opened = new Map<string, KeyObject>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: SigningKeyCipher,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The database may be down at start-up: the first refresh makes the key then.
    await this.ensureKey().catch((error: unknown) =>
      this.logger.warn(`No signing key yet (${String(error)}); made on first use`),
    );
    this.timer = setInterval(() => void this.maintain(), MAINTENANCE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The key to sign with now: the newest that is active (the first key ever is active at once). */
  async current(): Promise<ActiveSigningKey> {
    const manager = this.dataSource.manager;
    const key =
      (await manager.findOne(SigningKey, {
        where: { activeFrom: LessThanOrEqual(new Date()) },
        order: { activeFrom: 'DESC' },
      })) ?? (await this.ensureKey());
    let privateKey = this.opened.get(key.kid);
    if (!privateKey) {
      privateKey = privateKeyFromDer(this.cipher.open(key.privateKeyCiphertext, key.kid));
      this.opened.set(key.kid, privateKey);
    }
    return { kid: key.kid, privateKey };
  }

  /** Makes the first key when there is none; replicas starting together make only one. */
  async ensureKey(): Promise<SigningKey> {
    const key = await this.dataSource.transaction(async (manager) => {
      await this.lock(manager);
      const existing = await manager.findOne(SigningKey, { where: {}, order: { activeFrom: 'DESC' } });
      return existing ?? this.create(manager, new Date());
    });
    this.relay.kick();
    return key;
  }

  /** A new key, active after KEY_ACTIVATION_DELAY_MS; the keys in use are retired from that moment. */
  async rotate(actor: 'admin' | undefined): Promise<SigningKeyRotationReply> {
    return (await this.rotateUnless(actor, () => false))!;
  }

  /** Rotates unless the newest key is newer than `cutoff` (replicas deciding at once make one key). */
  private rotateIfOlderThan(cutoff: Date): Promise<SigningKeyRotationReply | null> {
    return this.rotateUnless(undefined, (newest) => newest !== null && newest.activeFrom > cutoff);
  }

  private async rotateUnless(
    actor: 'admin' | undefined,
    skip: (newest: SigningKey | null) => boolean,
  ): Promise<SigningKeyRotationReply | null> {
    const reply = await this.dataSource.transaction(async (manager) => {
      await this.lock(manager);
      if (skip(await manager.findOne(SigningKey, { where: {}, order: { activeFrom: 'DESC' } }))) return null;
      const activeFrom = new Date(Date.now() + KEY_ACTIVATION_DELAY_MS);
      const retiring = await manager.find(SigningKey, { where: { retiredAt: IsNull() } });
      if (retiring.length) {
        await manager.update(
          SigningKey,
          retiring.map((key) => key.kid),
          { retiredAt: activeFrom },
        );
        await recordSigningKeyChange(manager, ...retiring.map((key) => key.kid));
      }
      const key = await this.create(manager, activeFrom);
      await this.audit.record(
        {
          action: 'signing-key.rotate',
          actor,
          details: { kid: key.kid, retired: retiring.map((k) => k.kid).join(',') },
        },
        manager,
      );
      return { kid: key.kid, activeFrom: activeFrom.toISOString(), retired: retiring.map((k) => k.kid) };
    });
    if (!reply) return null;
    this.relay.kick();
    this.logger.log(`New signing key ${reply.kid}, active from ${reply.activeFrom}`);
    return reply;
  }

  /**
   * Scheduled: rotates a key older than JWT_SIGNING_KEY_ROTATION_DAYS, and deletes retired keys
   * once every access token they signed has expired. Safe on every replica (under the key lock).
   */
  async maintain(): Promise<void> {
    try {
      const rotationDays = this.config.JWT_SIGNING_KEY_ROTATION_DAYS;
      if (rotationDays > 0) await this.rotateIfOlderThan(new Date(Date.now() - rotationDays * DAY_MS));
      const removed = await this.dataSource.transaction(async (manager) => {
        await this.lock(manager);
        const horizon = new Date(
          Date.now() - this.config.JWT_ACCESS_TOKEN_LIFETIME_SECONDS * 1000 - CLOCK_SKEW_MS,
        );
        const expired = await manager.find(SigningKey, { where: { retiredAt: LessThan(horizon) } });
        if (expired.length === 0) return [];
        await manager.delete(
          SigningKey,
          expired.map((key) => key.kid),
        );
        await recordSigningKeyChange(manager, ...expired.map((key) => key.kid));
        return expired.map((key) => key.kid);
      });
      for (const kid of removed) this.opened.delete(kid);
      if (removed.length) {
        this.relay.kick();
        this.logger.log(`Removed retired signing keys ${removed.join(', ')}`);
      }
    } catch (error) {
      this.logger.warn(`Signing key maintenance failed: ${String(error)}`);
    }
  }

  private async create(manager: EntityManager, activeFrom: Date): Promise<SigningKey> {
    const kid = randomBytes(8).toString('hex');
    const { publicKey, privateKey } = generateSigningKey();
    const key = manager.create(SigningKey, {
      kid,
      publicKey,
      privateKeyCiphertext: this.cipher.seal(privateKey, kid),
      activeFrom,
      retiredAt: null,
    });
    await manager.insert(SigningKey, key);
    await recordSigningKeyChange(manager, kid);
    return key;
  }

  private async lock(manager: EntityManager): Promise<void> {
    await manager.query("SELECT pg_advisory_xact_lock(hashtext('identity:signing-keys'))");
  }
}
