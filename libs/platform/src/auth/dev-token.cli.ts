import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { loadConfig, PlatformConfig } from '../config';
import { toViolations } from '../http-errors.filter';
import { DevelopmentTokenRequest, mintDevelopmentToken } from './dev-tokens';

const USAGE = `Prints a development bearer token signed with AUTH_JWT_SECRET from the environment.

usage: npm run --silent token -- --sub <user id> --role <role> [--role <role>…] [--name <name>] [--ttl <seconds>]
       node dist/libs/platform/src/auth/dev-token.cli.js --sub op-budi --role operator [--name "Budi"] [--ttl 3600]

  --sub   user id, the actor of the events written with the token (unit:PATROL-01 for a field unit)
  --role  operator, supervisor, dispatcher, unit, analyst, commander or admin; repeatable
  --name  display name
  --ttl   lifetime in seconds, 60..86400 (default 8 hours)

Needs NODE_ENV=development (or test) and DEV_AUTH=1; refused when NODE_ENV is production or unset (exit code 2).`;

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function main() {
  // Before loadConfig: in production it stops on the development secret, which would hide the real reason.
  if ((process.env.NODE_ENV || 'production') === 'production') {
    fail('dev-token: refused: development tokens cannot be minted when NODE_ENV is production or unset; tokens there come from the identity provider', 2);
  }

  let values: { sub?: string; role?: string[]; name?: string; ttl?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        sub: { type: 'string' },
        role: { type: 'string', multiple: true },
        name: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    fail(`dev-token: ${(e as Error).message}\n\n${USAGE}`, 1);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  // The endpoint's own rules, so the CLI and POST /dev/tokens accept the same tokens.
  const request = plainToInstance(DevelopmentTokenRequest, {
    sub: values.sub,
    name: values.name,
    roles: values.role ?? [],
    ttl_seconds: values.ttl === undefined ? undefined : Number(values.ttl),
  });
  const violations = toViolations(validateSync(request, { forbidUnknownValues: false }));
  if (violations.length > 0) {
    fail(`dev-token: invalid arguments:\n${violations.map((v) => `  - ${v.message}`).join('\n')}\n\n${USAGE}`, 1);
  }

  let config: PlatformConfig;
  try {
    config = loadConfig(PlatformConfig);
  } catch (e) {
    fail(`dev-token: ${(e as Error).message}`, 1);
  }
  let token: string;
  try {
    token = mintDevelopmentToken(config, { sub: request.sub, name: request.name, roles: request.roles, ttlSeconds: request.ttl_seconds });
  } catch (e) {
    fail(`dev-token: refused: ${(e as Error).message}`, 2);
  }
  process.stdout.write(`${token}\n`);
}

main();
