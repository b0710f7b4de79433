// Jest's own order (slowest first, from the last run's timings), except that the suites which
// restart or stop the shared broker or database (they call infra/bin/infra) run after all the
// others: a restarted database or broker is slow for a while, and no suite's timing should depend
// on whether it happens to run right after one of them.
const fs = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

const restartsInfrastructure = (path) => fs.readFileSync(path, 'utf8').includes('infra/bin/infra');

class InfrastructureRestartsLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const last = new Set(sorted.filter((t) => restartsInfrastructure(t.path)));
    return [...sorted.filter((t) => !last.has(t)), ...sorted.filter((t) => last.has(t))];
  }
}

module.exports = InfrastructureRestartsLast;
