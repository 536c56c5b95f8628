/** Names that must never appear in a reply: hashes, digests, ciphertexts, raw passwords. */
const SECRET_FIELD = /^(password|passwordhash|password_hash|hash|digest|ciphertext|secret|salt)$/i;

/** Every path in `value` whose key looks like a secret (`account.passwordHash`, `[0].digest`). */
export function findSecretFields(value: unknown, path = '$'): string[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => findSecretFields(item, `${path}[${index}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(SECRET_FIELD.test(key) ? [`${path}.${key}`] : []),
    ...findSecretFields(child, `${path}.${key}`),
  ]);
}
