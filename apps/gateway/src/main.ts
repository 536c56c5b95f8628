import { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { ConfigError } from '@app/config';
import { listenForMetrics } from '@app/metrics';
import { createGatewayApp } from './app';
import { loadGatewayConfig } from './config';
import { HttpDrain } from './http/http-drain';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const app = await createGatewayApp(config);
  await app.listen(config.port, config.host);
  const metrics = await listenForMetrics(config.healthPort, config.host);
  new Logger('Bootstrap').log(`gateway ready: metrics on port ${(metrics.address() as AddressInfo).port}`);
  // SIGTERM (or Ctrl-C): answer what has arrived, then close the bus and exit.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.get(HttpDrain).drain(app.getHttpServer(), config.nats.shutdownGraceMs ?? 20_000);
    await app.close();
    metrics.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
