import * as prettier from 'prettier';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const t00 = performance.now();
const files = execSync("find generated -name '*.ts'").toString().trim().split('\n');
const opts = { useTabs: true, singleQuote: true, printWidth: 100, trailingComma: 'all', arrowParens: 'always', semi: true, endOfLine: 'lf', bracketSpacing: true };
const texts = files.map(f => readFileSync(f, 'utf8'));
let c = process.cpuUsage();
let t0 = performance.now();
for (let round = 0; round < 3; round++) {
for (const t of texts) await prettier.format(t, { ...opts, parser: 'babel-ts' });
const cc = process.cpuUsage(c);
console.log('round', round, (performance.now() - t0).toFixed(0), 'wall', ((cc.user + cc.system)/1000).toFixed(0), 'cpu');
c = process.cpuUsage(); t0 = performance.now();
}
