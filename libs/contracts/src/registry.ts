import {
  CounterBucketContract,
  EventContract,
  KvBucketContract,
  ObjectStoreContract,
  RequestContract,
  StreamContract,
} from './contract';
import { IdentityEvents, IdentitySubjects } from './identity';
import { InvitationsEvents, InvitationsSubjects } from './invitations';
import { LabelingEvents } from './labeling';
import { AvatarUploads, ProfilesSubjects } from './profiles';
import { ReadModels } from './read-models';
import { ThrottleCounters } from './throttle';

/** Everything that may cross the bus; the NATS permissions are generated from exactly this. */
export interface BusContracts {
  requests: readonly RequestContract[];
  events: readonly EventContract[];
  objectStores: readonly ObjectStoreContract[];
  readModels: readonly KvBucketContract[];
  counterBuckets?: readonly CounterBucketContract[];
}

const eventsOf = (group: Record<string, unknown>): EventContract[] =>
  Object.values(group).filter(
    (value): value is EventContract =>
      typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'event',
  );

export const BUS_CONTRACTS: BusContracts = {
  requests: [
    ...Object.values(IdentitySubjects),
    ...Object.values(InvitationsSubjects),
    ...Object.values(ProfilesSubjects),
  ],
  events: [...eventsOf(IdentityEvents), ...eventsOf(InvitationsEvents), ...eventsOf(LabelingEvents)],
  objectStores: [AvatarUploads],
  readModels: Object.values(ReadModels),
  counterBuckets: [ThrottleCounters],
};

export const streamsOf = (contracts: BusContracts): StreamContract[] => [
  ...new Map(contracts.events.map((e) => [e.stream.name, e.stream])).values(),
];

/** The request contract served on `subject`, if any. */
export function requestContractOf(
  subject: string,
  contracts: BusContracts = BUS_CONTRACTS,
): RequestContract | undefined {
  return contracts.requests.find((c) => c.subject === subject);
}

/** The event contract published on `subject`, if any. */
export function eventContractOf(
  subject: string,
  contracts: BusContracts = BUS_CONTRACTS,
): EventContract | undefined {
  return contracts.events.find((c) => c.subject === subject);
}
