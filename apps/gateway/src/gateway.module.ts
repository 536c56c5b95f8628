import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { BusModule, loggingModule } from '@app/bus';
import { ActivityRecorder } from './activity/activity-recorder';
import { AuthGuard } from './auth/auth.guard';
import { AvatarsController } from './avatars/avatars.controller';
import { Authenticator } from './auth/authenticator';
import { GATEWAY_CONFIG, GatewayConfig } from './config';
import { HttpErrorFilter } from './errors/http-error.filter';
import { HealthController } from './health/health.controller';
import { GetMembershipUseCase } from './organizations/get-membership.usecase';
import { ListMembershipsUseCase } from './organizations/list-memberships.usecase';
import { MembershipsController } from './organizations/memberships.controller';
import { OrganizationsController } from './organizations/organizations.controller';
import { RemoveMembershipUseCase } from './organizations/remove-membership.usecase';
import { UserDirectory } from './users/user-directory';
import { UsersController } from './users/users.controller';
import { SignupUseCase } from './web/signup.usecase';
import { WebController } from './web/web.controller';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        loggingModule('gateway', config.logLevel),
        BusModule.forRoot({ name: 'gateway', ...config.nats }),
        TerminusModule,
      ],
      controllers: [
        HealthController,
        UsersController,
        WebController,
        OrganizationsController,
        MembershipsController,
        AvatarsController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        Authenticator,
        AuthGuard,
        ActivityRecorder,
        UserDirectory,
        SignupUseCase,
        ListMembershipsUseCase,
        GetMembershipUseCase,
        RemoveMembershipUseCase,
      ],
    };
  }
}
