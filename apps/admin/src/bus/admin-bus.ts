import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ErrorCode, EventContract, PayloadOf, ReplyOf, RequestContract, RequestOf } from '@app/contracts';
import { BusClient, BusError, publishEvent, PublishedEvent } from '@app/bus';
import { newCorrelationId } from '@app/logging';
import { CliError } from '../cli/cli-error';
import { ADMIN_CONFIG, AdminConfig } from '../config';

/**
 * The CLI's one way to the services: the typed BusClient with the operator's own NATS credentials
 * (operator subjects accept nothing from anyone else; every change is audited as 'admin'). It turns transport failures into one-line
 * messages and never waits more than BUS_TIMEOUT_MS, not even for the first connection (the
 * client itself would wait for NATS forever, which suits a service but not a command).
 */
@Injectable()
export class AdminBus implements OnApplicationShutdown {
  private readonly client: BusClient;
  private connected?: Promise<void>;

  constructor(@Inject(ADMIN_CONFIG) private readonly config: AdminConfig) {
    this.client = new BusClient(config.nats);
  }

  async request<C extends RequestContract>(contract: C, payload: RequestOf<C>): Promise<ReplyOf<C>> {
    await this.connect();
    try {
      return await this.client.request(contract, payload);
    } catch (error) {
      throw this.transportFailure(contract.subject, error) ?? error;
    }
  }

  /**
   * Publishes one event to JetStream (its stream is its owner's: profiles creates LABELING);
   * `msgId` makes a repeat within the stream's duplicate window a no-op.
   */
  async publish<C extends EventContract>(
    contract: C,
    payload: PayloadOf<C>,
    msgId: string,
  ): Promise<PublishedEvent> {
    await this.connect();
    try {
      const nc = await this.client.nats();
      return await publishEvent(nc, this.config.nats, contract, payload, msgId, newCorrelationId());
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CliError(
        `error: could not publish to the JetStream stream ${contract.stream.name} (${reason})`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client.isConnected) await this.client.close();
  }

  private connect(): Promise<void> {
    if (!this.config.nats.seed) {
      return Promise.reject(
        new CliError(
          "error: NATS_NKEY_SEED (or NATS_NKEY_SEED_FILE) is required: the operator's NATS credentials",
        ),
      );
    }
    this.connected ??= new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(this.unreachable()), this.config.nats.timeoutMs);
      this.client.connect().then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        () => {
          clearTimeout(timer);
          reject(this.unreachable());
        },
      );
    });
    return this.connected;
  }

  private unreachable(): CliError {
    return new CliError(`error: cannot reach the message bus at ${this.config.nats.servers.join(', ')}`);
  }

  /** Failures of the bus or of a whole service, as a line; null for the service's own answers. */
  private transportFailure(subject: string, error: unknown): CliError | null {
    if (!(error instanceof BusError)) return null;
    const service = serviceOf(subject);
    switch (error.code) {
      case ErrorCode.Unavailable:
        return this.client.isConnected
          ? new CliError(`error: the ${service} service is not answering`)
          : this.unreachable();
      case ErrorCode.Timeout:
        return new CliError(
          `error: the ${service} service is not answering (no reply within ${this.config.nats.timeoutMs} ms)`,
        );
      case ErrorCode.Internal:
        return new CliError(`error: the ${service} service failed (see its log)`);
      default:
        return null;
    }
  }
}

/** `identity.account.find.v1` → `identity`. */
export const serviceOf = (subject: string): string => subject.split('.')[0];
