import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';

/**
 * JSON Web Tokens as Label Studio's clients read them (simple-jwt's claims), signed with Ed25519
 * (`EdDSA`) by Node's own crypto. Identity signs with a private key only it holds; gateways verify
 * with public keys named by the header's `kid`.
 */
export const JWT_ALGORITHM = 'EdDSA';

export type TokenType = 'access' | 'refresh';

/** The longest an access token may live (the configurable lifetime's ceiling): longer ones are refused. */
export const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/** simple-jwt's claims, in its order; `jti` is a UUID's 32 hex digits. */
export interface JwtClaims {
  token_type: TokenType;
  exp: number;
  iat: number;
  jti: string;
  user_id: number;
}

export interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
}

/** A token split into its parts and decoded, before anything about it is trusted. */
export interface DecodedJwt {
  header: JwtHeader;
  claims: Partial<JwtClaims> & Record<string, unknown>;
  /** `header.payload`: what the signature covers (and Label Studio's truncated token). */
  signingInput: string;
  signature: Buffer;
}

const PART = /^[A-Za-z0-9_-]+$/;
const encodePart = (value: object): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Signs the claims; the header names the key. */
export function encodeJwt(claims: JwtClaims, kid: string, privateKey: KeyObject): string {
  const signingInput = `${encodePart({ alg: JWT_ALGORITHM, typ: 'JWT', kid })}.${encodePart(claims)}`;
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

/**
 * Splits and decodes without checking anything (as Label Studio's clients do to read `exp`).
 * `header.payload` alone (the truncated form) decodes with an empty signature. Null when the
 * value is not JWT-shaped.
 */
export function decodeJwt(token: unknown): DecodedJwt | null {
  if (typeof token !== 'string' || token.length > 4096) return null;
  const parts = token.split('.');
  if (parts.length !== 2 && parts.length !== 3) return null;
  if (parts.some((part, i) => !PART.test(part) && !(i === 2 && part === ''))) return null;
  const header = decodePart(parts[0]);
  const claims = decodePart(parts[1]);
  if (!header || !claims || typeof header.alg !== 'string') return null;
  if (header.kid !== undefined && typeof header.kid !== 'string') return null;
  return {
    header: header as unknown as JwtHeader,
    claims,
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2] ?? '', 'base64url'),
  };
}

/** Whether `key` signed the token. Ed25519 signatures are 64 bytes; anything else is refused. */
export function signatureIsValid(token: DecodedJwt, key: KeyObject): boolean {
  if (token.header.alg !== JWT_ALGORITHM || token.signature.length !== 64) return false;
  return verify(null, Buffer.from(token.signingInput, 'ascii'), key, token.signature);
}

/** The claims when they are simple-jwt's, of the given type, and not expired at `nowSeconds`. */
export function validClaims(token: DecodedJwt, type: TokenType, nowSeconds: number): JwtClaims | null {
  const { token_type, exp, iat, jti, user_id } = token.claims;
  if (token_type !== type) return null;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= nowSeconds) return null;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return null;
  if (typeof jti !== 'string' || !/^[0-9a-f]{32}$/.test(jti)) return null;
  if (typeof user_id !== 'number' || !Number.isSafeInteger(user_id) || user_id <= 0) return null;
  return { token_type, exp, iat, jti, user_id };
}

/** A new Ed25519 key pair: the public key as a JWK's `x`, the private key as PKCS#8 DER. */
export function generateSigningKey(): { publicKey: string; privateKey: Buffer } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('Ed25519 public key without x');
  return { publicKey: jwk.x, privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }) };
}

export const privateKeyFromDer = (der: Buffer): KeyObject =>
  createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });

export const publicKeyFromJwkX = (x: string): KeyObject =>
  createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
