import { INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { ErrorCode, request } from '@app/contracts';
import { currentCorrelationId, requestScope } from '@app/logging';
import { TestNatsServer } from '../../../test/support/nats-server';
import { BusClient } from './bus.client';
import { BusError } from './bus.error';
import { BusController, Caller, fail } from './rpc';

const Echo = request<{ text: string }, { text: string; correlationId?: string; caller?: number | 'admin' }>(
  'test.echo.v1',
);
const Refuse = request<Record<string, never>, never>('test.refuse.v1');
const Crash = request<Record<string, never>, never>('test.crash.v1');
const Slow = request<{ ms: number }, { done: true }>('test.slow.v1');
const Nobody = request<Record<string, never>, never>('test.nobody.v1');

@BusController()
class TestHandler {
  @MessagePattern(Echo.subject)
  echo(@Payload() payload: { text: string }, @Caller() caller?: number | 'admin') {
    return { text: payload.text, correlationId: currentCorrelationId(), caller };
  }

  @MessagePattern(Refuse.subject)
  refuse(): never {
    return fail(ErrorCode.ValidationFailed, 'Validation error', { email: ['Enter a valid email address.'] });
  }

  @MessagePattern(Crash.subject)
  crash(): never {
    throw new Error('SELECT * FROM secret_table at db.internal:5432');
  }

  @MessagePattern(Slow.subject)
  async slow(@Payload() payload: { ms: number }) {
    await new Promise((r) => setTimeout(r, payload.ms));
    return { done: true as const };
  }
}

@Module({ controllers: [TestHandler] })
class TestModule {}

describe('BusClient against a real NATS server and a Nest microservice', () => {
  let nats: TestNatsServer;
  let service: INestMicroservice;
  let client: BusClient;

  beforeAll(async () => {
    nats = await TestNatsServer.start();
    service = await NestFactory.createMicroservice<MicroserviceOptions>(TestModule, {
      transport: Transport.NATS,
      options: { servers: [nats.url], queue: 'test' },
      logger: false,
    });
    await service.listen();
    client = new BusClient({ name: 'test', servers: [nats.url], timeoutMs: 500 });
    await client.connect();
  });

  afterAll(async () => {
    await client.close();
    await service.close();
    await nats.dispose();
  });

  it('carries the payload, the caller and the correlation id', async () => {
    const reply = await requestScope.run({ correlationId: 'corr-123' }, () =>
      client.request(Echo, { text: 'hi' }, { caller: 42 }),
    );
    expect(reply).toEqual({ text: 'hi', correlationId: 'corr-123', caller: 42 });
  });

  it('decodes {code, message, fields} into a BusError', async () => {
    const error = await client.request(Refuse, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusError);
    expect(error).toMatchObject({
      code: ErrorCode.ValidationFailed,
      fields: { email: ['Enter a valid email address.'] },
    });
  });

  it('hides an unexpected error behind INTERNAL', async () => {
    const error = (await client.request(Crash, {}).catch((e: unknown) => e)) as BusError;
    expect(error.code).toBe(ErrorCode.Internal);
    expect(error.message).toBe('Internal server error');
  });

  it('reports a subject nobody serves as UNAVAILABLE at once, not after the timeout', async () => {
    const started = Date.now();
    const error = (await client.request(Nobody, {}).catch((e: unknown) => e)) as BusError;
    expect(error.code).toBe(ErrorCode.Unavailable);
    expect(Date.now() - started).toBeLessThan(450);
  });

  it('gives up on a slow answer with TIMEOUT', async () => {
    const error = (await client.request(Slow, { ms: 2_000 }).catch((e: unknown) => e)) as BusError;
    expect(error.code).toBe(ErrorCode.Timeout);
  });

  it('fails fast while NATS is down and works again once it is back', async () => {
    await nats.stop();
    for (let i = 0; i < 50 && client.isConnected; i++) await new Promise((r) => setTimeout(r, 100));
    const error = (await client.request(Echo, { text: 'x' }).catch((e: unknown) => e)) as BusError;
    expect(error.code).toBe(ErrorCode.Unavailable);
    await nats.resume();
    let reply: unknown;
    for (let i = 0; i < 100 && !reply; i++) {
      reply = await client.request(Echo, { text: 'back' }).catch(() => undefined);
      if (!reply) await new Promise((r) => setTimeout(r, 100));
    }
    expect(reply).toMatchObject({ text: 'back' });
  });
});
