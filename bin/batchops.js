#!/usr/bin/env node
// `npx batchops` from the checkout, without a build step: tsx compiles the TypeScript entry on load.
import { register } from 'tsx/esm/api';

register();
await import('./batchops.ts');
