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
import { NatsContext, ServerNats } from '@nestjs/microservices';
import { Msg, Subscription } from '@nats-io/transport-node';
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

/**
 * What the access log keeps of a request and its response. Invitation links carry their token in
 * the query string: it never reaches a log line.
 */
export const accessLogSerializers = {
  req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({
    id: req.id,
    method: req.method,
    url: redactQuery(req.originalUrl ?? req.url ?? ''),
    remoteAddress: req.socket?.remoteAddress,
  }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
};

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
      // One access line per request says who asked what and how it ended, nothing more: the
      // request is reduced to these fields when the line is made (every request pays for it,
      // whatever the level), and headers, which carry credentials, are never logged.
      wrapSerializers: false,
      serializers: accessLogSerializers,
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
  /** Requests taken and not yet answered. */
  private inFlight = 0;
  private idle?: () => void;

  constructor(
    private readonly settings: BusSettings,
    /** How long a shutdown waits for the requests it has taken to be answered. */
    private readonly shutdownGraceMs = 20_000,
  ) {
    super({
      ...natsConnectionOptions(settings),
      queue: settings.app,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
  }

  /**
   * Drains: the subscriptions stop taking messages, what the client already received is still
   * handled, and the connection closes once every request taken has been answered (or the grace
   * period is over). Nest's own graceful mode unsubscribes (dropping what was received but not yet
   * handled, which the sender sees as a timeout) and waits a fixed time.
   */
  override async close(): Promise<void> {
    const subscriptions = (this as unknown as { subscriptions: Subscription[] }).subscriptions;
    await Promise.all(subscriptions.map((sub) => sub.drain().catch(() => undefined)));
    if (this.inFlight > 0) {
      this.guardLogger.log({ inFlight: this.inFlight }, 'Draining: waiting for requests in progress');
      const drained = new Promise<void>((resolve) => (this.idle = resolve));
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.shutdownGraceMs)));
      await Promise.race([drained, expired]);
      clearTimeout(timer);
      if (this.inFlight > 0) {
        this.guardLogger.warn(
          { inFlight: this.inFlight },
          'Grace period over: closing with requests in progress',
        );
      }
    }
    await super.close();
  }

  override getPublisher(natsMsg: Msg, id: string, ctx: NatsContext) {
    const publish = super.getPublisher(natsMsg, id, ctx);
    let answered = false;
    return (response: unknown) => {
      if (!answered) {
        answered = true;
        this.inFlight--;
        if (this.inFlight === 0) this.idle?.();
      }
      return publish(response);
    };
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
      this.inFlight++;
      const started = performance.now();
      try {
        // As Nest's own handler does: a message that cannot be handled is logged, not thrown at NATS.
        return await this.handleMessage(channel, message).catch((error: unknown) => this.logger.error(error));
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
  app.connectMicroservice(
    { strategy: new ContractNatsServer(options.bus, options.bus.shutdownGraceMs) },
    { inheritAppConfig: true },
  );
  // Prometheus scrapes the health port: `/metrics` sits next to the probes.
  app
    .getHttpAdapter()
    .get('/metrics', (req: IncomingMessage, res: ServerResponse) => void serveMetrics(req, res));
  await app.listen(options.healthPort, options.host ?? '0.0.0.0');
  await app.startAllMicroservices();
  new Logger('Bootstrap').log(`${options.bus.app} ready (health on port ${options.healthPort})`);
  return app;
}
