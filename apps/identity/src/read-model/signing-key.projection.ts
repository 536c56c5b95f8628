import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { KvValueOf, ReadModels } from '@app/contracts';
import { OutboxRelay, Projection, recordReadModelChange } from '@app/database';
import { SigningKey } from '../signing-keys/signing-key.entity';

type SigningKeyValue = KvValueOf<typeof ReadModels.signingKeys>;

/** Records, in the caller's transaction, that these keys were made, retired or removed. */
export const recordSigningKeyChange = (manager: EntityManager, ...kids: string[]): Promise<void> =>
  recordReadModelChange(manager, ReadModels.signingKeys, kids);

/**
 * The `signing-keys` read model: the public half of every key whose access tokens may still be
 * alive, so gateways verify them without asking. A removed key is a deleted entry.
 */
@Injectable()
export class SigningKeyProjection implements Projection<typeof ReadModels.signingKeys>, OnModuleInit {
  readonly contract = ReadModels.signingKeys;

  constructor(private readonly relay: OutboxRelay) {}

  onModuleInit(): void {
    this.relay.project(this);
  }

  async valueOf(manager: EntityManager, kid: string): Promise<SigningKeyValue | null> {
    const key = await manager.findOneBy(SigningKey, { kid });
    if (!key) return null;
    return {
      kid: key.kid,
      algorithm: 'EdDSA',
      publicKey: key.publicKey,
      activeFrom: key.activeFrom.toISOString(),
      retiredAt: key.retiredAt?.toISOString() ?? null,
    };
  }

  async allKeys(manager: EntityManager): Promise<string[]> {
    const keys = await manager.find(SigningKey, { select: { kid: true }, order: { kid: 'ASC' } });
    return keys.map((key) => key.kid);
  }
}
