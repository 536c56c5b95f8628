import { Logger } from '@nestjs/common';
import { RecordActivityRequest } from '@app/contracts';
import { BusClient } from '@app/bus';
import { GatewayConfig } from '../config';
import { ActivityRecorder } from './activity-recorder';

/** Records what would be sent; `failing` makes the next sends fail like an unreachable service. */
class FakeBus {
  sent: RecordActivityRequest[] = [];
  failing = false;
  request(_contract: unknown, payload: RecordActivityRequest): Promise<unknown> {
    if (this.failing) return Promise.reject(new Error('no responders'));
    this.sent.push(payload);
    return Promise.resolve({});
  }
}

const recorder = (bus: FakeBus) =>
  new ActivityRecorder(bus as unknown as BusClient, { activityFlushMs: 1000 } as GatewayConfig);

beforeAll(() => Logger.overrideLogger(false));

describe('ActivityRecorder', () => {
  it('sends one entry per user with the newest time, in one message per flush', async () => {
    const bus = new FakeBus();
    const activity = recorder(bus);
    activity.record(1, new Date('2026-01-01T10:00:00Z'));
    activity.record(2, new Date('2026-01-01T10:00:01Z'));
    activity.record(1, new Date('2026-01-01T10:00:05Z'));
    activity.record(1, new Date('2026-01-01T10:00:03Z'));
    await activity.flush();
    expect(bus.sent).toEqual([
      {
        entries: [
          { userId: 1, at: '2026-01-01T10:00:05.000Z' },
          { userId: 2, at: '2026-01-01T10:00:01.000Z' },
        ],
      },
    ]);
    await activity.flush();
    expect(bus.sent).toHaveLength(1);
  });

  it('keeps entries when the send fails and sends them with the next flush', async () => {
    const bus = new FakeBus();
    const activity = recorder(bus);
    activity.record(7, new Date('2026-01-01T10:00:00Z'));
    bus.failing = true;
    await activity.flush();
    activity.record(7, new Date('2026-01-01T09:00:00Z'));
    activity.record(8, new Date('2026-01-01T10:00:02Z'));
    bus.failing = false;
    await activity.flush();
    expect(bus.sent).toEqual([
      {
        entries: [
          { userId: 7, at: '2026-01-01T10:00:00.000Z' },
          { userId: 8, at: '2026-01-01T10:00:02.000Z' },
        ],
      },
    ]);
  });

  it('flushes what is left when the gateway stops', async () => {
    const bus = new FakeBus();
    const activity = recorder(bus);
    activity.onApplicationBootstrap();
    activity.record(3, new Date('2026-01-01T10:00:00Z'));
    await activity.beforeApplicationShutdown();
    expect(bus.sent.map((m) => m.entries.map((e) => e.userId))).toEqual([[3]]);
  });
});
