import 'reflect-metadata';
import { ConfigError } from '@app/config';
import { ensureDatabase } from '@app/database';
import { IdentityConfig, loadIdentityConfig } from './config';
import { startIdentity } from './start-identity';

async function main(): Promise<void> {
  let config: IdentityConfig;
  try {
    config = loadIdentityConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  await ensureDatabase(config.DATABASE_URL);
  await startIdentity(config);
}

main().catch((error: unknown) => {
  // A bad bootstrap account (LABEL_STUDIO_USER_TOKEN taken, ...) is found after the database is up.
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `identity failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
