import { z } from 'zod';

/** Ids (accounts, organizations, projects) are Postgres integers: anything else is an input error. */
export const idSchema = z.number().int().positive().max(2_147_483_647);

/** A client address as the gateway saw it; only recorded and used as a throttle key. */
export const clientIpSchema = z.string().max(100).optional();

/** ISO 8601 with a zone, kept as text (Postgres reads it with its full precision). */
export const isoDateSchema = z.string().datetime({ offset: true });

/**
 * Lists of users asked for in one message. A NATS message is at most 1 MB by default; larger sets
 * are asked for in pages.
 */
export const userIdListSchema = z.array(idSchema).max(1000);

/** An address another service already validated and normalised: here it only has to be sane. */
export const normalisedEmailSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\s\p{Cc}]+$/u, 'Enter a valid email address.');
