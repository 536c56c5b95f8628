import { DynamicModule, Module, Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BusModule, loggingModule } from '@app/bus';
import {
  AuditEntry,
  MigrationsUnderLock,
  ServiceHealthController,
  OutboxMessage,
  OutboxRelay,
  postgresOptions,
} from '@app/database';
import { AuditLogRepository } from './audit/audit-log.repository';
import { InvitationsConfig } from './config';
import { IdentityEventsConsumer } from './events/identity-events.consumer';
import { GetInviteLinkUseCase } from './invite-links/get-invite-link.usecase';
import { InviteLinkTarget } from './invite-links/invite-link-target';
import { InviteLinksHandler } from './invite-links/invite-links.handler';
import { ResetInviteLinkUseCase } from './invite-links/reset-invite-link.usecase';
import { EnsureMembershipUseCase } from './memberships/ensure-membership.usecase';
import { GetContextsUseCase } from './memberships/get-contexts.usecase';
import { GetMembersUseCase } from './memberships/get-members.usecase';
import { MembershipEntity } from './memberships/membership.entity';
import { MembershipRepository } from './memberships/membership.repository';
import { MembershipsAccess } from './memberships/memberships.access';
import { MembershipsHandler } from './memberships/memberships.handler';
import { RemoveMemberUseCase } from './memberships/remove-member.usecase';
import { RemoveUserUseCase } from './memberships/remove-user.usecase';
import { RemovedUserEntity } from './memberships/removed-user.entity';
import { UserContextEntity } from './memberships/user-context.entity';
import { UserContextRepository } from './memberships/user-context.repository';
import { InitialSchema1767225600000 } from './migrations/1767225600000-initial-schema';
import { AuditLogAndOutbox1767312000000 } from './migrations/1767312000000-audit-log-and-outbox';
import { TokenSettings1768521600000 } from './migrations/1768521600000-token-settings';
import { TokenSettingsHandler } from './token-settings/token-settings.handler';
import { TokenSettingsUseCase } from './token-settings/token-settings.usecase';
import { OrganizationAccess } from './organizations/organization-access';
import { OrganizationEntity } from './organizations/organization.entity';
import { OrganizationRepository } from './organizations/organization.repository';
import { OrganizationsHandler } from './organizations/organizations.handler';
import { ReadOrganizationsUseCase } from './organizations/read-organizations.usecase';
import { UpdateOrganizationUseCase } from './organizations/update-organization.usecase';
import { UserMembershipsProjection } from './read-model/user-memberships.projection';
import { AuthorizeSignupUseCase, SIGNUP_SETTINGS } from './signup/authorize-signup.usecase';
import { SignupHandler } from './signup/signup.handler';
import { IssueSignupTicketUseCase } from './signup/issue-signup-ticket.usecase';
import { SignupTicketRepository } from './signup/signup-ticket.repository';
import { SignupTickets1767398400000 } from './migrations/1767398400000-signup-tickets';

const ENTITIES = [
  OrganizationEntity,
  MembershipEntity,
  UserContextEntity,
  RemovedUserEntity,
  AuditEntry,
  OutboxMessage,
];
/** In order; never edit one once merged, add a new one. */
const MIGRATIONS = [
  InitialSchema1767225600000,
  AuditLogAndOutbox1767312000000,
  SignupTickets1767398400000,
  TokenSettings1768521600000,
];

/** The invitations service; its configuration is passed in, so tests never touch process.env. */
@Module({})
export class InvitationsModule {
  static forRoot(config: InvitationsConfig): DynamicModule {
    return {
      module: InvitationsModule,
      imports: [
        loggingModule('invitations', config.logLevel),
        BusModule.forRoot(config.nats),
        TypeOrmModule.forRoot({
          ...postgresOptions({ url: config.databaseUrl, entities: ENTITIES, migrations: MIGRATIONS }),
        }),
        TerminusModule,
      ],
      controllers: [
        TokenSettingsHandler,
        SignupHandler,
        MembershipsHandler,
        InviteLinksHandler,
        OrganizationsHandler,
        ServiceHealthController,
      ],
      providers: [
        TokenSettingsUseCase,
        MigrationsUnderLock,
        { provide: SIGNUP_SETTINGS, useValue: config.signup },
        OutboxRelay,
        UserMembershipsProjection,
        AuditLogRepository,
        OrganizationRepository,
        MembershipRepository,
        UserContextRepository,
        MembershipsAccess,
        AuthorizeSignupUseCase,
        IssueSignupTicketUseCase,
        SignupTicketRepository,
        EnsureMembershipUseCase,
        GetContextsUseCase,
        GetMembersUseCase,
        RemoveUserUseCase,
        RemoveMemberUseCase,
        OrganizationAccess,
        ReadOrganizationsUseCase,
        UpdateOrganizationUseCase,
        InviteLinkTarget,
        GetInviteLinkUseCase,
        ResetInviteLinkUseCase,
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
