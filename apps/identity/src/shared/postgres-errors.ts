import { QueryFailedError } from 'typeorm';

interface PostgresErrorFields {
  code?: string;
  constraint?: string;
}

const fieldsOf = (error: unknown): PostgresErrorFields | undefined =>
  error instanceof QueryFailedError ? (error.driverError as PostgresErrorFields) : undefined;

/** 23505: the database refused a duplicate (the only reliable duplicate check under concurrency). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const fields = fieldsOf(error);
  return fields?.code === '23505' && fields.constraint === constraint;
}

/** 23503: a referenced row (an account) does not exist, e.g. deleted concurrently. */
export function isForeignKeyViolation(error: unknown): boolean {
  return fieldsOf(error)?.code === '23503';
}
