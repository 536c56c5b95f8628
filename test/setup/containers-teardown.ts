import { StartedTestContainer } from 'testcontainers';

/** Stops the PostgreSQL container of the run, if the global setup started one. */
const state = globalThis as typeof globalThis & { testContainers?: { postgres: StartedTestContainer } };

export default async function teardown(): Promise<void> {
  const containers = state.testContainers;
  state.testContainers = undefined;
  await containers?.postgres.stop({ remove: true });
}
