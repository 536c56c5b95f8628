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
import { AccountCreator } from './accounts/account-creator';
import { Account } from './accounts/account.entity';
import { AccountRepository } from './accounts/account.repository';
import { AccountsHandler } from './accounts/accounts.handler';
import { CreateAccountUseCase } from './accounts/create-account.usecase';
import { DeleteAccountUseCase } from './accounts/delete-account.usecase';
import { FindAccountUseCase } from './accounts/find-account.usecase';
import { GetAccountUseCase } from './accounts/get-account.usecase';
import { ListAccountsUseCase } from './accounts/list-accounts.usecase';
import { ListAllAccountsUseCase } from './accounts/list-all-accounts.usecase';
import { OperatorAccountsHandler } from './accounts/operator-accounts.handler';
import { ProvisionAccountUseCase } from './accounts/provision-account.usecase';
import { RegisterAccountUseCase } from './accounts/register-account.usecase';
import { SetActiveUseCase } from './accounts/set-active.usecase';
import { SetPasswordUseCase } from './accounts/set-password.usecase';
import { UpdateAccountUseCase } from './accounts/update-account.usecase';
import { AuditLogRepository } from './audit/audit-log.repository';
import { AuthHandler } from './auth/auth.handler';
import { AuthenticateSessionUseCase } from './auth/authenticate-session.usecase';
import { AuthenticateTokenUseCase } from './auth/authenticate-token.usecase';
import { LoginAttempt } from './auth/login-attempt.entity';
import { LoginThrottleRepository } from './auth/login-throttle.repository';
import { LoginUseCase } from './auth/login.usecase';
import { UnlockAccountUseCase } from './auth/unlock-account.usecase';
import { PasswordHasher } from './auth/password-hasher';
import { PasswordQueueController } from './auth/password-queue.controller';
import { BootstrapAccount } from './bootstrap/bootstrap-account';
import { IDENTITY_CONFIG, IdentityConfig } from './config';
import { InvitationsEventsConsumer } from './events/invitations-events.consumer';
import { InitialSchema1795838335186 } from './migrations/1795838335186-initial-schema';
import { PersonalAccessTokens1796000000000 } from './migrations/1796000000000-personal-access-tokens';
import { PersonalAccessToken } from './personal-tokens/personal-access-token.entity';
import { PersonalAccessTokens } from './personal-tokens/personal-access-tokens';
import { PersonalTokensHandler } from './personal-tokens/personal-tokens.handler';
import { LoginDelays1796200000000 } from './migrations/1796200000000-login-delays';
import { AccountSignupTicket1795900000000 } from './migrations/1795900000000-account-signup-ticket';
import { AuthUserProjection } from './read-model/auth-user.projection';
import { SigningKeyProjection } from './read-model/signing-key.projection';
import { SigningKeyCipher } from './signing-keys/signing-key.cipher';
import { SigningKey } from './signing-keys/signing-key.entity';
import { SigningKeys } from './signing-keys/signing-keys';
import { ExpiredRowsSweeper } from './sessions/expired-rows.sweeper';
import { LogoutUseCase } from './sessions/logout.usecase';
import { SessionIssuer } from './sessions/session-issuer';
import { SessionRepository } from './sessions/session.repository';
import { SessionsHandler } from './sessions/sessions.handler';
import { WebSession } from './sessions/web-session.entity';
import { ApiToken } from './tokens/api-token.entity';
import { ApiTokenRepository } from './tokens/api-token.repository';
import { GetTokenUseCase } from './tokens/get-token.usecase';
import { ResetTokenUseCase } from './tokens/reset-token.usecase';
import { TokenCipher } from './tokens/token-cipher';
import { TokenIssuer } from './tokens/token-issuer';
import { TokensHandler } from './tokens/tokens.handler';

export const IDENTITY_ENTITIES = [
  Account,
  ApiToken,
  PersonalAccessToken,
  SigningKey,
  WebSession,
  LoginAttempt,
  AuditEntry,
  OutboxMessage,
];
/** In order; never edit one once merged, add a new one. */
export const IDENTITY_MIGRATIONS = [
  InitialSchema1795838335186,
  AccountSignupTicket1795900000000,
  PersonalAccessTokens1796000000000,
  LoginDelays1796200000000,
];

/** The identity service, built from a validated configuration (tests pass their own). */
@Module({})
export class IdentityModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...postgresOptions({
              url: config.DATABASE_URL,
              entities: IDENTITY_ENTITIES,
              migrations: IDENTITY_MIGRATIONS,
            }),
          }),
        }),
        loggingModule('identity', config.LOG_LEVEL),
        BusModule.forRoot(config.nats),
        TerminusModule,
      ],
      controllers: [
        ServiceHealthController,
        PasswordQueueController,
        AccountsHandler,
        OperatorAccountsHandler,
        AuthHandler,
        TokensHandler,
        PersonalTokensHandler,
        SessionsHandler,
      ],
      providers: [
        { provide: IDENTITY_CONFIG, useValue: config },
        MigrationsUnderLock,
        OutboxRelay,
        AuthUserProjection,
        SigningKeyProjection,
        SigningKeyCipher,
        SigningKeys,
        PersonalAccessTokens,
        AuditLogRepository,
        AccountRepository,
        ApiTokenRepository,
        SessionRepository,
        LoginThrottleRepository,
        PasswordHasher,
        TokenCipher,
        TokenIssuer,
        SessionIssuer,
        AccountCreator,
        ExpiredRowsSweeper,
        RegisterAccountUseCase,
        CreateAccountUseCase,
        GetAccountUseCase,
        ListAccountsUseCase,
        UpdateAccountUseCase,
        DeleteAccountUseCase,
        LoginUseCase,
        UnlockAccountUseCase,
        AuthenticateTokenUseCase,
        AuthenticateSessionUseCase,
        LogoutUseCase,
        GetTokenUseCase,
        ResetTokenUseCase,
        FindAccountUseCase,
        ListAllAccountsUseCase,
        ProvisionAccountUseCase,
        SetPasswordUseCase,
        SetActiveUseCase,
        BootstrapAccount,
        InvitationsEventsConsumer,
      ],
    };
  }
}

/** `bootstrapService` takes a module class: this wraps the configured dynamic module in one. */
export function identityAppModule(config: IdentityConfig): Type<unknown> {
  @Module({ imports: [IdentityModule.forRoot(config)] })
  class IdentityAppModule {}
  return IdentityAppModule;
}
