import { StartedTestContainer } from 'testcontainers';
import {
  containerRuntimeAnswers,
  ensureS3Image,
  startPostgresContainer,
  TEST_IMAGES,
} from '../support/container-runtime';

/**
 * Global setup of the integration and end-to-end tiers: where the tests find PostgreSQL, NATS and
 * S3. With TEST_DATABASE_URL (CI), or TEST_CONTAINERS=false, or no container runtime answering: the
 * local services (PostgreSQL at TEST_DATABASE_URL or 127.0.0.1:5432, `nats-server` processes, s3rver
 * in the test process). Otherwise containers: one PostgreSQL for the run, and per suite a NATS and
 * an S3 server (test/support/containers.ts). TEST_CONTAINERS=true makes a missing runtime an error.
 */
const state = globalThis as typeof globalThis & { testContainers?: { postgres: StartedTestContainer } };

export default async function setup(): Promise<void> {
  // Both tiers run this; the first one decides for the run.
  if (state.testContainers || process.env.TEST_INFRA_CHOSEN) return;
  process.env.TEST_INFRA_CHOSEN = '1';
  const wanted = process.env.TEST_CONTAINERS;
  if (process.env.TEST_DATABASE_URL || wanted === 'false') {
    if (wanted === 'true')
      throw new Error('TEST_CONTAINERS=true and TEST_DATABASE_URL are both set: choose one');
    process.env.TEST_CONTAINERS = 'false';
    return;
  }
  if (!(await containerRuntimeAnswers())) {
    if (wanted === 'true')
      throw new Error('TEST_CONTAINERS=true but no container runtime answers (DOCKER_HOST?)');
    process.env.TEST_CONTAINERS = 'false';
    process.stderr.write('\ntest infrastructure: local services (no container runtime answers)\n');
    return;
  }
  await ensureS3Image();
  const { url, container } = await startPostgresContainer();
  state.testContainers = { postgres: container };
  // The workers start after this and inherit these.
  process.env.TEST_DATABASE_URL = url;
  process.env.TEST_CONTAINERS = 'true';
  process.stderr.write(
    `\ntest infrastructure: containers (PostgreSQL ${TEST_IMAGES.postgres} at ${new URL(url).host}; ` +
      `per suite NATS ${TEST_IMAGES.nats} and S3 ${TEST_IMAGES.s3})\n`,
  );
}
