import { trustedOrigins } from './auth/origin-check';
import { busSchema, busSettings, loadConfig, lsBoolean, port, positiveInt, z } from '@app/config';

const schema = z
  .object({
    ...busSchema,
    PORT: port(8080),
    /** `/metrics` (Prometheus) listens here, never on the public port; 0 picks any free port. */
    HEALTH_PORT: port(8084),
    HOST: z.string().default('0.0.0.0'),
    /** Label Studio's `HOST`: an absolute URL prefixed to avatar URLs; usually empty. */
    LABEL_STUDIO_HOST: z
      .string()
      .default('')
      .transform((value) => value.replace(/\/+$/, '')),
    /** Legacy `Authorization: Token` is on by default (the seed: "use the user token for API access"). */
    LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN: lsBoolean(true),
    /** Mark cookies `Secure` (set when served behind TLS). */
    COOKIE_SECURE: lsBoolean(false),
    /**
     * Django's CSRF_TRUSTED_ORIGINS: other origins (`https://labels.example.com`) whose pages may
     * send unsafe requests with the session cookie; comma-separated.
     */
    CSRF_TRUSTED_ORIGINS: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const origins: string[] = [];
        for (const entry of value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)) {
          let origin: string | undefined;
          try {
            origin = new URL(entry).origin;
          } catch {
            origin = undefined;
          }
          if (!origin || origin === 'null' || origin !== entry.replace(/\/+$/, '')) {
            ctx.addIssue({ code: 'custom', message: `not an origin (scheme://host[:port]): ${entry}` });
          } else origins.push(origin);
        }
        return origins;
      }),
    /** Express `trust proxy`: how many proxy hops to believe for the client address. */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    BODY_LIMIT_BYTES: positiveInt(256 * 1024),
    /**
     * Rate limits shared by all replicas, per window: sign-ups per client address (every one
     * counts; a class of 300 behind one address fits the default), failed token authentications
     * and invitation links that are not valid per client address (only failures count), avatar
     * uploads per user. IPv6 addresses count by /64.
     */
    THROTTLE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
    SIGNUP_MAX_PER_CLIENT: positiveInt(500),
    TOKEN_FAILURES_MAX_PER_CLIENT: positiveInt(100),
    INVITE_FAILURES_MAX_PER_CLIENT: positiveInt(20),
    AVATAR_UPLOADS_MAX_PER_USER: positiveInt(30),
    /** How often coalesced last-activity times are sent to profiles. */
    ACTIVITY_FLUSH_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
    /**
     * How long the in-memory read model is still trusted after the bus is lost (revocations made
     * meanwhile cannot reach it); after that, authenticated requests answer 503 until it is back.
     */
    READ_MODEL_MAX_STALE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
    /**
     * How long a login or signup may wait for identity. Identity queues password work and admits a
     * request only when it can finish within this (and its own PASSWORD_QUEUE_MAX_WAIT_MS), so it
     * must be longer than that wait plus one hash for the whole queue to be usable.
     */
    PASSWORD_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(40_000),
  })
  .transform((env) => ({
    port: env.PORT,
    healthPort: env.HEALTH_PORT,
    host: env.HOST,
    nats: busSettings('gateway', env, { requirePublicKeys: true }),
    logLevel: env.LOG_LEVEL,
    publicHost: env.LABEL_STUDIO_HOST,
    legacyTokenAuth: env.LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN,
    cookieSecure: env.COOKIE_SECURE,
    trustedOrigins: trustedOrigins(env.CSRF_TRUSTED_ORIGINS, env.LABEL_STUDIO_HOST),
    trustProxyHops: env.TRUST_PROXY_HOPS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    throttle: {
      signup: { limit: env.SIGNUP_MAX_PER_CLIENT, windowSeconds: env.THROTTLE_WINDOW_SECONDS },
      tokenFailure: { limit: env.TOKEN_FAILURES_MAX_PER_CLIENT, windowSeconds: env.THROTTLE_WINDOW_SECONDS },
      inviteGuess: { limit: env.INVITE_FAILURES_MAX_PER_CLIENT, windowSeconds: env.THROTTLE_WINDOW_SECONDS },
      avatarUpload: { limit: env.AVATAR_UPLOADS_MAX_PER_USER, windowSeconds: env.THROTTLE_WINDOW_SECONDS },
    },
    activityFlushMs: env.ACTIVITY_FLUSH_MS,
    readModelMaxStaleMs: env.READ_MODEL_MAX_STALE_MS,
    passwordRequestTimeoutMs: env.PASSWORD_REQUEST_TIMEOUT_MS,
  }));

export type GatewayConfig = z.infer<typeof schema>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export const loadGatewayConfig = (env: Record<string, string | undefined> = process.env): GatewayConfig =>
  loadConfig(schema, env);
