import { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { ConfigError } from '@app/config';
import { listenForMetrics } from '@app/metrics';
import { createGatewayApp } from './app';
import { loadGatewayConfig } from './config';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const app = await createGatewayApp(config);
  await app.listen(config.port, config.host);
  const metrics = await listenForMetrics(config.healthPort, config.host);
  new Logger('Bootstrap').log(`gateway ready: metrics on port ${(metrics.address() as AddressInfo).port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
