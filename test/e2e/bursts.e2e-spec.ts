import { TestBrowser } from '../support/http-client';
import { startTestStack, TestStack } from '../support/stack';

const PASSWORD = 'a burst of a password 1';

interface Answer {
  status: number;
  location: string | null;
  retryAfter: string | null;
  text: string;
}

/**
 * A class signing up at once with one invitation link, then logging in at once: every answer is
 * definite (success, a form error, or 429/503 with Retry-After when the password queue is full),
 * never a 5xx/504 for work that then completed, and there is exactly one account per email.
 * Identity may queue password work for at most a second here, so that the burst overflows it.
 */
describe('bursts of signups and logins', () => {
  let sut: TestStack;
  let client = 0;

  beforeAll(async () => {
    sut = await startTestStack({
      BCRYPT_COST: '8',
      PASSWORD_QUEUE_MAX_WAIT_MS: '1000',
      // Each person from an address of their own: the per-client login throttle is not under test.
      TRUST_PROXY_HOPS: '1',
    });
    expect((await new TestBrowser(sut.baseUrl).signup('owner@example.com', PASSWORD)).status).toBe(302);
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  const address = () => {
    client++;
    return `10.1.${Math.floor(client / 250)}.${client % 250}`;
  };

  async function post(path: string, fields: Record<string, string>): Promise<Answer> {
    const headers = { 'x-forwarded-for': address() };
    const browser = new TestBrowser(sut.baseUrl);
    await browser.get(path, headers);
    const body = new URLSearchParams({ ...fields, csrfmiddlewaretoken: browser.cookies.get('csrftoken')! });
    const res = await browser.request('POST', path, {
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    return {
      status: res.status,
      location: res.headers.get('location'),
      retryAfter: res.headers.get('retry-after'),
      text: await res.text(),
    };
  }

  const accounts = async (emails: string[]) =>
    (
      await sut.query<{ email: string }>('identity', 'SELECT email FROM account WHERE email = ANY($1)', [
        emails,
      ])
    ).map((r) => r.email);

  const expectDefinite = (answer: Answer) => {
    expect([200, 302, 429, 503]).toContain(answer.status);
    if (answer.status === 429 || answer.status === 503) {
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect(JSON.parse(answer.text)).toMatchObject({ status_code: answer.status, exc_info: null });
    }
  };

  it('answers 250 signups at once definitely, with exactly one account per email', async () => {
    const distinct = Array.from({ length: 200 }, (_, i) => `student${i}@example.com`);
    const variants = Array.from(
      { length: 50 },
      (_, i) => [' Same@Example.com', 'same@example.com ', 'SAME@EXAMPLE.COM', 'same@Example.com'][i % 4],
    );
    const emails = [...distinct, ...variants];

    const answers = await Promise.all(
      emails.map((email) => post('/user/signup/', { email, password: PASSWORD })),
    );

    answers.forEach(expectDefinite);
    const made = await accounts([...distinct, 'same@example.com']);
    expect(new Set(made).size).toBe(made.length);
    distinct.forEach((email, i) => {
      // A redirect means the account exists; a refusal for capacity means none was made.
      if (answers[i].status === 302) expect([email, made.includes(email)]).toEqual([email, true]);
      if (answers[i].status === 503) expect([email, made.includes(email)]).toEqual([email, false]);
      if (answers[i].status === 200) throw new Error(`${email}: ${answers[i].text.slice(0, 200)}`);
    });
    const sameAnswers = answers.slice(distinct.length);
    const welcomed = sameAnswers.filter((a) => a.status === 302).length;
    expect(welcomed).toBe(made.includes('same@example.com') ? 1 : 0);
    for (const answer of sameAnswers.filter((a) => a.status === 200))
      expect(answer.text).toContain('already exists');

    // The refusals said so at once and did no work: the rest of the queue went through.
    expect(answers.filter((a) => a.status === 302).length).toBeGreaterThan(0);
    const queue = await (
      await fetch(`http://127.0.0.1:${sut.stack.options.healthPorts[0]}/health/password-queue`)
    ).json();
    expect(queue).toMatchObject({
      queued: 0,
      running: 0,
      refused: answers.filter((a) => a.status === 503).length,
    });
  });

  it('answers 200 logins at once definitely', async () => {
    const people = Array.from({ length: 200 }, (_, i) => `student${i}@example.com`);
    const existing = new Set(await accounts(people));

    const answers = await Promise.all(
      people.map((email) => post('/user/login/', { email, password: PASSWORD })),
    );

    answers.forEach(expectDefinite);
    people.forEach((email, i) => {
      // A login is a redirect; the form again only for someone whose signup was refused above.
      const expected = existing.has(email) ? [302, 429, 503] : [200, 429, 503];
      expect([email, expected.includes(answers[i].status)]).toEqual([email, true]);
    });
    expect(answers.some((a) => a.status === 302)).toBe(true);
  });
});
