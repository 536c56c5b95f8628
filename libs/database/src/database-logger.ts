import { Logger as NestLogger } from '@nestjs/common';
import { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's console logger prints failed queries with their parameters, which here are password
 * hashes, token digests, ciphertexts and invite tokens. This one logs through Nest (pino, with the
 * correlation id) and never prints parameters. Expected refusals (a duplicate) are debug lines.
 */
export class DatabaseLogger implements TypeOrmLogger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error): void {
    const code = typeof error === 'object' ? (error as { code?: string }).code : undefined;
    const message = typeof error === 'string' ? error : error.message;
    if (code === '23505' || code === '23503') this.logger.debug(`Query refused (${code}): ${message}`);
    else this.logger.warn(`Query failed${code ? ` (${code})` : ''}: ${message}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`Slow query (${time} ms): ${query.slice(0, 200)}`);
  }

  /** TypeORM reports migrations here; the ones it ran are worth a line, the bookkeeping is not. */
  logSchemaBuild(message: string): void {
    if (message.includes('executed successfully')) this.logger.log(message);
    else this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}
