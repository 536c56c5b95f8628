export * from './bus.error';
export * from './bus.client';
export * from './rpc';
export * from './jetstream';
export * from './service';
export * from './uploads';
export * from './connection';
export * from './field-errors';
