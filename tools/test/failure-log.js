// The failures of a whole `npm test`, gathered in one file and printed again at its very end.
// nx runs every project's tests in turn and keeps going after one fails, so the reason of an
// early failure is otherwise hundreds of lines above the last one, and a CI log that keeps only
// its tail loses it. Jest calls `FailureLog` (a reporter, see jest.preset.js) after each run;
// `node tools/test/failure-log.js reset|print` empties the file before the tests and prints it
// after them.
const { appendFileSync, mkdirSync, readFileSync, rmSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const root = join(__dirname, '..', '..');
const file = join(root, '.devstack', 'logs', 'test-failures.log');
/** Lines kept of each failure message: the assertion and the first frames point at the cause. */
const LINES_PER_FAILURE = 25;

const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');

class FailureLog {
  onRunComplete(_contexts, results) {
    const blocks = [];
    for (const suite of results.testResults) {
      const message = suite.testExecError?.message ?? suite.failureMessage;
      if (!suite.numFailingTests && !suite.testExecError && !message) continue;
      const failed = suite.testResults
        .filter((t) => t.status === 'failed')
        .map((t) => `  ✕ ${[...t.ancestorTitles, t.title].join(' › ')}`);
      const lines = plain(message ?? '')
        .split('\n')
        .filter((line) => line.trim() !== '');
      const kept = lines.slice(0, LINES_PER_FAILURE * Math.max(1, failed.length));
      if (lines.length > kept.length) kept.push(`  … ${lines.length - kept.length} more lines`);
      blocks.push([`FAIL ${relative(root, suite.testFilePath)}`, ...failed, ...kept].join('\n'));
    }
    if (!blocks.length) return;
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${blocks.join('\n\n')}\n\n`);
  }
}

function read() {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

if (require.main === module) {
  const command = process.argv[2];
  if (command === 'reset') rmSync(file, { force: true });
  else if (command === 'print') {
    const failures = read().trim();
    console.error(
      failures
        ? `\n===== failing tests of this run (from ${relative(root, file)}) =====\n${failures}\n`
        : '\n===== npm test failed before or outside the test suites: see the lines above =====',
    );
    process.exit(1);
  } else {
    console.error('usage: node tools/test/failure-log.js reset|print');
    process.exit(2);
  }
}

module.exports = FailureLog;
