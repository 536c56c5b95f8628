import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { chosenTokenWarning, ErrorCode } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { ConfigError } from '@app/config';
import { ProvisionAccountUseCase } from '../accounts/provision-account.usecase';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';

/**
 * The operator's account from LABEL_STUDIO_USERNAME / LABEL_STUDIO_PASSWORD (and optionally
 * LABEL_STUDIO_USER_TOKEN), made at start-up after the migrations and before the service takes
 * messages or reports ready. Every replica runs this; the provision use-case lets exactly one
 * create it, and an account that exists is left as it is (Label Studio: "User U already exists").
 */
@Injectable()
export class BootstrapAccount implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapAccount');

  constructor(
    private readonly provision: ProvisionAccountUseCase,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const settings = this.config.BOOTSTRAP_ACCOUNT;
    if (!settings) return;
    try {
      const { account, created } = await this.provision.execute(
        { email: settings.email, password: settings.password, token: settings.token },
        undefined,
        'environment',
      );
      if (created) this.logger.log(`User ${account.email} created (id ${account.id})`);
      const warning = chosenTokenWarning(settings.token);
      if (created && warning) this.logger.warn(`${settings.variables.token}: ${warning}`);
      else this.logger.log(`User ${account.email} already exists`);
    } catch (error) {
      if (error instanceof ServiceError && error.code === ErrorCode.Conflict) {
        // Start-up stops with a message naming the variable, like any other bad configuration.
        throw new ConfigError([`${settings.variables.token}: ${error.message}`]);
      }
      if (error instanceof ServiceError && error.code === ErrorCode.ValidationFailed) {
        const names: Record<string, string> = settings.variables;
        throw new ConfigError(
          Object.entries(error.fields ?? {}).flatMap(([field, messages]) =>
            messages.map((message) => `${names[field] ?? field}: ${message}`),
          ),
        );
      }
      throw error;
    }
  }
}
