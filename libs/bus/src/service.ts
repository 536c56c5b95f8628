import { IncomingMessage, ServerResponse } from 'node:http';
import {
  DynamicModule,
  Global,
  INestApplication,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ServerNats } from '@nestjs/microservices';
import { Msg } from 'nats';
import { BusApp, inboxPrefix, requestContractOf } from '@app/contracts';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import { acceptCorrelationId, createLogger, redactQuery } from '@app/logging';
import { busRequestDuration, serveMetrics, startMetrics } from '@app/metrics';
import { BusClient } from './bus.client';
import { authFailed, BusSettings, isAuthViolation, natsConnectionOptions } from './connection';

/** Provides the BusClient, connected at start-up and drained at shutdown. */
@Global()
@Module({})
export class BusModule {
  static forRoot(settings: BusSettings): DynamicModule {
    return {
      module: BusModule,
      providers: [
        {
          provide: BusClient,
          useFactory: async () => {
            const client = new BusClient(settings);
            // Do not block start-up on NATS: the client connects in the background and
            // requests fail fast with UNAVAILABLE until it is up.
            void client.connect();
            return client;
          },
        },
        BusShutdown,
      ],
      exports: [BusClient],
    };
  }
}

@Injectable()
class BusShutdown implements OnApplicationShutdown {
  constructor(private readonly client: BusClient) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/** pino for Nest: one JSON line per event, with the correlation id and secrets redacted. */
export const loggingModule = (service: string, level: string) =>
  LoggerModule.forRoot({
    pinoHttp: {
      logger: createLogger(service, level),
      // The gateway assigns the id before this runs (so its error bodies can carry it).
      genReqId: (req, res) => {
        if (typeof req.id === 'string') return req.id;
        const id = acceptCorrelationId(req.headers['x-request-id']);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
      // Invitation links carry their token in the query string: it never reaches a log line.
      serializers: {
        req: (req: { url?: string; query?: Record<string, unknown> }) => ({
          ...req,
          url: req.url === undefined ? undefined : redactQuery(req.url),
          query: req.query && 'token' in req.query ? { ...req.query, token: '[redacted]' } : req.query,
        }),
      },
    },
  });

export interface ServiceBootstrap {
  module: Type<unknown>;
  /** The service's bus settings; its name is also the queue group, so replicas share the work. */
  bus: BusSettings;
  healthPort: number;
  host?: string;
}

/**
 * Nest's NATS server, answering only what the contracts say this app serves, and only to the
 * reply inboxes of the apps that may send it. NATS already refuses a request from anyone else;
 * the inbox check closes the way around it: a request whose reply subject names a stream's subject
 * (so that the answer would be written into that stream, nats-io/nats-server discussion #8924).
 */
export class ContractNatsServer extends ServerNats {
  private readonly guardLogger = new Logger('ContractNatsServer');

  constructor(private readonly settings: BusSettings) {
    super({
      ...natsConnectionOptions(settings),
      queue: settings.app,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      gracefulShutdown: true,
      gracePeriod: 2_000,
    });
  }

  override async listen(callback: (error?: unknown) => void): Promise<void> {
    await super.listen((error?: unknown) => {
      if (error && isAuthViolation(error)) authFailed(this.settings);
      callback(error);
    });
  }

  override getMessageHandler(channel: string): (error: unknown, message: Msg) => Promise<unknown> {
    return async (error: unknown, message: Msg) => {
      if (error) return this.logger.error(error);
      const contract = requestContractOf(channel);
      const senders = contract && contract.servedBy === this.settings.app ? contract.from : [];
      if (
        !message.reply ||
        !senders.some((app: BusApp) => message.reply!.startsWith(`${inboxPrefix(app)}.`))
      ) {
        this.guardLogger.warn(
          { subject: message.subject, reply: message.reply ?? null },
          'Request dropped: its reply subject is not the inbox of an app that may send it',
        );
        return;
      }
      const started = performance.now();
      try {
        return await this.handleMessage(channel, message);
      } finally {
        busRequestDuration.observe(
          { subject: channel, side: 'server', outcome: 'handled' },
          (performance.now() - started) / 1000,
        );
      }
    };
  }
}

/**
 * Starts a NATS service: the health endpoints on HTTP (for probes) first, then the message
 * handlers. SIGTERM stops taking messages, lets in-flight handlers finish, then exits.
 */
export async function bootstrapService(options: ServiceBootstrap): Promise<INestApplication> {
  startMetrics(options.bus.app);
  const app = await NestFactory.create(options.module, { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  app.connectMicroservice({ strategy: new ContractNatsServer(options.bus) }, { inheritAppConfig: true });
  // Prometheus scrapes the health port: `/metrics` sits next to the probes.
  app
    .getHttpAdapter()
    .get('/metrics', (req: IncomingMessage, res: ServerResponse) => void serveMetrics(req, res));
  await app.listen(options.healthPort, options.host ?? '0.0.0.0');
  await app.startAllMicroservices();
  new Logger('Bootstrap').log(`${options.bus.app} ready (health on port ${options.healthPort})`);
  return app;
}
