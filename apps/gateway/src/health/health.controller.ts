import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { BusClient } from '@app/bus';
import { API_VERSION } from '../errors/http-error.filter';
import { HttpDrain } from '../http/http-drain';
import { GatewayReadModel } from '../read-model/gateway-read-model';

/**
 * Liveness: the process answers. Readiness: the bus is connected and the read model has caught up.
 * `/health` and `/api/version` are Label Studio's own, which its SDK calls to check a connection.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: BusClient,
    private readonly model: GatewayReadModel,
    private readonly drain: HttpDrain,
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
      () => {
        const indicator = this.indicators.check('shutdown');
        return this.drain.isDraining ? indicator.down({ message: 'draining' }) : indicator.up();
      },
      // A replica takes traffic only once it has read the whole read model.
      () => {
        const indicator = this.indicators.check('readModel');
        return this.model.ready ? indicator.up() : indicator.down({ message: 'catching up' });
      },
    ]);
  }
}
