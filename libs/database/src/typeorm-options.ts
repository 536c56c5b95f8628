import { DataSourceOptions } from 'typeorm';

export interface DatabaseSettings {
  url: string;
  entities: DataSourceOptions['entities'];
  migrations: DataSourceOptions['migrations'];
  poolSize?: number;
}

/** Postgres through TypeORM: migrations at start-up, never `synchronize`. */
export function postgresOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: settings.entities,
    migrations: settings.migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    extra: {
      max: settings.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      // A statement that hangs (lock, dead server) fails instead of holding a request forever.
      statement_timeout: 10_000,
    },
  };
}
