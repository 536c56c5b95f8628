import { MessagePattern, Payload } from '@nestjs/microservices';
import { ErrorCode, InvitationsSubjects, TokenSettingsDto } from '@app/contracts';
import { BusController, Caller, fail, parseRequest } from '@app/bus';
import { NO_PERMISSION } from '../memberships/memberships.access';
import { TokenSettingsUseCase } from './token-settings.usecase';

const signedIn = (caller: number | undefined): number => caller ?? fail(ErrorCode.Forbidden, NO_PERMISSION);

@BusController()
export class TokenSettingsHandler {
  constructor(private readonly settings: TokenSettingsUseCase) {}

  @MessagePattern(InvitationsSubjects.getTokenSettings.subject)
  get(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<TokenSettingsDto> {
    parseRequest(InvitationsSubjects.getTokenSettings, payload);
    return this.settings.get(signedIn(caller));
  }

  @MessagePattern(InvitationsSubjects.updateTokenSettings.subject)
  update(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<TokenSettingsDto> {
    return this.settings.update(
      parseRequest(InvitationsSubjects.updateTokenSettings, payload),
      signedIn(caller),
    );
  }
}
