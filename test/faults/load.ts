import { randomBytes } from 'node:crypto';

/** What one request ended as. */
export type Outcome =
  | 'ok'
  /** A definite refusal of the input (validation error, already exists). */
  | 'refused'
  | 'throttled'
  | 'unavailable'
  | 'timeout'
  | 'server-error'
  /** The connection failed or was cut (its gateway was killed): a load balancer's retry case. */
  | 'network';

export type OperationKind = 'signup' | 'login' | 'whoami' | 'avatar';

export interface Sample {
  kind: OperationKind;
  outcome: Outcome;
  status: number | null;
  ms: number;
  at: number;
  /** A 503/504/429 came with Retry-After and Label Studio's error envelope. */
  wellFormed: boolean;
}

export interface Member {
  email: string;
  password: string;
  token: string;
  userId: number;
}

export const PASSWORD = 'a long enough password 1';
const REQUEST_LIMIT_MS = 30_000;

const outcomeOf = (kind: OperationKind, status: number): Outcome => {
  // The login form answers a failed login with the form again (200); a login is a redirect.
  if (kind === 'login' && status === 200) return 'refused';
  if (status >= 200 && status < 400) return 'ok';
  if (status === 429) return 'throttled';
  if (status === 503) return 'unavailable';
  if (status === 504) return 'timeout';
  if (status >= 500) return 'server-error';
  return 'refused';
};

/** A client address of its own per request: the per-client login throttle is not under test here. */
const clientAddress = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

/** The body and headers of an error answer have Label Studio's envelope and a Retry-After. */
async function wellFormedError(res: Response): Promise<boolean> {
  const text = await res.text();
  if (![429, 503, 504].includes(res.status)) return true;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return (
      body.status_code === res.status &&
      typeof body.detail === 'string' &&
      body.exc_info === null &&
      !!res.headers.get('retry-after')
    );
  } catch {
    return false;
  }
}

/**
 * Traffic against every gateway replica in turn, as a load balancer would spread it: signups of
 * new people (each remembered with its outcome), logins, whoami and avatar uploads of existing
 * members. A connection that fails is retried on the next replica, as a load balancer does; a
 * signup whose outcome was not definite is retried by its person, as people do.
 */
export class Load {
  readonly samples: Sample[] = [];
  /** Emails whose signup was acknowledged (302, or "already exists" on a retry after an unclear answer). */
  readonly acknowledged = new Set<string>();
  /** Emails whose signup never got a definite answer (never acknowledged, never refused). */
  readonly unclear = new Set<string>();
  private running = false;
  private workers: Array<Promise<void>> = [];
  private next = 0;
  private counter = 0;

  constructor(
    private readonly gateways: () => string[],
    private readonly members: Member[],
    private readonly avatar: Buffer,
    private readonly runId = randomBytes(3).toString('hex'),
  ) {}

