import { randomUUID } from 'node:crypto';
import { ObjectStore, Objm, StorageType } from '@nats-io/obj';
import { NatsConnection, nanos } from '@nats-io/transport-node';

export interface UploadBucket {
  bucket: string;
  ttlSeconds: number;
}

/**
 * Bytes too large for one bus message (an avatar may be 1 MiB; a NATS message defaults to 1 MB),
 * handed from one service to another through a JetStream object store: the sender puts them under
 * a fresh name and sends the name; the receiver takes them (read, then delete). Anything nobody
 * takes expires after the bucket's TTL.
 */
export class UploadStore {
  private store: Promise<ObjectStore> | null = null;

  constructor(
    private readonly connection: () => Promise<NatsConnection>,
    private readonly spec: UploadBucket,
  ) {}

  async put(data: Uint8Array): Promise<string> {
    const name = randomUUID();
    await (await this.open()).putBlob({ name }, data);
    return name;
  }

  /** The bytes stored under `name`, removed from the store; null when there are none. */
  async take(name: string): Promise<Uint8Array | null> {
    const store = await this.open();
    const data = await store.getBlob(name);
    if (data !== null) await store.delete(name).catch(() => undefined);
    return data;
  }

  async discard(name: string): Promise<void> {
    await (await this.open()).delete(name).catch(() => undefined);
  }

  private open(): Promise<ObjectStore> {
    this.store ??= this.connection()
      .then((nc) =>
        new Objm(nc).create(this.spec.bucket, {
          ttl: nanos(this.spec.ttlSeconds * 1000),
          storage: StorageType.File,
        }),
      )
      .catch((error: unknown) => {
        this.store = null;
        throw error;
      });
    return this.store;
  }
}
