import { DataSource } from 'typeorm';
import { ErrorCode } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { OrganizationRepository } from '../organizations/organization.repository';
import { MembershipEntity } from './membership.entity';
import { MembershipRepository } from './membership.repository';
import { NO_PERMISSION } from './memberships.access';
import {
  CANNOT_REMOVE_SELF,
  MEMBER_NOT_FOUND,
  NOT_ACTIVE_ORGANIZATION,
  RemoveMemberUseCase,
} from './remove-member.usecase';
import { UserContextRepository } from './user-context.repository';

const ORGANIZATION = 10;
const CALLER = 1;
const TARGET = 2;

interface World {
  callerOwnsAnOrganization: boolean;
  callerIsActiveMember: boolean;
  callerActiveOrganization: number | null;
  target: 'active' | 'removed' | 'missing';
}

const everythingAllowed = (): World => ({
  callerOwnsAnOrganization: true,
  callerIsActiveMember: true,
  callerActiveOrganization: ORGANIZATION,
  target: 'active',
});

/** The use-case over a described world; the transaction itself is covered by the integration test. */
function useCaseIn(world: World) {
  const transaction = jest.fn();
  const member = (userId: number) =>
    Object.assign(new MembershipEntity(), {
      userId,
      organizationId: ORGANIZATION,
      deletedAt: world.target === 'removed' && userId === TARGET ? new Date() : null,
    });
  const organizations = { isOwner: async () => world.callerOwnsAnOrganization };
  const memberships = {
    isActiveMember: async () => world.callerIsActiveMember,
    find: async (_organizationId: number, userId: number) =>
      userId === TARGET && world.target === 'missing' ? null : member(userId),
  };
  const contexts = { activeOrganizationId: async () => world.callerActiveOrganization };
  const useCase = new RemoveMemberUseCase(
    { manager: {}, transaction } as unknown as DataSource,
    organizations as unknown as OrganizationRepository,
    memberships as unknown as MembershipRepository,
    contexts as unknown as UserContextRepository,
    {} as AuditLogRepository,
    { kick: jest.fn() } as unknown as OutboxRelay,
    { request: jest.fn() } as unknown as BusClient,
  );
  return { useCase, transaction };
}

async function outcome(world: World, request: { userId?: number; caller?: number | 'admin' } = {}) {
  const { useCase, transaction } = useCaseIn(world);
  const userId = request.userId ?? TARGET;
  // Present and undefined is a system call; absent is the usual caller.
  const caller = 'caller' in request ? request.caller : CALLER;
  try {
    await useCase.execute(ORGANIZATION, userId, caller);
    return 'removed';
  } catch (error) {
    if (!(error instanceof BusError)) throw error;
    expect(transaction).not.toHaveBeenCalled();
    return { code: error.code, message: error.message };
  }
}

const forbidden = { code: ErrorCode.Forbidden, message: NO_PERMISSION };

describe('removing a member: the order of the checks', () => {
  it('refuses a caller who owns nothing before looking at anything else', async () => {
    await expect(
      outcome({
        callerOwnsAnOrganization: false,
        callerIsActiveMember: true,
        callerActiveOrganization: null,
        target: 'missing',
      }),
    ).resolves.toEqual(forbidden);
  });

  it('refuses an owner who is not an active member before the active-organization rule', async () => {
    await expect(
      outcome({ ...everythingAllowed(), callerIsActiveMember: false, callerActiveOrganization: 99 }),
    ).resolves.toEqual(forbidden);
  });

  it('refuses an organization other than the active one before looking for the member', async () => {
    await expect(
      outcome({ ...everythingAllowed(), callerActiveOrganization: 99, target: 'missing' }),
    ).resolves.toEqual({ code: ErrorCode.Forbidden, message: NOT_ACTIVE_ORGANIZATION });
  });

  it.each(['missing', 'removed'] as const)('answers "Member not found" for a %s member', async (target) => {
    await expect(outcome({ ...everythingAllowed(), target })).resolves.toEqual({
      code: ErrorCode.NotFound,
      message: MEMBER_NOT_FOUND,
    });
  });

  it('refuses to remove oneself last, with METHOD_NOT_ALLOWED', async () => {
    await expect(outcome(everythingAllowed(), { userId: CALLER })).resolves.toEqual({
      code: ErrorCode.MethodNotAllowed,
      message: CANNOT_REMOVE_SELF,
    });
  });

  it('refuses a call that names no caller', async () => {
    await expect(outcome(everythingAllowed(), { caller: undefined })).resolves.toEqual(forbidden);
  });

  it('lets the operator past the owner and active-organization rules, not past a missing member', async () => {
    const nobody: World = {
      callerOwnsAnOrganization: false,
      callerIsActiveMember: false,
      callerActiveOrganization: null,
      target: 'missing',
    };
    await expect(outcome(nobody, { caller: 'admin' })).resolves.toEqual({
      code: ErrorCode.NotFound,
      message: MEMBER_NOT_FOUND,
    });
  });
});
