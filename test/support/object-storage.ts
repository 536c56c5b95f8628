import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStorage } from '../../scripts/local-object-storage';
import { ContainerObjectStorage, containersInUse, TestObjectStorage } from './containers';

export type { TestObjectStorage } from './containers';

/** s3rver in this process, data in a directory of its own. */
class LocalTestStorage implements TestObjectStorage {
  private constructor(
    private readonly storage: LocalObjectStorage,
    private readonly directory: string,
  ) {}

  static async start(): Promise<LocalTestStorage> {
    const directory = mkdtempSync(join(tmpdir(), 'ls-s3-'));
    return new LocalTestStorage(await LocalObjectStorage.start(directory), directory);
  }

  env(): Record<string, string> {
    return { ...this.storage.env(), MINIO_REGION: 'us-east-1' };
  }

  stop(): Promise<void> {
    return this.storage.stop();
  }

  resume(): Promise<void> {
    return this.storage.resume();
  }

  async wipe(): Promise<void> {
    await this.storage.stop();
    rmSync(this.directory, { recursive: true, force: true });
    mkdirSync(this.directory, { recursive: true });
    await this.storage.resume();
  }

  async dispose(): Promise<void> {
    await this.storage.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/**
 * An S3 server of the suite's own: in a container when the run uses containers (see
 * test/support/containers.ts), otherwise s3rver in this process.
 */
export function startTestStorage(): Promise<TestObjectStorage> {
  return containersInUse() ? ContainerObjectStorage.start() : LocalTestStorage.start();
}
