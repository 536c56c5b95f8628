import { MsgHdrs, nkeys } from 'nats';
import { BusApp } from '@app/contracts';

/** Headers of a signed event: who signed it (an app's public nkey) and the Ed25519 signature. */
export const SIGNER_HEADER = 'x-event-signer';
export const SIGNATURE_HEADER = 'x-event-signature';

const encoder = new TextEncoder();

const signedBytes = (subject: string, msgId: string, data: Uint8Array): Uint8Array => {
  const head = encoder.encode(`${subject}\n${msgId}\n`);
  const bytes = new Uint8Array(head.length + data.length);
  bytes.set(head);
  bytes.set(data, head.length);
  return bytes;
};

/**
 * Signs an event with the publishing app's own nkey. NATS checks who may publish a subject, but on
 * one account it cannot stop a client from naming a stream's subject as the reply subject of a
 * JetStream API call or of a publish, and the server's answer is then stored in that stream
 * (nats-io/nats-server discussion #8924). Consumers act only on events signed by a publisher the
 * contract names, so whatever lands there that way is never acted on.
 */
export function signEvent(
  headers: MsgHdrs,
  seed: string,
  subject: string,
  msgId: string,
  data: Uint8Array,
): void {
  const pair = nkeys.fromSeed(encoder.encode(seed));
  headers.set(SIGNER_HEADER, pair.getPublicKey());
  headers.set(SIGNATURE_HEADER, Buffer.from(pair.sign(signedBytes(subject, msgId, data))).toString('base64'));
}

/** The public nkeys of the apps, as `nats-credentials` writes them (`public-keys.json`). */
export type PublicKeys = Partial<Record<BusApp, string>>;

/**
 * Why a message may not be acted on, or null when one of `publishers` signed exactly this subject,
 * message id and payload.
 */
export function signatureProblem(
  publishers: readonly BusApp[],
  publicKeys: PublicKeys,
  headers: MsgHdrs | undefined,
  subject: string,
  data: Uint8Array,
): string | null {
  const signer = headers?.get(SIGNER_HEADER);
  const signature = headers?.get(SIGNATURE_HEADER);
  const msgId = headers?.get('Nats-Msg-Id');
  if (!signer || !signature || !msgId) return 'unsigned';
  const trusted = publishers.some((app) => publicKeys[app] === signer);
  if (!trusted) return `signed by ${signer}, not by ${publishers.join(' or ')}`;
  try {
    const ok = nkeys
      .fromPublic(signer)
      .verify(signedBytes(subject, msgId, data), Buffer.from(signature, 'base64'));
    return ok ? null : 'bad signature';
  } catch {
    return 'bad signature';
  }
}