  start(concurrency: number): void {
    this.running = true;
    this.workers = Array.from({ length: concurrency }, (_, i) => this.worker(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  count(filter: (s: Sample) => boolean = () => true): number {
    return this.samples.filter(filter).length;
  }

  private async worker(index: number): Promise<void> {
    const kinds: OperationKind[] = ['signup', 'whoami', 'login', 'whoami', 'avatar', 'whoami'];
    let step = index;
    while (this.running) {
      const kind = kinds[step++ % kinds.length];
      if (kind === 'signup') await this.signup(`load-${this.runId}-${this.counter++}@example.com`);
      else await this.memberOperation(kind);
    }
  }

  /** One attempt at `path` through the next gateway; connection failures go to the next one. */
  private async send(kind: OperationKind, build: (base: string) => Promise<Response>): Promise<Sample> {
    const started = Date.now();
    const first = this.next++;
    for (let attempt = 0; ; attempt++) {
      // A failed connection is tried again on the next replica, as a load balancer does.
      const gateways = this.gateways();
      const base = gateways[(first + attempt) % gateways.length];
      try {
        const res = await build(base);
        const wellFormed = await wellFormedError(res);
        const sample: Sample = {
          kind,
          outcome: outcomeOf(kind, res.status),
          status: res.status,
          ms: Date.now() - started,
          at: started,
          wellFormed,
        };
        this.samples.push(sample);
        return sample;
      } catch {
        if (attempt < 3 && this.running) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        const sample: Sample = {
          kind,
          outcome: 'network',
          status: null,
          ms: Date.now() - started,
          at: started,
          wellFormed: true,
        };
        this.samples.push(sample);
        return sample;
      }
    }
  }

  async signup(email: string): Promise<Outcome> {
    for (let attempt = 0; attempt < 4; attempt++) {
      let location = '';
      const sample = await this.send('signup', async (base) => {
        const address = clientAddress();
        const page = await fetch(`${base}/user/signup/`, {
          headers: { 'x-forwarded-for': address },
          signal: AbortSignal.timeout(REQUEST_LIMIT_MS),
        });
        await page.arrayBuffer();
        const csrf = /csrftoken=([^;]+)/.exec(page.headers.getSetCookie().join(';'))?.[1] ?? '';
        const res = await fetch(`${base}/user/signup/`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: `csrftoken=${csrf}`,
            'x-forwarded-for': address,
          },
          body: new URLSearchParams({ email, password: PASSWORD, csrfmiddlewaretoken: csrf }).toString(),
          redirect: 'manual',
          signal: AbortSignal.timeout(REQUEST_LIMIT_MS),
        });
        location = res.headers.get('location') ?? '';
        return res;
      });
      if (sample.outcome === 'ok' && location) {
        this.acknowledged.add(email);
        this.unclear.delete(email);
        return 'ok';
      }
      if (sample.outcome === 'refused' || (sample.outcome === 'ok' && !location)) {
        // "Already exists" after an unclear first answer: the account was made then.
        if (attempt > 0 && this.unclear.has(email)) {
          this.acknowledged.add(email);
          this.unclear.delete(email);
        }
        return 'refused';
      }
      // 503/504/429/network: the person does not know whether it worked, and tries again.
      this.unclear.add(email);
      await new Promise((r) => setTimeout(r, 500));
    }
    return 'unavailable';
  }

  private async memberOperation(kind: OperationKind): Promise<void> {
    const member = this.members[Math.floor(Math.random() * this.members.length)];
    await this.send(kind, (base) => {
      const signal = AbortSignal.timeout(REQUEST_LIMIT_MS);
      const address = clientAddress();
      switch (kind) {
        case 'whoami':
          return fetch(`${base}/api/current-user/whoami`, {
            headers: { authorization: `Token ${member.token}`, 'x-forwarded-for': address },
            signal,
          });
        case 'login':
          return fetch(`${base}/user/login/`, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              cookie: 'csrftoken=loadtestcsrftokenloadtestcsrftoken',
              'x-forwarded-for': address,
            },
            body: new URLSearchParams({
              email: member.email,
              password: member.password,
              csrfmiddlewaretoken: 'loadtestcsrftokenloadtestcsrftoken',
            }).toString(),
            redirect: 'manual',
            signal,
          });
        default: {
          const body = new FormData();
          body.append('avatar', new Blob([this.avatar], { type: 'image/png' }), 'me.png');
          return fetch(`${base}/api/users/${member.userId}/avatar/`, {
            method: 'POST',
            headers: { authorization: `Token ${member.token}`, 'x-forwarded-for': address },
            body,
            signal,
          });
        }
      }
    });
  }
}

/** Requests by kind and outcome, for the report. */
export function summarise(samples: Sample[]): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  for (const s of samples) {
    table[s.kind] ??= {};
    table[s.kind][s.outcome] = (table[s.kind][s.outcome] ?? 0) + 1;
  }
  return table;
}
