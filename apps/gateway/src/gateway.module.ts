import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TerminusModule } from '@nestjs/terminus';
import { BusModule, loggingModule } from '@app/bus';
import { ActivityRecorder } from './activity/activity-recorder';
import { ApiAuthGuard } from './auth/auth.guard';
import { AvatarsController } from './avatars/avatars.controller';
import { Authenticator } from './auth/authenticator';
import { LoginGuard } from './auth/login.guard';
import { BearerStrategy } from './auth/strategies/bearer.strategy';
import { LocalStrategy } from './auth/strategies/local.strategy';
import { SessionStrategy } from './auth/strategies/session.strategy';
import { TokenStrategy } from './auth/strategies/token.strategy';
import { TokenSettings } from './auth/token-settings';
import { GATEWAY_CONFIG, GatewayConfig } from './config';
import { GatewayReadModel } from './read-model/gateway-read-model';
import { HttpErrorFilter } from './errors/http-error.filter';
import { HealthController } from './health/health.controller';
import { GetMembershipUseCase } from './organizations/get-membership.usecase';
import { ListMembershipsUseCase } from './organizations/list-memberships.usecase';
import { MembershipsController } from './organizations/memberships.controller';
import { DocsController } from './openapi/docs.controller';
import { OpenApiDocument } from './openapi/openapi-document';
import { OrganizationsController } from './organizations/organizations.controller';
import { RemoveMembershipUseCase } from './organizations/remove-membership.usecase';
import { TokensController } from './tokens/tokens.controller';
import { UserDirectory } from './users/user-directory';
import { UsersController } from './users/users.controller';
import { AppPagesController } from './web/app-pages.controller';
import { SignupUseCase } from './web/signup.usecase';
import { StaticAssets } from './web/static-assets';
import { StaticAssetsController } from './web/static-assets.controller';
import { WebController } from './web/web.controller';
import { WebSession } from './web/web-session';
import { EdgeThrottle } from './throttle/edge-throttle';
import { HttpDrain } from './http/http-drain';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        loggingModule('gateway', config.logLevel),
        BusModule.forRoot(config.nats),
        TerminusModule,
        // Stateless: the session is the gateway's own cookie, found by SessionStrategy.
        PassportModule.register({ session: false }),
      ],
      controllers: [
        HealthController,
        UsersController,
        WebController,
        AppPagesController,
        StaticAssetsController,
        OrganizationsController,
        MembershipsController,
        AvatarsController,
        TokensController,
        DocsController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        GatewayReadModel,
        EdgeThrottle,
        // Authentication: passport's strategies, the guards that run them, and the same run for
        // handlers that only want to know who is calling.
        TokenSettings,
        BearerStrategy,
        TokenStrategy,
        SessionStrategy,
        LocalStrategy,
        ApiAuthGuard,
        LoginGuard,
        Authenticator,
        ActivityRecorder,
        UserDirectory,
        SignupUseCase,
        HttpDrain,
        WebSession,
        // Read once at start-up: a build without its web assets stops here, not at the first page.
        { provide: StaticAssets, useValue: new StaticAssets() },
        ListMembershipsUseCase,
        GetMembershipUseCase,
        RemoveMembershipUseCase,
        OpenApiDocument,
      ],
    };
  }
}
