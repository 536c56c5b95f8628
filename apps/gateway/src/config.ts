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
    /** Express `trust proxy`: how many proxy hops to believe for the client address. */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    BODY_LIMIT_BYTES: positiveInt(256 * 1024),
    SESSION_MAX_AGE_SECONDS: positiveInt(14 * 24 * 3600),
    /** How often coalesced last-activity times are sent to profiles. */
    ACTIVITY_FLUSH_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
    /**
     * How long the in-memory read model is still trusted after the bus is lost (revocations made
     * meanwhile cannot reach it); after that, authenticated requests answer 503 until it is back.
     */
    READ_MODEL_MAX_STALE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
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
    trustProxyHops: env.TRUST_PROXY_HOPS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    sessionMaxAgeSeconds: env.SESSION_MAX_AGE_SECONDS,
    activityFlushMs: env.ACTIVITY_FLUSH_MS,
    readModelMaxStaleMs: env.READ_MODEL_MAX_STALE_MS,
  }));

export type GatewayConfig = z.infer<typeof schema>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export const loadGatewayConfig = (env: Record<string, string | undefined> = process.env): GatewayConfig =>
  loadConfig(schema, env);
