import { generateKeyPairSync } from 'node:crypto';
import {
  decodeJwt,
  encodeJwt,
  generateSigningKey,
  JwtClaims,
  privateKeyFromDer,
  publicKeyFromJwkX,
  signatureIsValid,
  validClaims,
} from '.';

const now = 1_800_000_000;
const claims = (overrides: Partial<JwtClaims> = {}): JwtClaims => ({
  token_type: 'access',
  exp: now + 300,
  iat: now,
  jti: 'a'.repeat(32),
  user_id: 7,
  ...overrides,
});

describe('jwt', () => {
  const key = generateSigningKey();
  const privateKey = privateKeyFromDer(key.privateKey);
  const publicKey = publicKeyFromJwkX(key.publicKey);

  it('signs tokens its public key verifies, with simple-jwt claims in order and the key id', () => {
    const token = encodeJwt(claims(), 'k1', privateKey);
    const decoded = decodeJwt(token)!;
    expect(decoded.header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: 'k1' });
    expect(Object.keys(decoded.claims)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
    expect(signatureIsValid(decoded, publicKey)).toBe(true);
    expect(validClaims(decoded, 'access', now)).toEqual(claims());
  });

  it('refuses another key, a changed payload, another algorithm and the wrong type or an expired token', () => {
    const token = encodeJwt(claims(), 'k1', privateKey);
    const other = publicKeyFromJwkX(generateSigningKey().publicKey);
    expect(signatureIsValid(decodeJwt(token)!, other)).toBe(false);

    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify(claims({ user_id: 1 }))).toString('base64url')}.${s}`;
    expect(signatureIsValid(decodeJwt(forged)!, publicKey)).toBe(false);

    const none = `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${token.split('.')[1]}.${s}`;
    expect(signatureIsValid(decodeJwt(none)!, publicKey)).toBe(false);

    expect(validClaims(decodeJwt(token)!, 'refresh', now)).toBeNull();
    expect(validClaims(decodeJwt(token)!, 'access', now + 300)).toBeNull();
  });

  it('decodes the truncated form and rejects what is not JWT-shaped', () => {
    const token = encodeJwt(claims({ token_type: 'refresh' }), 'k1', privateKey);
    const truncated = token.split('.').slice(0, 2).join('.');
    expect(decodeJwt(truncated)?.signingInput).toBe(truncated);
    for (const bad of ['', 'a.b.c', 'abc', `${truncated}.x.y`, 42, null, 'a'.repeat(5000)]) {
      expect(decodeJwt(bad)).toBeNull();
    }
  });

  it('reads keys made elsewhere', () => {
    const pair = generateKeyPairSync('ed25519');
    const x = pair.publicKey.export({ format: 'jwk' }).x!;
    const token = encodeJwt(claims(), 'k2', pair.privateKey);
    expect(signatureIsValid(decodeJwt(token)!, publicKeyFromJwkX(x))).toBe(true);
  });
});
