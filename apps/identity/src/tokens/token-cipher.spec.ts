import { generateApiToken, TokenCipher } from './token-cipher';

const cipherWith = (secret = 's'.repeat(32)) => new TokenCipher({ SECRET_KEY: secret });

describe('generateApiToken', () => {
  it('makes Label Studio’s 40 lowercase hex characters, different every time', () => {
    const tokens = new Set(Array.from({ length: 50 }, generateApiToken));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('TokenCipher', () => {
  const token = generateApiToken();

  it('round-trips a token through encryption', () => {
    const cipher = cipherWith();
    expect(cipher.decrypt(cipher.encrypt(token, 7), 7)).toBe(token);
  });

  it('never puts the plaintext in the ciphertext, and uses a fresh IV each time', () => {
    const cipher = cipherWith();
    const a = cipher.encrypt(token, 7);
    const b = cipher.encrypt(token, 7);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from(token))).toBe(false);
  });

  it('refuses a ciphertext moved to another user, tampered with, or made with another key', () => {
    const cipher = cipherWith();
    const sealed = cipher.encrypt(token, 7);
    expect(() => cipher.decrypt(sealed, 8)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => cipher.decrypt(tampered, 7)).toThrow();
    expect(() => cipherWith('t'.repeat(32)).decrypt(sealed, 7)).toThrow();
  });

  it('gives a stable digest for one key and secret, different for another token or secret', () => {
    const digest = cipherWith().digest(token);
    expect(digest).toHaveLength(32);
    expect(cipherWith().digest(token).equals(digest)).toBe(true);
    expect(cipherWith().digest(generateApiToken()).equals(digest)).toBe(false);
    expect(cipherWith('t'.repeat(32)).digest(token).equals(digest)).toBe(false);
  });

  it('keeps the digest of a known token pinned (a change would orphan every stored token)', () => {
    expect(cipherWith().digest('0123456789abcdef0123456789abcdef01234567').toString('hex')).toBe(
      '71fb0a1add7109f901322c5681c8cbea2dde2b48035233f1b8854e520623cdba',
    );
  });

  it('keeps the digest unrelated to the plaintext', () => {
    expect(cipherWith().digest(token).toString('hex')).not.toContain(token);
  });
});
