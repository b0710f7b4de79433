import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, __dirname.includes(`${sep}dist${sep}`) ? '../../../..' : '../../..');

export interface TestPrometheus {
  url: string;
  /** The last 10,000 characters Prometheus logged. */
  log: () => string;
  stop: () => void;
}

/**
 * A real Prometheus (Debian's, or PROMETHEUS_BIN) with the project's alert rules, scraping one
 * service every second; its config and data live in `dir`, which the caller removes.
 */
export function startPrometheus(options: { dir: string; port: number; target: string; service: string; caFile?: string }): TestPrometheus {
  const config = join(options.dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ['${join(ROOT, 'infra/prometheus/alerts.yml')}']`,
      'scrape_configs:',
      '  - job_name: callcenter',
      '    honor_labels: true',
      ...(options.caFile ? ['    scheme: https', `    tls_config: { ca_file: '${options.caFile}' }`] : []),
      `    static_configs: [{ targets: ['${options.target}'], labels: { service: ${options.service} } }]`,
      '',
    ].join('\n'),
  );
  let log = '';
  const child: ChildProcess = spawn(
    process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${join(options.dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${options.port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (d) => (log = (log + d).slice(-10_000)));
  return { url: `http://127.0.0.1:${options.port}`, log: () => log, stop: () => child.kill('SIGTERM') };
}
