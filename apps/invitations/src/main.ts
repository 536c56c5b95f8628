import { Logger } from '@nestjs/common';
import { bootstrapService } from '@app/bus';
import { ConfigError } from '@app/config';
import { InvitationsEvents } from '@app/contracts';
import { OutboxRelay } from '@app/database';
import { ensureDatabase } from '@app/database';
import { InvitationsConfig, loadInvitationsConfig } from './config';
import { IdentityEventsConsumer } from './events/identity-events.consumer';
import { invitationsServiceModule } from './invitations.module';

async function main(): Promise<void> {
  let config: InvitationsConfig;
  try {
    config = loadInvitationsConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  await ensureDatabase(config.databaseUrl);
  const app = await bootstrapService({
    module: invitationsServiceModule(config),
    bus: config.nats,
    healthPort: config.healthPort,
  });
  // Facts this service publishes (member removed) and the gateway's read model (`user-memberships`,
  // whose projection registers itself when the module starts) leave through its outbox.
  app.get(OutboxRelay).start(InvitationsEvents.stream);
  // After the handlers are up: a service that was down catches up on missed identity events.
  await app.get(IdentityEventsConsumer).start();
}

main().catch((error: unknown) => {
  new Logger('Bootstrap').error(error);
  process.exit(1);
});
