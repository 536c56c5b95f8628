import { INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { z } from 'zod';
import { emptySchema, ErrorCode, request, Returns, returns } from '@app/contracts';
import { currentCorrelationId, requestScope } from '@app/logging';
import { TestNatsServer } from '../../../test/support/nats-server';
import { BusClient } from './bus.client';
import { BusError } from './bus.error';
import { natsConnectionOptions } from './connection';
import { BusController, Caller, fail } from './rpc';

/** Subjects of this test only: the gateway sends them, the test's handlers serve them (as identity). */
const testRequest = <S extends z.ZodTypeAny, Rep>(subject: string, schema: S, reply: Returns<Rep>) =>
  request({ subject, schema, reply, from: ['gateway'], servedBy: 'identity' });

const Echo = testRequest(
  'test.echo.v1',
  z.object({ text: z.string().max(100) }),
  returns<{ text: string; correlationId?: string; caller?: number }>(),
);
const Refuse = testRequest('test.refuse.v1', emptySchema, returns<never>());
const Crash = testRequest('test.crash.v1', emptySchema, returns<never>());
const Slow = testRequest('test.slow.v1', z.object({ ms: z.number().int() }), returns<{ done: true }>());
const Nobody = testRequest('test.nobody.v1', emptySchema, returns<never>());
/** Only the operator may send it: a gateway client refuses to. */
const OperatorOnly = request({
  subject: 'test.operator.only.v1',
  schema: emptySchema,
  reply: returns<never>(),
  from: ['admin'],
  servedBy: 'identity',
});
const TEST_CONTRACTS = {
  requests: [Echo, Refuse, Crash, Slow, Nobody, OperatorOnly],
  events: [],
  objectStores: [],
  readModels: [],
};

@BusController()
class TestHandler {
  @MessagePattern(Echo.subject)
  echo(@Payload() payload: { text: string }, @Caller() caller?: number) {
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
    nats = await TestNatsServer.start({ contracts: TEST_CONTRACTS });
    // Nest's own NATS transport (ContractNatsServer answers only the system's contracts), as identity.
    service = await NestFactory.createMicroservice<MicroserviceOptions>(TestModule, {
      transport: Transport.NATS,
      options: { ...natsConnectionOptions(nats.settingsFor('identity')), queue: 'test' },
      logger: false,
    });
    await service.listen();
    client = new BusClient(nats.settingsFor('gateway', 500));
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

  it('sends no caller when there is none', async () => {
    const reply = await client.request(Echo, { text: 'anonymous' });
    expect(reply).toEqual({ text: 'anonymous', correlationId: expect.any(String) });
    expect(reply).not.toHaveProperty('caller');
  });

  it('refuses, before sending, a payload its contract does not accept', async () => {
    const error = (await client
      .request(Echo, { text: 'x'.repeat(101) })
      .catch((e: unknown) => e)) as BusError;
    expect(error).toBeInstanceOf(BusError);
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.fields).toEqual({ text: [expect.any(String)] });
    const wrongType = { text: 7 } as unknown as { text: string };
    expect(((await client.request(Echo, wrongType).catch((e: unknown) => e)) as BusError).code).toBe(
      ErrorCode.ValidationFailed,
    );
  });

  it('refuses a contract its app may not send, as INTERNAL (NATS would refuse it too)', async () => {
    const error = (await client.request(OperatorOnly, {}).catch((e: unknown) => e)) as BusError;
    expect(error).toBeInstanceOf(BusError);
    expect(error.toPayload()).toEqual({ code: ErrorCode.Internal, message: 'Internal server error' });
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
