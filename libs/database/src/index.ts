export * from './ensure-database';
export * from './typeorm-options';
export * from './outbox';
