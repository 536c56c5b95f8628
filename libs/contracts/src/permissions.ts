import { BusApp, inboxPrefix } from './contract';
import { BUS_CONTRACTS, BusContracts, streamsOf } from './registry';

/** What one app's NATS user may do: the `permissions` block of its entry in the server config. */
export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
  /**
   * NATS' `allow_responses`. Never set for the system's apps: it lets a responder publish to any
   * reply subject a requester names, including a stream's subjects or `$JS.API.STREAM.DELETE.…`.
   * Responders may publish to the inboxes of the apps that may ask them instead.
   */
  allowResponses: boolean;
}

const API = '$JS.API';

/**
 * The NATS permissions of `app`, derived from the contracts alone: nobody writes them by hand.
 *
 * - requests: senders may publish the subject; the serving app may subscribe to it and answer
 *   into the inboxes of the apps that may send it (and nowhere else).
 * - replies: each app may subscribe only to its own inbox prefix, never to another app's.
 * - events: publishers may publish the subject; a stream's owner may create and inspect it; each
 *   consumer may create, read and acknowledge only its own durable consumer.
 * - object stores: writers may create the bucket, put and discard; readers may get and delete.
 * - read models (key-value buckets): the owner creates and writes; readers watch.
 * - counter buckets: the owner creates, reads (direct get) and writes; nobody else touches them.
 */
export function natsPermissions(app: BusApp, contracts: BusContracts = BUS_CONTRACTS): NatsPermissions {
  const publish = new Set<string>();
  const subscribe = new Set<string>([`${inboxPrefix(app)}.>`]);
  let jetstream = false;

  for (const contract of contracts.requests) {
    if (contract.from.includes(app)) publish.add(contract.subject);
    if (contract.servedBy === app) {
      subscribe.add(contract.subject);
      for (const sender of contract.from) publish.add(`${inboxPrefix(sender)}.>`);
    }
  }

  for (const stream of streamsOf(contracts)) {
    if (stream.owner !== app) continue;
    jetstream = true;
    publish.add(`${API}.STREAM.INFO.${stream.name}`);
    publish.add(`${API}.STREAM.CREATE.${stream.name}`);
    // To turn on deny_delete / deny_purge on a stream made before they were set.
    publish.add(`${API}.STREAM.UPDATE.${stream.name}`);
  }
  for (const event of contracts.events) {
    if (event.publishedBy.includes(app)) {
      jetstream = true;
      publish.add(event.subject);
      // A publisher that is not the stream's owner still learns whether the stream is there.
      publish.add(`${API}.STREAM.INFO.${event.stream.name}`);
    }
    const durable = event.consumers[app];
    if (durable) {
      jetstream = true;
      const consumer = `${event.stream.name}.${durable}`;
      // Its own durable, filtered on its own subject (nats.js names the filter in the subject).
      publish.add(`${API}.CONSUMER.CREATE.${consumer}.${event.subject}`);
      publish.add(`${API}.CONSUMER.INFO.${consumer}`);
      publish.add(`${API}.CONSUMER.MSG.NEXT.${consumer}`);
      publish.add(`$JS.ACK.${consumer}.>`);
    }
  }

  for (const store of contracts.objectStores) {
    const writer = store.writers.includes(app);
    const reader = store.readers.includes(app);
    if (!writer && !reader) continue;
    jetstream = true;
    const name = `OBJ_${store.bucket}`;
    publish.add(`${API}.STREAM.INFO.${name}`);
    if (writer) {
      publish.add(`${API}.STREAM.CREATE.${name}`);
      publish.add(`$O.${store.bucket}.C.>`);
    }
    // Meta records are written by put and by delete (a delete marker); chunks are purged on delete.
    publish.add(`$O.${store.bucket}.M.>`);
    publish.add(`${API}.STREAM.PURGE.${name}`);
    publish.add(`${API}.STREAM.MSG.GET.${name}`);
    if (reader) {
      // `get` reads an object's chunks with an ordered consumer filtered on them (named in the
      // subject), and answers its flow control.
      publish.add(`${API}.CONSUMER.CREATE.${name}.*.$O.${store.bucket}.C.>`);
      publish.add(`$JS.FC.${name}.>`);
    }
  }

  for (const model of contracts.readModels) {
    const owner = model.owner === app;
    const reader = model.readers.includes(app);
    if (!owner && !reader) continue;
    jetstream = true;
    const name = `KV_${model.bucket}`;
    publish.add(`${API}.STREAM.INFO.${name}`);
    if (owner) {
      publish.add(`${API}.STREAM.CREATE.${name}`);
      publish.add(`$KV.${model.bucket}.>`);
    }
    if (reader) {
      // A watch is an ordered consumer over the whole bucket, with flow control.
      publish.add(`${API}.CONSUMER.CREATE.${name}.*.$KV.${model.bucket}.>`);
      publish.add(`$JS.FC.${name}.>`);
    }
  }

  for (const counters of contracts.counterBuckets ?? []) {
    if (counters.owner !== app) continue;
    jetstream = true;
    const name = `KV_${counters.bucket}`;
    publish.add(`${API}.STREAM.INFO.${name}`);
    publish.add(`${API}.STREAM.CREATE.${name}`);
    publish.add(`$KV.${counters.bucket}.>`);
    publish.add(`${API}.DIRECT.GET.${name}.>`);
    publish.add(`${API}.STREAM.MSG.GET.${name}`);
  }

  if (jetstream) publish.add(`${API}.INFO`);
  return { publish: [...publish].sort(), subscribe: [...subscribe].sort(), allowResponses: false };
}
