import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { BusClient } from '@app/bus';
import { API_VERSION } from '../errors/http-error.filter';

/**
 * Liveness: the process answers. Readiness: the bus is connected (the gateway owns no data).
 * `/health` and `/api/version` are Label Studio's own, which its SDK calls to check a connection.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: BusClient,
  ) {}

  @Get(['health', 'health/'])
  labelStudioHealth() {
    return { status: 'UP' };
  }

  @Get(['api/version', 'api/version/', 'version', 'version/'])
  version() {
    return { release: API_VERSION, edition: 'Community' };
  }

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
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
