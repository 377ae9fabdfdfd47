#!/usr/bin/env node
import { main } from './main.js';

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
  // Only a bug in headroom gets here: bad input is reported by main with exit 2.
  console.error(`headroom: internal error: ${(e as Error)?.stack ?? e}`);
  process.exitCode = 3;
});
