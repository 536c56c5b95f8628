import { INestApplication, Module, Type } from '@nestjs/common';
import { bootstrapService } from '@app/bus';
import { ensureDatabase, OutboxRelay } from '@app/database';
import { ProfilesConfig } from './config';
import { IdentityEventsConsumer } from './events/identity-events.consumer';
import { LabelingEventsConsumer } from './labeling/labeling-events.consumer';
import { ProfilesModule } from './profiles.module';

/** bootstrapService takes a module class; this one carries the configured ProfilesModule. */
function rootModule(config: ProfilesConfig): Type<unknown> {
  @Module({ imports: [ProfilesModule.forRoot(config)] })
  class ProfilesServiceModule {}
  return ProfilesServiceModule;
}

/**
 * Starts the service exactly as production does (the integration tests use it too): database,
 * migrations, health endpoints, bus handlers, the outbox relay (it publishes no events: only the
 * gateway's read model of profiles, whose projection registers itself when the module starts),
 * then the durable event consumers.
 */
export async function startProfilesService(config: ProfilesConfig): Promise<INestApplication> {
  await ensureDatabase(config.databaseUrl);
  const app = await bootstrapService({
    module: rootModule(config),
    bus: config.nats,
    healthPort: config.healthPort,
  });
  app.get(OutboxRelay).start();
  await app.get(IdentityEventsConsumer).start();
  await app.get(LabelingEventsConsumer).start();
  return app;
}
