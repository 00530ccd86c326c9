#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm run colony` runs the sources through tsx.
await import("../dist/adapters/cli/main.js");
