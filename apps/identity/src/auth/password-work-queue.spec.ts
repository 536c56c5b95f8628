import { ErrorCode } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { requestScope } from '@app/logging';
import { PasswordWorkQueue } from './password-work-queue';

/** Work that ends when the test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, work: () => opened.then(() => 'done') };
}

const withDeadline = <T>(deadline: number, fn: () => Promise<T>) =>
  requestScope.run({ correlationId: 'test', deadline }, fn);

describe('PasswordWorkQueue', () => {
  it('runs at most `concurrency` at once and starts the rest in order', async () => {
    const queue = new PasswordWorkQueue(2, 10_000, 10);
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      queue.run(() => {
        started.push(i);
        return g.work();
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    expect(queue.stats()).toMatchObject({ running: 2, queued: 1 });

    gates[1].open();
    await runs[1];
    expect(started).toEqual([0, 1, 2]);
    gates[0].open();
    gates[2].open();
    await expect(Promise.all(runs)).resolves.toEqual(['done', 'done', 'done']);
    expect(queue.stats()).toMatchObject({ running: 0, queued: 0, completed: 3, refused: 0 });
  });

  it('answers UNAVAILABLE with a Retry-After at once, without running it, when the predicted wait is too long', async () => {
    // Each piece of work is estimated at 1 s: the fourth request in one slot would wait 3 s.
    const queue = new PasswordWorkQueue(1, 2_500, 1_000);
    const g = gate();
    const admitted = [queue.run(g.work), queue.run(g.work), queue.run(g.work)];
    let ran = false;

    const refused = queue.run(async () => {
      ran = true;
      return 'done';
    });

    await expect(refused).rejects.toMatchObject({ code: ErrorCode.Unavailable, retryAfter: 3 });
    await expect(refused).rejects.toBeInstanceOf(ServiceError);
    expect(ran).toBe(false);
    expect(queue.stats()).toMatchObject({ queued: 2, refused: 1, predictedWaitMs: 3_000 });
    g.open();
    await Promise.all(admitted);
  });

  it("admits no more than the sender's remaining patience allows", async () => {
    const queue = new PasswordWorkQueue(1, 30_000, 1_000);
    const g = gate();
    const running = queue.run(g.work);

    // One second of work ahead, one of its own and a second for the reply: 2.5 s is not enough.
    await expect(withDeadline(Date.now() + 2_500, () => queue.run(g.work))).rejects.toMatchObject({
      code: ErrorCode.Unavailable,
    });
    const admitted = withDeadline(Date.now() + 10_000, () => queue.run(g.work));
    g.open();
    await expect(Promise.all([running, admitted])).resolves.toEqual(['done', 'done']);
  });

  it('drops work whose sender stopped waiting while it was queued', async () => {
    const queue = new PasswordWorkQueue(1, 30_000, 1);
    const g = gate();
    const running = queue.run(g.work);
    let ran = false;
    const late = withDeadline(Date.now() + 1_050, () =>
      queue.run(async () => {
        ran = true;
        return 'done';
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    g.open();
    await running;
    await expect(late).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    expect(ran).toBe(false);
  });
});
