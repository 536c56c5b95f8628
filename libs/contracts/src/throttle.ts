import { counterBucket } from './contract';

/**
 * The gateway's rate-limit counters, shared by all its replicas (a limit per replica would grow
 * with their number). One key per rule, client (or user) and window; each value is a count.
 */
export const ThrottleCounters = counterBucket({
  bucket: 'gateway-throttle',
  owner: 'gateway',
  // The longest window any rule counts, with room for clocks a little apart.
  maxAgeSeconds: 2 * 3600,
});
