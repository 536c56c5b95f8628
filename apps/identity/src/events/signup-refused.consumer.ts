import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InvitationsEvents, ParsedPayloadOf } from '@app/contracts';
import { BusClient, consumeDurably, DurableSubscription } from '@app/bus';
import { DeleteAccountUseCase } from '../accounts/delete-account.usecase';

const RETRY_MS = 1_000;

/**
 * Invitations refused a web signup after its account was made (the link was reset first): the
 * account made with that ticket is deleted. Durable, so it happens whoever crashed meanwhile;
 * idempotent, and an account registered with another ticket (or none) is never touched.
 */
@Injectable()
export class SignupRefusedConsumer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SignupRefusedConsumer.name);
  private subscription?: DurableSubscription;
  private stopped = false;

  constructor(
    private readonly bus: BusClient,
    private readonly accounts: DeleteAccountUseCase,
  ) {}

  start(): void {
    void this.subscribe();
  }

  async handle(event: ParsedPayloadOf<typeof InvitationsEvents.signupRefused>): Promise<void> {
    if (await this.accounts.deleteRefusedSignup(event.userId, event.ticket)) {
      this.logger.log({ userId: event.userId }, 'Account of a refused signup deleted');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
  }

  private async subscribe(): Promise<void> {
    while (!this.stopped && !this.subscription) {
      try {
        const nc = await this.bus.nats();
        if (this.stopped) return;
        this.subscription = await consumeDurably(
          nc,
          this.bus.settings,
          InvitationsEvents.signupRefused,
          (event) => this.handle(event),
        );
      } catch (error) {
        this.logger.warn(
          `Cannot subscribe to ${InvitationsEvents.signupRefused.subject} yet: ${String(error)}`,
        );
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    if (this.stopped) await this.subscription?.stop();
  }
}
