export * from './ensure-database';
export * from './typeorm-options';
export * from './outbox';
export * from './database-logger';
export * from './migrations-under-lock';
export * from './service-health.controller';
export * from './audit';
