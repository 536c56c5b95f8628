import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { BusClient } from '@app/bus';

/** Liveness: the process answers. Readiness: the bus is connected (the gateway owns no data). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: BusClient,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const indicator = this.indicators.check('nats');
        return this.bus.isConnected ? indicator.up() : indicator.down({ message: 'not connected' });
      },
    ]);
  }
}
