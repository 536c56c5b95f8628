#!/usr/bin/env node
/* global require, __dirname, process */
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, run by node as it is */
'use strict';
// `label-studio`, the operator's commands (apps/admin), compiled into dist/ by `npm run build`.
// This stays a committed file so the bin exists (and is executable) before anything is built.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'admin', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('label-studio: the admin app is not built: run `npm run build` first\n');
  process.exit(1);
}
require(entry);
