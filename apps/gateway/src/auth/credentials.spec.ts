import { IncomingMessage } from 'node:http';
import { looksLikeJwt, tokenHeader } from './credentials';

const jwt = `${Buffer.from('{"alg":"EdDSA","kid":"k1"}').toString('base64url')}.e30.c2ln`;
const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('the credential of a request’s headers', () => {
  it('reads a JWT-shaped value only when its first part is a JSON header with an algorithm', () => {
    expect(looksLikeJwt(jwt)).toBe(true);
    expect(looksLikeJwt('abc.def.ghi')).toBe(false);
    expect(looksLikeJwt('0123456789abcdef0123456789abcdef01234567')).toBe(false);
  });

  it('takes X-Api-Key before Authorization, as Bearer when it is a JWT and as Token otherwise', () => {
    expect(tokenHeader(request({ 'x-api-key': jwt, authorization: 'Token other' }), true)).toEqual({
      kind: 'bearer',
      token: jwt,
    });
    expect(tokenHeader(request({ 'x-api-key': 'key1', authorization: `Bearer ${jwt}` }), true)).toEqual({
      kind: 'token',
      key: 'key1',
    });
  });

  it('refuses a malformed Token header, and any Token when legacy tokens are off', () => {
    expect(tokenHeader(request({ authorization: 'Token' }), true)).toEqual({
      kind: 'refused',
      detail: 'Invalid token header. No credentials provided.',
    });
    expect(tokenHeader(request({ authorization: 'Token a b' }), true)).toEqual({
      kind: 'refused',
      detail: 'Invalid token header. Token string should not contain spaces.',
    });
    expect(tokenHeader(request({ authorization: 'token abc' }), false).kind).toBe('refused');
    expect(tokenHeader(request({ authorization: 'token abc' }), true)).toEqual({ kind: 'token', key: 'abc' });
  });

  it('offers nothing for other schemes or a Bearer that is not a JWT, so the session may still count', () => {
    expect(tokenHeader(request({ authorization: 'Basic dXNlcjpwYXNz' }), true)).toEqual({ kind: 'none' });
    expect(tokenHeader(request({ authorization: 'Bearer not-a-jwt' }), true)).toEqual({ kind: 'none' });
    expect(tokenHeader(request({}), true)).toEqual({ kind: 'none' });
  });
});
