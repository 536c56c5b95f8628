import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { BusClient } from '@app/bus';

/** Probes: liveness says the process answers; readiness needs Postgres and NATS (503 otherwise). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: BusClient,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 1_500 }),
      () => {
        const bus = this.indicators.check('bus');
        return this.bus.isConnected ? bus.up() : bus.down({ message: 'NATS not connected' });
      },
    ]);
  }
}
