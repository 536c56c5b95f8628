import { Logger } from '@nestjs/common';
import { ConfigError } from '@app/config';
import { loadProfilesConfig, ProfilesConfig } from './config';
import { startProfilesService } from './profiles.bootstrap';

async function main(): Promise<void> {
  let config: ProfilesConfig;
  try {
    config = loadProfilesConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  await startProfilesService(config);
}

main().catch((error: unknown) => {
  new Logger('Bootstrap').error(error);
  process.exit(1);
});
