import { mkdirSync } from 'node:fs';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

/** s3rver's fixed development credentials (it accepts no others). */
const ACCESS_KEY = 'S3RVER';

/**
 * An S3-protocol server in this process (`s3rver`, data under `directory`) for running the system
 * on one machine without MinIO: `npm run stack`, `label-studio start` and the tests. The `minio`
 * client of the profiles service talks to it as it talks to MinIO.
 */
export class LocalObjectStorage {
  private server: S3rverInstance | null = null;

  private constructor(
    private readonly directory: string,
    private boundPort: number,
  ) {}

  static async start(directory: string, port = 0): Promise<LocalObjectStorage> {
    mkdirSync(directory, { recursive: true });
    const storage = new LocalObjectStorage(directory, port);
    await storage.resume();
    return storage;
  }

  get port(): number {
    return this.boundPort;
  }

  /** What the profiles service needs to reach it. */
  env(): Record<string, string> {
    return {
      MINIO_ENDPOINT: '127.0.0.1',
      MINIO_PORT: String(this.boundPort),
      MINIO_USE_SSL: 'false',
      MINIO_ACCESS_KEY: ACCESS_KEY,
      MINIO_SECRET_KEY: ACCESS_KEY,
    };
  }

  /** Stops answering (the port closes); the data stays. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
  }

  /** Starts (again) on the same port with the same data. */
  async resume(): Promise<void> {
    if (this.server) return;
    // A development dependency: only loaded where the system runs from a checkout.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const S3rver = require('s3rver') as S3rverClass;
    const server = new S3rver({
      address: '127.0.0.1',
      port: this.boundPort,
      silent: true,
      directory: this.directory,
      configureBuckets: [],
    });
    const { port } = await server.run();
    this.boundPort = port;
    this.server = server;
  }
}
