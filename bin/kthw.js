#!/usr/bin/env node
// The entry is CommonJS (bin/package.json): Node loads it without starting its ES module loader.
require('../dist/cli.cjs');
