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
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import { acceptCorrelationId, createLogger, redactQuery } from '@app/logging';
import { BusClient } from './bus.client';

export interface BusSettings {
  name: string;
  servers: string[];
  timeoutMs: number;
}

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
  /** Queue group: replicas of one service share the work. */
  queue: string;
  servers: string[];
  healthPort: number;
  host?: string;
}

/**
 * Starts a NATS service: the health endpoints on HTTP (for probes) first, then the message
 * handlers. SIGTERM stops taking messages, lets in-flight handlers finish, then exits.
 */
export async function bootstrapService(options: ServiceBootstrap): Promise<INestApplication> {
  const app = await NestFactory.create(options.module, { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  app.connectMicroservice<MicroserviceOptions>(
    {
      transport: Transport.NATS,
      options: {
        servers: options.servers,
        queue: options.queue,
        name: options.queue,
        waitOnFirstConnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        gracefulShutdown: true,
        gracePeriod: 2_000,
      },
    },
    { inheritAppConfig: true },
  );
  await app.listen(options.healthPort, options.host ?? '0.0.0.0');
  await app.startAllMicroservices();
  new Logger('Bootstrap').log(`${options.queue} ready (health on port ${options.healthPort})`);
  return app;
}
