// Compiles contracts/src/*.sol with the pinned solc-js (offline) into <outDir>/<Name>.abi and <Name>.bin.
// Usage: node scripts/compile-contracts.mjs <outDir>   (run from anywhere; paths are relative to the repo root)
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const solc = require('solc');

const outDir = resolve(process.argv[2] ?? join(root, 'contracts', 'build'));
const sourceDir = 'contracts/src';
const contractNames = readdirSync(join(root, sourceDir)).filter((f) => f.endsWith('.sol')).sort();

const sources = Object.fromEntries(contractNames.map((file) => [
  `${sourceDir}/${file}`, { content: readFileSync(join(root, sourceDir, file), 'utf8') },
]));

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

function findImport(path) {
  for (const base of [root, join(root, 'node_modules')]) {
    try {
      return { contents: readFileSync(join(base, path), 'utf8') };
    } catch {
      // try the next include path
    }
  }
  return { error: `import not found under the repo root or node_modules: ${path}` };
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
for (const message of output.errors ?? []) console.error(message.formattedMessage);
if (errors.length > 0) {
  console.error(`solc ${solc.version()}: ${errors.length} error(s), nothing written`);
  process.exit(1);
}

mkdirSync(outDir, { recursive: true });
for (const file of contractNames) {
  const name = file.replace(/\.sol$/, '');
  const contract = output.contracts[`${sourceDir}/${file}`][name];
  writeFileSync(join(outDir, `${name}.abi`), JSON.stringify(contract.abi) + '\n');
  writeFileSync(join(outDir, `${name}.bin`), contract.evm.bytecode.object);
  console.log(`${name}: ${outDir}/${name}.{abi,bin} (solc ${solc.version()})`);
}
