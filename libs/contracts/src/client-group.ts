import { isIPv6 } from 'node:net';

/**
 * The group a client address is throttled as: an IPv4 address on its own, an IPv6 address by its
 * /64 (one subscriber usually holds a whole /64, so per-address limits would be void for IPv6).
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`, as Node reports IPv4 on a dual-stack socket) is IPv4.
 */
export function clientGroup(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1];
  const bare = address.replace(/%.*$/, '');
  if (!isIPv6(bare)) return address.toLowerCase();
  const [head, tail = ''] = bare.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail counts as two groups, but only the first four groups matter here.
  const missing = 8 - left.length - right.length;
  const groups = bare.includes('::')
    ? [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
