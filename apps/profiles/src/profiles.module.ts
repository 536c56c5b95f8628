import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BusModule, loggingModule } from '@app/bus';
import {
  AuditEntry,
  MigrationsUnderLock,
  OutboxMessage,
  OutboxRelay,
  ServiceHealthController,
  postgresOptions,
} from '@app/database';
import { ProfilesConfig } from './config';
import { IdentityEventsConsumer } from './events/identity-events.consumer';
import { ContributionsHandler } from './labeling/contributions.handler';
import { CountContributionsUseCase } from './labeling/count-contributions.usecase';
import { LabelingAnnotationEntity } from './labeling/labeling-annotation.entity';
import { LabelingEventsConsumer } from './labeling/labeling-events.consumer';
import { LabelingProjectEntity } from './labeling/labeling-project.entity';
import { LabelingRepository } from './labeling/labeling.repository';
import { ListContributionsUseCase } from './labeling/list-contributions.usecase';
import { RecordLabelingEventUseCase } from './labeling/record-labeling-event.usecase';
import { InitialSchema1767225600000 } from './migrations/1767225600000-initial-schema';
import { AvatarObjects1767398400000 } from './migrations/1767398400000-avatar-objects';
import { AvatarRepository } from './avatars/avatar.repository';
import { AvatarStorage, STORAGE_CONFIG } from './avatars/avatar-storage';
import { AvatarsHandler } from './avatars/avatars.handler';
import { AVATAR_LIMITS, AvatarsUseCases } from './avatars/avatars.usecases';
import { OrphanSweeper, SWEEPER_CONFIG } from './avatars/orphan-sweeper';
import { LabelingReadModel1767830400000 } from './migrations/1767830400000-labeling-read-model';
import { Outbox1768435200000 } from './migrations/1768435200000-outbox';
import { AuditLog1796300000000 } from './migrations/1796300000000-audit-log';
import { EnsureProfileUseCase } from './profiles/ensure-profile.usecase';
import { GetProfilesUseCase } from './profiles/get-profiles.usecase';
import { ProfileEntity } from './profiles/profile.entity';
import { ProfileRepository } from './profiles/profile.repository';
import { ProfilesHandler } from './profiles/profiles.handler';
import { RecordActivityUseCase } from './profiles/record-activity.usecase';
import { RemoveProfileUseCase } from './profiles/remove-profile.usecase';
import { UpdateProfileUseCase } from './profiles/update-profile.usecase';
import { ProfileProjection } from './read-model/profile.projection';

/** The profiles service; its configuration is passed in, so tests never touch process.env. */
@Module({})
export class ProfilesModule {
  static forRoot(config: ProfilesConfig): DynamicModule {
    return {
      module: ProfilesModule,
      imports: [
        loggingModule('profiles', config.logLevel),
        BusModule.forRoot(config.nats),
        TypeOrmModule.forRoot(
          postgresOptions({
            url: config.databaseUrl,
            entities: [
              ProfileEntity,
              LabelingProjectEntity,
              LabelingAnnotationEntity,
              OutboxMessage,
              AuditEntry,
            ],
            migrations: [
              InitialSchema1767225600000,
              AvatarObjects1767398400000,
              LabelingReadModel1767830400000,
              Outbox1768435200000,
              AuditLog1796300000000,
            ],
          }),
        ),
        TypeOrmModule.forFeature([ProfileEntity]),
        TerminusModule,
      ],
      controllers: [ProfilesHandler, AvatarsHandler, ContributionsHandler, ServiceHealthController],
      providers: [
        MigrationsUnderLock,
        OutboxRelay,
        ProfileProjection,
        ProfileRepository,
        EnsureProfileUseCase,
        GetProfilesUseCase,
        UpdateProfileUseCase,
        RemoveProfileUseCase,
        RecordActivityUseCase,
        IdentityEventsConsumer,
        { provide: STORAGE_CONFIG, useValue: config.storage },
        { provide: AVATAR_LIMITS, useValue: config.avatar },
        { provide: SWEEPER_CONFIG, useValue: config.sweeper },
        AvatarStorage,
        AvatarRepository,
        AvatarsUseCases,
        OrphanSweeper,
        LabelingRepository,
        RecordLabelingEventUseCase,
        ListContributionsUseCase,
        CountContributionsUseCase,
        LabelingEventsConsumer,
      ],
    };
  }
}
