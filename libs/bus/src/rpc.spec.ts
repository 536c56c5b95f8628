import { isDependencyUnreachable } from './rpc';

describe('isDependencyUnreachable', () => {
  it.each([
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    [
      'a server shutting down (57P01)',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ],
    [
      'a server starting up (57P03)',
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    ],
    ['a paused server (client query timeout)', new Error('Query read timeout')],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
    [
      'a query failure wrapping a lost connection',
      Object.assign(new Error('query failed'), { driverError: { code: '08006' } }),
    ],
  ])('is true for %s', (_, error) => {
    expect(isDependencyUnreachable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key value'), { code: '23505' })],
    ['a syntax error', Object.assign(new Error('syntax error at or near'), { code: '42601' })],
    ['a plain bug', new TypeError('Cannot read properties of undefined')],
    ['not an error at all', 'oops'],
  ])('is false for %s', (_, error) => {
    expect(isDependencyUnreachable(error)).toBe(false);
  });
});
