import { DataSourceOptions } from 'typeorm';
import { DatabaseLogger } from './database-logger';

export interface DatabaseSettings {
  url: string;
  entities: DataSourceOptions['entities'];
  migrations: DataSourceOptions['migrations'];
  poolSize?: number;
}

/**
 * Postgres through TypeORM, never `synchronize`. Migrations run at start-up by MigrationsUnderLock
 * (a provider every service registers), so replicas starting together take turns.
 */
export function postgresOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: settings.entities,
    migrations: settings.migrations,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    logger: new DatabaseLogger(),
    extra: {
      max: settings.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      // A statement that hangs (lock, dead server) fails instead of holding a request forever.
      statement_timeout: 10_000,
      // The same on the client's side, for a server that cannot enforce it (stopped, paused).
      query_timeout: 12_000,
    },
  };
}
