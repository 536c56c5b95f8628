/**
 * Storage settings for tests that do not touch avatars: the service starts and works without
 * reaching object storage (nothing listens on the discard port).
 */
export const UNUSED_STORAGE_ENV = {
  MINIO_ENDPOINT: '127.0.0.1',
  MINIO_PORT: '9',
  MINIO_ACCESS_KEY: 'unused',
  MINIO_SECRET_KEY: 'unused',
} as const;
