import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client } from 'minio';
import { AvatarFiles, ErrorCode } from '@app/contracts';
import { fail } from '@app/bus';
import { StorageConfig } from '../config';

export const STORAGE_CONFIG = Symbol('STORAGE_CONFIG');

/** Objects of avatars live under this prefix in the bucket. */
const PREFIX = 'avatars/';

/** An object that is not there: the one storage failure that is not an outage. */
const isMissing = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  ['NoSuchKey', 'NotFound'].includes((error as { code?: string }).code ?? '');

/**
 * Avatar objects in S3 (MinIO in deployments) through the `minio` client. Every call is bounded by
 * STORAGE_TIMEOUT_MS; an unreachable or failing store becomes UNAVAILABLE (503 at the gateway), so
 * avatars being down never stalls anything else. The bucket is created on first use, not at boot:
 * the service starts and serves profiles while storage is down.
 */
@Injectable()
export class AvatarStorage {
  private readonly logger = new Logger(AvatarStorage.name);
  private readonly client: Client;
  private bucketReady: Promise<void> | null = null;

  constructor(@Inject(STORAGE_CONFIG) private readonly config: StorageConfig) {
    this.client = new Client({
      endPoint: config.endPoint,
      port: config.port,
      useSSL: config.useSSL,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      // A fixed region: presigning then needs no round trip to the server.
      region: config.region,
    });
  }

  async put(file: string, data: Buffer, contentType: string): Promise<void> {
    await this.ensureBucket();
    try {
      await this.bounded('put', () =>
        this.client.putObject(this.config.bucket, PREFIX + file, data, data.length, {
          'Content-Type': contentType,
          'Cache-Control': 'public, max-age=86400',
        }),
      );
    } catch (error) {
      // Storage may have come back empty (a fresh MinIO volume): look for the bucket again next time.
      this.bucketReady = null;
      throw error;
    }
  }

  /** Removes the object; one that is already gone counts as removed. */
  async remove(file: string): Promise<void> {
    await this.bounded('remove', async () => {
      try {
        await this.client.removeObject(this.config.bucket, PREFIX + file);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    });
  }

  /** Size of the object, or null when it does not exist. */
  async size(file: string): Promise<number | null> {
    return this.bounded('stat', async () => {
      try {
        return (await this.client.statObject(this.config.bucket, PREFIX + file)).size;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    });
  }

  /** A URL the gateway may GET the object from for `seconds`. */
  async readUrl(file: string, seconds = 60): Promise<string> {
    return this.bounded('presign', () =>
      this.client.presignedGetObject(this.config.bucket, PREFIX + file, seconds),
    );
  }

  /** Whether the store answers now (the bucket exists or could be created). */
  async check(): Promise<void> {
    this.bucketReady = null;
    await this.ensureBucket();
  }

  private ensureBucket(): Promise<void> {
    this.bucketReady ??= this.bounded('bucket', async () => {
      if (!(await this.client.bucketExists(this.config.bucket))) {
        try {
          await this.client.makeBucket(this.config.bucket, this.config.region);
        } catch (error) {
          // Another replica made it in the meantime.
          if (!(await this.client.bucketExists(this.config.bucket))) throw error;
        }
      }
    }).catch((error: unknown) => {
      this.bucketReady = null;
      throw error;
    });
    return this.bucketReady;
  }

  private async bounded<T>(operation: string, work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${this.config.timeoutMs} ms`)),
        this.config.timeoutMs,
      );
    });
    try {
      return await Promise.race([work(), timeout]);
    } catch (error) {
      this.logger.warn(
        `Storage ${operation} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return fail(ErrorCode.Unavailable, AvatarFiles.storageUnavailableMessage);
    } finally {
      clearTimeout(timer);
    }
  }
}
