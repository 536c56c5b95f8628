import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Request } from 'express';
import { Strategy } from 'passport-local';
import { IdentitySubjects, SessionDto } from '@app/contracts';
import { BusClient } from '@app/bus';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import { checked, field } from '../../web/form-fields';

/**
 * The log-in form (`email`, `password`, `persist_session`): identity checks the password, over
 * the bus, and answers with a new session. Its refusals (wrong credentials, a rate limit, an
 * overloaded hash queue) come back as errors for the login guard to turn into the form's answer.
 */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(
    private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  async validate(req: Request, email: string, password: string): Promise<SessionDto | null> {
    // passport-local also reads the query string; a password is taken from the form only.
    if (field(req.body, 'email') !== email || field(req.body, 'password') !== password) return null;
    const { session } = await this.bus.request(
      IdentitySubjects.login,
      {
        email,
        password,
        persistent: checked(req.body, 'persist_session'),
        clientIp: req.ip,
      },
      { timeoutMs: this.config.passwordRequestTimeoutMs },
    );
    return session;
  }
}
