import { Injectable } from '@nestjs/common';
import { MembershipContextDto } from '@app/contracts';
import { toMembershipContext } from './membership.mapper';
import { UserContextRepository } from './user-context.repository';

@Injectable()
export class GetContextsUseCase {
  constructor(private readonly contexts: UserContextRepository) {}

  async get(userId: number): Promise<MembershipContextDto> {
    const [context] = await this.list([userId]);
    return context;
  }

  /** One context per requested id, in the order asked; unknown users have no active organization. */
  async list(userIds: number[]): Promise<MembershipContextDto[]> {
    const active = await this.contexts.activeOrganizations(userIds);
    return userIds.map((userId) => toMembershipContext(userId, active.get(userId) ?? null));
  }
}
