/** Printable ASCII, 1..256 characters: anything else cannot be a token or session key we issued. */
const WELL_FORMED = /^[\x21-\x7e]{1,256}$/;

/** Rejects junk (empty, huge, control characters) before it reaches a query. */
export const isWellFormedCredential = (key: string): boolean => WELL_FORMED.test(key);
