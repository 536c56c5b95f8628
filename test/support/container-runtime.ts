import { join, resolve } from 'node:path';
import {
  GenericContainer,
  getContainerRuntimeClient,
  ImageName,
  StartedTestContainer,
  Wait,
} from 'testcontainers';

/**
 * The tests' infrastructure in containers (testcontainers): chosen by the global setup when no
 * TEST_DATABASE_URL is given and a container runtime (Docker, or podman's Docker API named by
 * DOCKER_HOST) answers; TEST_CONTAINERS=false forces the local services, =true insists on containers.
 * PostgreSQL is one container for the run; each suite gets a NATS server and an S3 server of its own,
 * as on the local path. This module imports nothing of the project's (the global setup loads it
 * outside Jest's module map). Images (all overridable, e.g. for machines without a registry):
 */
export const TEST_IMAGES = {
  postgres: process.env.TEST_POSTGRES_IMAGE ?? 'docker.io/library/postgres:15',
  nats: process.env.TEST_NATS_IMAGE ?? 'docker.io/library/nats:2-alpine',
  /** Built from test/containers/s3rver when missing. */
  s3: process.env.TEST_S3_IMAGE ?? 'localhost/label-studio-users/test-s3rver:3.7.1',
};

const ROOT = resolve(__dirname, '..', '..');

/** Set by the global setup for the test workers: the suites start their NATS and S3 in containers. */
export const containersInUse = (): boolean => process.env.TEST_CONTAINERS === 'true';

/** The address to reach a container's published port from this process. */
export const hostOf = (container: StartedTestContainer): string =>
  container.getHost() === 'localhost' ? '127.0.0.1' : container.getHost();

/** Whether a container runtime answers (within a few seconds). */
export async function containerRuntimeAnswers(): Promise<boolean> {
  try {
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 15_000).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/** One PostgreSQL for the run; tests make their own databases in it. */
export async function startPostgresContainer(): Promise<{ url: string; container: StartedTestContainer }> {
  const container = await new GenericContainer(TEST_IMAGES.postgres)
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forSuccessfulCommand('pg_isready -h 127.0.0.1 -p 5432 -U postgres'))
    .withStartupTimeout(120_000)
    .start();
  return {
    url: `postgres://postgres@${hostOf(container)}:${container.getMappedPort(5432)}/postgres`,
    container,
  };
}

/** Builds the tests' S3 image from test/containers/s3rver when the runtime does not have it. */
export async function ensureS3Image(): Promise<void> {
  const client = await getContainerRuntimeClient();
  if (await client.image.exists(ImageName.fromString(TEST_IMAGES.s3))) return;
  await GenericContainer.fromDockerfile(join(ROOT, 'test/containers/s3rver')).build(TEST_IMAGES.s3, {
    deleteOnExit: false,
  });
}

/** Stops a container that may be started again later (same container, same published ports). */
export async function stopContainer(container: StartedTestContainer, signal: NodeJS.Signals = 'SIGTERM') {
  const client = await getContainerRuntimeClient();
  const handle = client.container.getById(container.getId());
  if (signal === 'SIGKILL') await handle.kill({ signal: 'SIGKILL' });
  else await handle.stop({ t: 10 });
  await handle.wait({ condition: 'not-running' });
}

export async function startAgain(container: StartedTestContainer) {
  const client = await getContainerRuntimeClient();
  await client.container.getById(container.getId()).start();
}
