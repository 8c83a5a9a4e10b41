// `node report-only.mjs`: redraws every chart (results/latency-<mode>.svg,
// results/moonshot.svg, results/channels.svg) and rebuilds RESULTS.md from the
// stored results/*.json and NOTES.md, without starting a server or a client.
// The figures stay as stored; use it after changing the report code or NOTES.md.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuildFromStored } from './lib/report.mjs';

// The report writes paths relative to bench/, whatever the caller's directory.
process.chdir(dirname(fileURLToPath(import.meta.url)));
rebuildFromStored();
console.log('RESULTS.md and the charts in results/ rebuilt from the stored runs');
