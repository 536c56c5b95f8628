import { INestApplication } from '@nestjs/common';
import { bootstrapService } from '@app/bus';
import { IdentityEvents } from '@app/contracts';
import { OutboxRelay } from '@app/database';
import { IdentityConfig } from './config';
import { identityAppModule } from './identity.module';

export interface StartOptions {
  host?: string;
}

/** Starts health endpoints, the message handlers and the outbox relay (main.ts and the tests). */
export async function startIdentity(
  config: IdentityConfig,
  options: StartOptions = {},
): Promise<INestApplication> {
  const app = await bootstrapService({
    module: identityAppModule(config),
    queue: 'identity',
    servers: config.NATS_SERVERS,
    healthPort: config.HEALTH_PORT,
    host: options.host,
  });
  app.get(OutboxRelay).start({ stream: IdentityEvents.stream, subjects: IdentityEvents.subjects });
  return app;
}
