import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Each app's Prometheus metrics, served at `/metrics` on its health port (never on the gateway's
 * public port). Besides Node's own (event-loop lag, heap, GC, handles), the figures an operator
 * watches: HTTP and bus request durations by route/subject and outcome, the password-hash queue,
 * outbox lag and consumer lag.
 */
export const metricsRegistry = new Registry();

let started = false;

/** Labels every series with the app's name and starts Node's default collectors (once). */
export function startMetrics(app: string): void {
  if (started) return;
  started = true;
  metricsRegistry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 20 });
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Gateway: one observation per HTTP request, by route pattern (never the raw path) and status. */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

/**
 * Bus requests by subject and outcome: `side="client"` is the caller's view (outcome `ok` or the
 * error code, e.g. `timeout`, `unavailable`), `side="server"` the time a handler took.
 */
export const busRequestDuration = new Histogram({
  name: 'bus_request_duration_seconds',
  help: 'NATS requests by subject, side (client or server) and outcome',
  labelNames: ['subject', 'side', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

/** Identity: password hashes waiting for a worker, and how long they waited. */
export const passwordHashQueueDepth = new Gauge({
  name: 'password_hash_queue_depth',
  help: 'Password hashes (signup, login, password change) waiting for a worker',
  registers: [metricsRegistry],
});

export const passwordHashQueueWait = new Histogram({
  name: 'password_hash_queue_wait_seconds',
  help: 'Time a password hash waited in the queue before a worker took it',
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

type Sampler = () => Promise<number | null>;
const outboxSamplers = new Map<string, Sampler>();
const consumerSamplers = new Map<string, { stream: string; consumer: string; sample: Sampler }>();

/** A service's outbox: the age of the oldest change not yet published (0 when none waits). */
export function watchOutboxLag(database: string, sample: Sampler): void {
  outboxSamplers.set(database, sample);
}

/** A durable consumer: how many messages of its stream it has not yet been given. */
export function watchConsumerLag(stream: string, consumer: string, sample: Sampler): void {
  consumerSamplers.set(`${stream}/${consumer}`, { stream, consumer, sample });
}

/** A scrape must answer even when the database or the bus does not: a failed sample is left out. */
const settled = async (sample: Sampler): Promise<number | null> => {
  try {
    return await Promise.race([
      sample(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 1_000).unref()),
    ]);
  } catch {
    return null;
  }
};

new Gauge({
  name: 'outbox_lag_seconds',
  help: 'Age of the oldest outbox row (event or read-model change) not yet published',
  labelNames: ['database'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const [database, sample] of outboxSamplers) {
      const value = await settled(sample);
      if (value !== null) this.set({ database }, value);
    }
  },
});

new Gauge({
  name: 'jetstream_consumer_pending_messages',
  help: 'Messages of the stream not yet delivered to the durable consumer',
  labelNames: ['stream', 'consumer'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const { stream, consumer, sample } of consumerSamplers.values()) {
      const value = await settled(sample);
      if (value !== null) this.set({ stream, consumer }, value);
    }
  },
});

/** Answers a scrape (`GET /metrics`) with the text exposition format. */
export async function serveMetrics(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await metricsRegistry.metrics();
  res.writeHead(200, { 'Content-Type': metricsRegistry.contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

/**
 * A listener of its own for `/metrics` (the gateway's health port): nothing else is served there,
 * so metrics never reach the public port.
 */
export function listenForMetrics(port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      serveMetrics(req, res).catch(() => {
        res.writeHead(500).end();
      });
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
