import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { fromPublic, fromSeed } from '@nats-io/nkeys';
import { MsgHdrs } from '@nats-io/transport-node';
import { BusApp } from '@app/contracts';

/** Headers of a signed event: who signed it (an app's public nkey) and the Ed25519 signature. */
export const SIGNER_HEADER = 'x-event-signer';
export const SIGNATURE_HEADER = 'x-event-signature';

const encoder = new TextEncoder();

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(text: string): Buffer {
  const out: number[] = [];
  let value = 0;
  let bits = 0;
  for (const char of text) {
    value = (value << 5) | BASE32.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// nkeys are Ed25519 keys: signing and checking go through Node's own crypto (native, about a
// thousand times faster than the pure-JS curve @nats-io/nkeys uses), with the keys decoded once.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const privateKeys = new Map<string, { key: KeyObject; publicKey: string }>();
const publicKeys = new Map<string, KeyObject | null>();

function privateKeyOf(seed: string): { key: KeyObject; publicKey: string } {
  let found = privateKeys.get(seed);
  if (!found) {
    // Checked once (checksum, type), then the raw 32-byte seed after the 2-byte prefix.
    const publicKey = fromSeed(encoder.encode(seed)).getPublicKey();
    const raw = base32(seed).subarray(2, 34);
    found = {
      key: createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, raw]), format: 'der', type: 'pkcs8' }),
      publicKey,
    };
    privateKeys.set(seed, found);
  }
  return found;
}

function publicKeyOf(publicKey: string): KeyObject | null {
  if (!publicKeys.has(publicKey)) {
    let key: KeyObject | null;
    try {
      fromPublic(publicKey);
      const raw = base32(publicKey).subarray(1, 33);
      key = createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
    } catch {
      key = null;
    }
    publicKeys.set(publicKey, key);
  }
  return publicKeys.get(publicKey) ?? null;
}

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
  const { key, publicKey } = privateKeyOf(seed);
  headers.set(SIGNER_HEADER, publicKey);
  headers.set(SIGNATURE_HEADER, sign(null, signedBytes(subject, msgId, data), key).toString('base64'));
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
  const key = publicKeyOf(signer);
  if (!key) return 'bad signature';
  try {
    return verify(null, signedBytes(subject, msgId, data), key, Buffer.from(signature, 'base64'))
      ? null
      : 'bad signature';
  } catch {
    return 'bad signature';
  }
}
