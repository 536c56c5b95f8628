import { INestApplication } from '@nestjs/common';
import { bootstrapService } from '@app/bus';
import { IdentityEvents } from '@app/contracts';
import { OutboxRelay } from '@app/database';
import { IdentityConfig } from './config';
import { InvitationsEventsConsumer } from './events/invitations-events.consumer';
import { identityAppModule } from './identity.module';

export interface StartOptions {
  host?: string;
}

/**
 * Starts identity (main.ts and the tests): migrations under a lock and the bootstrap account
 * (LABEL_STUDIO_USERNAME) before anything else, then the health endpoints and the message
 * handlers, the outbox relay (events, and the `auth-users` read model, whose projection registers
 * itself with the relay when the module starts) and the durable consumer of invitations' member
 * removals.
 */
export async function startIdentity(
  config: IdentityConfig,
  options: StartOptions = {},
): Promise<INestApplication> {
  const app = await bootstrapService({
    module: identityAppModule(config),
    bus: config.nats,
    healthPort: config.HEALTH_PORT,
    host: options.host,
  });
  app.get(OutboxRelay).start(IdentityEvents.stream);
  app.get(InvitationsEventsConsumer).start();
  return app;
}
