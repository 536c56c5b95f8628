'use strict';
// s3rver on 0.0.0.0:9000, data in /tmp/s3 (the container's own; a new container starts empty).
const { mkdirSync } = require('node:fs');
const S3rver = require('s3rver');

const directory = '/tmp/s3';
mkdirSync(directory, { recursive: true });
const server = new S3rver({ address: '0.0.0.0', port: 9000, silent: true, directory, configureBuckets: [] });
server.run().then(
  () => console.log('s3rver listening on 9000'),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close().finally(() => process.exit(0)));
