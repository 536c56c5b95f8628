import { readJson, TestBrowser, tokenHeaders } from '../support/http-client';
import { eventually, startTestStack, TestStack } from '../support/stack';

/** One series' value from Prometheus' text format, by name and labels; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([key, value]) => body.includes(`${key}="${value}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

/**
 * Each app serves Prometheus metrics on its health port (the gateway on one of its own), and the
 * figures follow what happened: requests by route, bus requests by subject and outcome, outbox and
 * consumer lag, Node's event-loop lag.
 */
describe('metrics', () => {
  let sut: TestStack;
  let gatewayMetrics: string;
  const scrape = async (url: string) => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  };

  beforeAll(async () => {
    sut = await startTestStack();
    gatewayMetrics = `http://127.0.0.1:${sut.stack.options.gatewayHealthPorts![0]}/metrics`;
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  it('are never served on the public port', async () => {
    expect((await fetch(`${sut.baseUrl}/metrics`)).status).toBe(404);
  });

  it('count gateway requests by route pattern and status, and bus requests by subject and outcome', async () => {
    const browser = new TestBrowser(sut.baseUrl);
    expect((await browser.signup('metrics@example.com', 'a long password 1')).status).toBe(302);
    const { token } = await readJson<{ token: string }>(await browser.get('/api/current-user/token'));
    const before =
      sample(await scrape(gatewayMetrics), 'http_request_duration_seconds_count', {
        route: '/api/current-user/whoami',
        status: '200',
      }) ?? 0;
    for (let i = 0; i < 3; i++) {
      expect(
        (await fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers: tokenHeaders(token) })).status,
      ).toBe(200);
    }
    expect((await fetch(`${sut.baseUrl}/api/users/999999`, { headers: tokenHeaders(token) })).status).toBe(
      404,
    );
    const text = await scrape(gatewayMetrics);
    expect(
      sample(text, 'http_request_duration_seconds_count', {
        route: '/api/current-user/whoami',
        status: '200',
      }),
    ).toBe(before + 3);
    // The pattern, never the raw path (ids and tokens never become labels).
    expect(text).not.toContain('route="/api/users/999999"');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/users\/:[a-z_]+"[^}]*status="404"/,
    );
    // Signup asked identity over the bus, and it answered.
    expect(text).toMatch(
      /bus_request_duration_seconds_count\{[^}]*subject="identity\.[^"]+"[^}]*side="client"[^}]*outcome="ok"/,
    );
    expect(text).toMatch(/nodejs_eventloop_lag_seconds\{[^}]*app="gateway"/);
  });

  it('show each service handling bus requests, its outbox lag and its consumers’ lag', async () => {
    const [identityHealth, invitationsHealth] = sut.stack.options.healthPorts;
    const identity = await scrape(`http://127.0.0.1:${identityHealth}/metrics`);
    expect(identity).toMatch(
      /bus_request_duration_seconds_count\{[^}]*subject="identity\.[^"]+"[^}]*side="server"/,
    );
    expect(identity).toMatch(/nodejs_eventloop_lag_seconds\{[^}]*app="identity"/);
    // Everything signup wrote has been published by now, so nothing waits in identity's outbox.
    await eventually(async () => {
      const lag = sample(await scrape(`http://127.0.0.1:${identityHealth}/metrics`), 'outbox_lag_seconds', {
        app: 'identity',
      });
      expect(lag).toBe(0);
      return true;
    });
    // invitations consumes identity's events durably: its consumer is caught up.
    await eventually(async () => {
      const text = await scrape(`http://127.0.0.1:${invitationsHealth}/metrics`);
      expect(text).toMatch(/jetstream_consumer_pending_messages\{[^}]*app="invitations"[^}]*\} 0/);
      return true;
    });
  });
});
