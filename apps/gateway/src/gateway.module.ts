import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { BusModule, loggingModule } from '@app/bus';
import { ActivityRecorder } from './activity/activity-recorder';
import { AuthGuard } from './auth/auth.guard';
import { AvatarsController } from './avatars/avatars.controller';
import { Authenticator } from './auth/authenticator';
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
import { UserDirectory } from './users/user-directory';
import { UsersController } from './users/users.controller';
import { AppPagesController } from './web/app-pages.controller';
import { SignupUseCase } from './web/signup.usecase';
import { StaticAssets } from './web/static-assets';
import { StaticAssetsController } from './web/static-assets.controller';
import { WebController } from './web/web.controller';
import { WebSession } from './web/web-session';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [loggingModule('gateway', config.logLevel), BusModule.forRoot(config.nats), TerminusModule],
      controllers: [
        HealthController,
        UsersController,
        WebController,
        AppPagesController,
        StaticAssetsController,
        OrganizationsController,
        MembershipsController,
        AvatarsController,
        DocsController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        GatewayReadModel,
        Authenticator,
        AuthGuard,
        ActivityRecorder,
        UserDirectory,
        SignupUseCase,
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
