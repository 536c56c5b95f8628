import { DynamicModule, Module, Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BusModule, loggingModule } from '@app/bus';
import { postgresOptions } from '@app/database';
import { InvitationsConfig } from './config';
import { IdentityEventsConsumer } from './events/identity-events.consumer';
import { HealthController } from './health/health.controller';
import { EnsureMembershipUseCase } from './memberships/ensure-membership.usecase';
import { GetContextsUseCase } from './memberships/get-contexts.usecase';
import { GetMembersUseCase } from './memberships/get-members.usecase';
import { MembershipEntity } from './memberships/membership.entity';
import { MembershipRepository } from './memberships/membership.repository';
import { MembershipsAccess } from './memberships/memberships.access';
import { MembershipsHandler } from './memberships/memberships.handler';
import { RemoveUserUseCase } from './memberships/remove-user.usecase';
import { RemovedUserEntity } from './memberships/removed-user.entity';
import { UserContextEntity } from './memberships/user-context.entity';
import { UserContextRepository } from './memberships/user-context.repository';
import { InitialSchema1767225600000 } from './migrations/1767225600000-initial-schema';
import { OrganizationEntity } from './organizations/organization.entity';
import { OrganizationRepository } from './organizations/organization.repository';
import { AuthorizeSignupUseCase, SIGNUP_SETTINGS } from './signup/authorize-signup.usecase';
import { SignupHandler } from './signup/signup.handler';

const ENTITIES = [OrganizationEntity, MembershipEntity, UserContextEntity, RemovedUserEntity];

/** The invitations service; its configuration is passed in, so tests never touch process.env. */
@Module({})
export class InvitationsModule {
  static forRoot(config: InvitationsConfig): DynamicModule {
    return {
      module: InvitationsModule,
      imports: [
        loggingModule('invitations', config.logLevel),
        BusModule.forRoot({ name: 'invitations', ...config.nats }),
        TypeOrmModule.forRoot(
          postgresOptions({
            url: config.databaseUrl,
            entities: ENTITIES,
            migrations: [InitialSchema1767225600000],
          }),
        ),
        TerminusModule,
      ],
      controllers: [SignupHandler, MembershipsHandler, HealthController],
      providers: [
        { provide: SIGNUP_SETTINGS, useValue: config.signup },
        OrganizationRepository,
        MembershipRepository,
        UserContextRepository,
        MembershipsAccess,
        AuthorizeSignupUseCase,
        EnsureMembershipUseCase,
        GetContextsUseCase,
        GetMembersUseCase,
        RemoveUserUseCase,
        IdentityEventsConsumer,
      ],
    };
  }
}

/** bootstrapService takes a module class; this one carries the configured InvitationsModule. */
export function invitationsServiceModule(config: InvitationsConfig): Type<unknown> {
  @Module({ imports: [InvitationsModule.forRoot(config)] })
  class InvitationsServiceModule {}
  return InvitationsServiceModule;
}
