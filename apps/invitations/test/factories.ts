import { EnsureMembershipRequest, UserRegisteredEvent } from '@app/contracts';

export function membershipRequest(overrides: Partial<EnsureMembershipRequest> = {}): EnsureMembershipRequest {
  const userId = overrides.userId ?? 1;
  return {
    userId,
    email: `user${userId}@example.com`,
    organizationId: null,
    setActiveOrganization: true,
    ...overrides,
  };
}

export function userRegistered(overrides: Partial<UserRegisteredEvent> = {}): UserRegisteredEvent {
  const userId = overrides.userId ?? 1;
  return {
    userId,
    email: `user${userId}@example.com`,
    username: `user${userId}`,
    allowNewsletters: null,
    organizationId: null,
    setActiveOrganization: true,
    occurredAt: new Date().toISOString(),
    ...overrides,
  };
}
