export * from './user-representation';
