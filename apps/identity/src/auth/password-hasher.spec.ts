import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ BCRYPT_COST: 4 });

  it('verifies the password it hashed and refuses another', async () => {
    const hash = await hasher.hash('Correct-Horse-9');
    expect(hash).toMatch(/^\$2[aby]\$04\$/);
    await expect(hasher.verify('Correct-Horse-9', hash)).resolves.toBe(true);
    await expect(hasher.verify('Correct-Horse-8', hash)).resolves.toBe(false);
  });

  it('tells apart passwords that share their first 72 bytes (no silent truncation)', async () => {
    const common = 'x'.repeat(72);
    const hash = await hasher.hash(`${common}-first`);
    await expect(hasher.verify(`${common}-first`, hash)).resolves.toBe(true);
    await expect(hasher.verify(`${common}-second`, hash)).resolves.toBe(false);
    await expect(hasher.verify(common, hash)).resolves.toBe(false);
  });

  it('tells apart multi-byte passwords past 72 bytes', async () => {
    const common = 'ü'.repeat(40); // 80 bytes in UTF-8
    const hash = await hasher.hash(`${common}a`);
    await expect(hasher.verify(`${common}b`, hash)).resolves.toBe(false);
  });

  it('never accepts anything for an account without a password', async () => {
    await expect(hasher.verify('', null)).resolves.toBe(false);
    await expect(hasher.verify('anything at all', null)).resolves.toBe(false);
  });

  it('asks for a rehash of a hash made at another cost, not of one at the configured cost', async () => {
    const other = new PasswordHasher({ BCRYPT_COST: 5 });
    expect(hasher.needsRehash(await other.hash('Correct-Horse-9'))).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('Correct-Horse-9'))).toBe(false);
    expect(hasher.needsRehash('not a bcrypt hash')).toBe(false);
  });
});
