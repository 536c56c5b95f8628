export * from './contract';
export * from './errors';
export * from './users';
export * from './identity';
export * from './invitations';
export * from './profiles';
export * from './labeling';
