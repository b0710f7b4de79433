import './styles.css';
import { api, h, replace } from './dom';
import { href, lang, localTime, stateLabel, t } from './i18n';

interface Reference {
  polres: string;
  categories: { code: string; label: string; urgent: boolean }[];
  districts: { code: string; name: string }[];
}

const app = document.getElementById('app')!;
document.documentElement.lang = lang;
let reference: Reference = { polres: 'Polres', categories: [], districts: [] };
/** The live follow of the page being left, closed on navigation. */
let closeLive: (() => void) | null = null;

function navigate(path: string) {
  history.pushState(null, '', href(path));
  route();
}

function link(path: string, text: string, attrs: Record<string, string> = {}) {
  return h(
    'a',
    {
      href: href(path),
      ...attrs,
      onclick: ((e: MouseEvent) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        navigate(path);
      }) as EventListener,
    },
    text,
  );
}

function emergency(extra = '') {
  return h('p', { class: `emergency ${extra}`.trim() }, h('a', { href: 'tel:110' }, t.emergency));
}

function shell(current: 'report' | 'follow' | 'stats', ...content: Node[]) {
  const other = new URL(location.href);
  if (lang === 'en') other.searchParams.delete('lang');
  else other.searchParams.set('lang', 'en');
  const nav = (path: string, key: typeof current, text: string) => h('li', {}, link(path, text, current === key ? { 'aria-current': 'page' } : {}));
  replace(
    app,
    h(
      'header',
      { class: 'top' },
      h('p', { class: 'brand' }, h('span', {}, reference.polres), h('span', { class: 'site' }, t.site)),
      h('a', { class: 'lang', href: other.pathname + other.search, lang: t.switchLangCode, hreflang: t.switchLangCode }, t.switchLang),
      h(
        'nav',
        { 'aria-label': t.site },
        h('ul', {}, nav('/', 'report', t.navReport), nav('/ikuti', 'follow', t.navFollow), nav('/statistik', 'stats', t.navStats)),
      ),
    ),
    h('main', { id: 'main' }, ...content),
  );
}

// ---------------------------------------------------------------- report

interface Draft {
  key: string;
  latitude?: number;
  longitude?: number;
}

function field(id: string, label: string, control: HTMLElement, hint?: string) {
  const hintId = hint ? `${id}-hint` : undefined;
  control.id = id;
  control.setAttribute('aria-describedby', [hintId, `${id}-error`].filter(Boolean).join(' '));
  return h(
    'div',
    { class: 'field', 'data-field': id },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control,
    h('p', { class: 'error', id: `${id}-error`, hidden: true }),
  );
}

/** Form field names (server) to the element that shows the error. */
const ERROR_TARGET: Record<string, string> = {
  category: 'category',
  description: 'description',
  location: 'where',
  'location.latitude': 'where',
  'location.address': 'address',
  'location.district': 'district',
  peopleInjured: 'injured',
  name: 'name',
  phone: 'phone',
  idempotencyKey: 'category',
};

function reportScreen() {
  const draft: Draft = { key: crypto.randomUUID() };
  const form = h('form', { novalidate: true, 'aria-labelledby': 'report-title' });
  const summary = h('div', { class: 'summary', role: 'alert', tabindex: -1, hidden: true });
  const urgentNote = h(
    'p',
    { class: 'emergency urgent', hidden: true, 'aria-live': 'polite' },
    h('a', { href: 'tel:110' }, t.emergency),
    ' ',
    t.emergencyUrgent,
  );

  const categories = h(
    'fieldset',
    { id: 'category', class: 'choices', 'aria-describedby': 'category-error' },
    h('legend', {}, t.category),
    ...reference.categories.map((c) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'category', value: c.code, 'data-urgent': String(c.urgent), onchange: () => (urgentNote.hidden = !c.urgent) }),
        ' ',
        c.label,
      ),
    ),
    h('p', { class: 'error', id: 'category-error', hidden: true }),
  );

  const gpsStatus = h('p', { class: 'hint', 'aria-live': 'polite' });
  const forget = h(
    'button',
    {
      type: 'button',
      class: 'link',
      hidden: true,
      onclick: () => {
        delete draft.latitude;
        delete draft.longitude;
        gpsStatus.textContent = '';
        forget.hidden = true;
      },
    },
    t.forgetLocation,
  );
  const useLocation = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        if (!navigator.geolocation) return void (gpsStatus.textContent = t.locationFailed);
        gpsStatus.textContent = t.locating;
        navigator.geolocation.getCurrentPosition(
          (p) => {
            draft.latitude = Math.round(p.coords.latitude * 1e5) / 1e5;
            draft.longitude = Math.round(p.coords.longitude * 1e5) / 1e5;
            gpsStatus.textContent = t.located(draft.latitude, draft.longitude);
            forget.hidden = false;
          },
          () => (gpsStatus.textContent = t.locationFailed),
          { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
        );
      },
    },
    t.useLocation,
  );
  const districtSelect = h(
    'select',
    { name: 'district' },
    h('option', { value: '' }, t.chooseDistrict),
    ...reference.districts.map((d) => h('option', { value: d.code }, d.name)),
  );
  const where = h(
    'fieldset',
    { id: 'where', 'aria-describedby': 'where-hint where-error' },
    h('legend', {}, t.where),
    h('p', { class: 'hint', id: 'where-hint' }, t.whereHint),
    h('div', { class: 'gps' }, useLocation, forget),
    gpsStatus,
    field('address', t.address, h('input', { name: 'address', type: 'text', autocomplete: 'street-address', maxlength: 300 })),
    field('district', t.district, districtSelect),
    h('p', { class: 'error', id: 'where-error', hidden: true }),
  );

  const anonymous = h('input', { type: 'checkbox', name: 'anonymous', id: 'anonymous' });
  const contactFields = h(
    'div',
    {},
    field('name', t.name, h('input', { name: 'name', type: 'text', autocomplete: 'name', maxlength: 120 })),
    field('phone', t.phone, h('input', { name: 'phone', type: 'tel', autocomplete: 'tel', inputmode: 'tel' }), t.phoneHint),
  );
  anonymous.addEventListener('change', () => (contactFields.hidden = anonymous.checked));

  form.append(
    categories,
    urgentNote,
    field('description', t.description, h('textarea', { name: 'description', rows: 5, maxlength: 4000 }), t.descriptionHint),
    where,
    field('injured', t.injured, h('input', { name: 'peopleInjured', type: 'number', inputmode: 'numeric', min: 0, max: 1000, value: '0' })),
    h(
      'fieldset',
      {},
      h('legend', {}, t.contact),
      h('p', { class: 'hint' }, t.contactHint),
      h('label', { class: 'choice' }, anonymous, ' ', t.anonymous),
      contactFields,
    ),
    // The honeypot: off screen, out of the tab order and hidden from assistive technology; people never fill it.
    h(
      'div',
      { class: 'hp', 'aria-hidden': 'true' },
      h('label', { for: 'website' }, t.honeypot),
      h('input', { id: 'website', name: 'website', type: 'text', tabindex: -1, autocomplete: 'off' }),
    ),
    h('button', { type: 'submit', class: 'primary' }, t.review),
  );

  const collect = () => {
    const data = new FormData(form);
    const s = (k: string) => String(data.get(k) ?? '');
    return {
      idempotencyKey: draft.key,
      category: s('category') || undefined,
      description: s('description'),
      location: { latitude: draft.latitude, longitude: draft.longitude, address: s('address'), district: s('district') },
      peopleInjured: s('peopleInjured').trim() === '' ? 0 : /^\d+$/.test(s('peopleInjured').trim()) ? Number(s('peopleInjured')) : s('peopleInjured'),
      anonymous: anonymous.checked,
      name: anonymous.checked ? '' : s('name'),
      phone: anonymous.checked ? '' : s('phone'),
      website: s('website'),
    };
  };

  const clearErrors = () => {
    summary.hidden = true;
    for (const e of form.querySelectorAll<HTMLElement>('.error')) ((e.hidden = true), (e.textContent = ''));
    for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  };
  const showErrors = (violations: { field: string; message: string }[]) => {
    clearErrors();
    const items: Node[] = [];
    for (const v of violations) {
      const target = ERROR_TARGET[v.field] ?? 'description';
      const err = document.getElementById(`${target}-error`);
      if (err) ((err.hidden = false), (err.textContent = err.textContent ? `${err.textContent} ${v.message}` : v.message));
      document.getElementById(target)?.setAttribute('aria-invalid', 'true');
      items.push(
        h(
          'li',
          {},
          h(
            'a',
            {
              href: `#${target}`,
              onclick: ((e: Event) => {
                e.preventDefault();
                focusField(target);
              }) as EventListener,
            },
            v.message,
          ),
        ),
      );
    }
    replace(summary, h('p', {}, h('strong', {}, t.errorsTitle)), h('ul', {}, items));
    summary.hidden = false;
    showSection(formSection);
    summary.focus();
  };
  const focusField = (id: string) => {
    const el = document.getElementById(id);
    (el?.matches('fieldset') ? el.querySelector<HTMLElement>('input, select, button') : el)?.focus();
  };

  const formSection = h('section', {}, h('h1', { id: 'report-title' }, t.reportTitle), h('p', {}, t.reportIntro), summary, form);
  const reviewSection = h('section', { hidden: true, 'aria-labelledby': 'review-title' });
  const doneSection = h('section', { hidden: true, 'aria-labelledby': 'done-title' });
  const showSection = (s: HTMLElement) => {
    for (const x of [formSection, reviewSection, doneSection]) x.hidden = x !== s;
    window.scrollTo(0, 0);
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
    button.disabled = true;
    button.textContent = t.checking;
    const answer = await api('POST', `/api/public/reports/check?lang=${lang}`, collect());
    button.disabled = false;
    button.textContent = t.review;
    if (answer.status === 400) return showErrors(answer.body.violations);
    if (answer.status !== 200) return showErrors([{ field: 'description', message: answer.body?.message ?? t.offline }]);
    clearErrors();
    review(answer.body);
  });

  function review(r: any) {
    const where = [
      r.location.latitude !== undefined ? `${t.gps} (${r.location.latitude.toFixed(4)}, ${r.location.longitude.toFixed(4)})` : '',
      r.location.address,
      r.location.district,
    ]
      .filter(Boolean)
      .join('; ');
    const problem = h('div', { class: 'problem', role: 'alert', hidden: true });
    const send = h('button', { type: 'button', class: 'primary' }, t.send);
    const dl = (rows: [string, string][]) => h('dl', {}, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v || t.none)]));
    replace(
      reviewSection,
      h('h1', { id: 'review-title', tabindex: -1 }, t.reviewTitle),
      dl([
        [t.category.replace(' *', ''), r.categoryLabel],
        [t.description.replace(' *', ''), r.description],
        [t.where.replace(' *', ''), where],
        [t.injured.replace(' *', ''), String(r.peopleInjured)],
        [t.contact.replace(/ \(.*\)/, ''), r.anonymous ? t.anonymousValue : [r.name, r.phone].filter(Boolean).join(', ')],
      ]),
      h('p', { class: 'sent-to' }, t.sentTo(r.polres)),
      problem,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => showSection(formSection) }, t.edit), send),
    );
    send.addEventListener('click', async () => {
      if (send.disabled) return;
      send.disabled = true;
      send.textContent = t.sending;
      problem.hidden = true;
      // The same idempotency key on every attempt: a double tap or a retry makes one report.
      const answer = await api('POST', `/api/public/reports?lang=${lang}`, collect());
      send.disabled = false;
      send.textContent = t.send;
      if (answer.status === 201) return done(answer.body.trackingCode);
      if (answer.status === 400) return showErrors(answer.body.violations);
      // The form's key already made a report (before an edit): the next send is a new report, as the message says.
      if (answer.status === 409 && answer.body?.code === 'REPORT_ALREADY_SENT') draft.key = crypto.randomUUID();
      problem.textContent = answer.status === 0 ? t.offline : (answer.body?.message ?? t.offline);
      problem.hidden = false;
    });
    showSection(reviewSection);
    reviewSection.querySelector<HTMLElement>('h1')!.focus();
  }

  function done(code: string) {
    const copied = h('p', { class: 'hint', 'aria-live': 'polite' });
    const codeEl = h('p', { class: 'tracking-code', id: 'tracking-code' }, code);
    replace(
      doneSection,
      h('h1', { id: 'done-title', tabindex: -1 }, t.doneTitle),
      h('p', {}, t.doneIntro),
      h('p', { class: 'code-label', id: 'code-label' }, t.trackingCode),
      codeEl,
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: async () => {
              try {
                await navigator.clipboard.writeText(code);
              } catch {
                getSelection()?.selectAllChildren(codeEl);
                document.execCommand?.('copy');
              }
              copied.textContent = t.copied;
            },
          },
          t.copy,
        ),
        link(`/ikuti/${code}`, t.followThis, { class: 'button primary' }),
      ),
      copied,
      h('p', {}, link('/', t.newReport)),
    );
    showSection(doneSection);
    doneSection.querySelector<HTMLElement>('h1')!.focus();
  }

  shell('report', emergency(), formSection, reviewSection, doneSection);
}

// ---------------------------------------------------------------- follow

function followScreen(code: string | null) {
  const input = h('input', {
    id: 'code',
    name: 'code',
    type: 'text',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    value: code ?? '',
    'aria-describedby': 'code-hint',
  });
  const result = h('div', { id: 'result' });
  const form = h(
    'form',
    { class: 'inline' },
    h('label', { for: 'code' }, t.trackingCode),
    h('p', { class: 'hint', id: 'code-hint' }, t.followIntro),
    h('div', { class: 'row' }, input, h('button', { type: 'submit', class: 'primary' }, t.show)),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const c = input.value.trim().toUpperCase();
    if (c) navigate(`/ikuti/${encodeURIComponent(c)}`);
  });
  shell('follow', emergency(), h('h1', {}, t.followTitle), form, result);
  if (code) follow(code, result);
}

function renderStatus(target: HTMLElement, s: any, live: boolean) {
  replace(
    target,
    h('h2', {}, `${t.trackingCode} `, h('span', { class: 'nowrap' }, s.trackingCode)),
    h('p', { class: 'now', role: 'status' }, `${t.statusNow}: `, h('strong', {}, stateLabel(s.state))),
    h('p', { class: 'hint' }, s.final ? t.liveFinal : live ? t.liveOn : ''),
    h('h3', {}, t.steps),
    h(
      'ol',
      { class: 'timeline' },
      ...s.timeline.map((step: any) =>
        h(
          'li',
          { 'data-state': step.state },
          h('p', { class: 'step' }, h('strong', {}, stateLabel(step.state)), ' ', h('time', { datetime: step.at }, localTime(step.at))),
          h('p', {}, step.message),
          h('p', { class: 'from' }, t.from(reference.polres)),
        ),
      ),
    ),
  );
}

async function follow(code: string, target: HTMLElement) {
  replace(target, h('p', {}, t.loading));
  const first = await api('GET', `/api/public/reports/${encodeURIComponent(code)}?lang=${lang}`);
  if (first.status !== 200) {
    replace(target, h('p', { class: 'problem', role: 'alert' }, first.body?.message ?? t.followOffline));
    return;
  }
  if (!target.isConnected) return; // the person went elsewhere meanwhile
  renderStatus(target, first.body, !first.body.final);
  if (first.body.final || typeof EventSource === 'undefined') return;
  let last = first.body;
  const source = new EventSource(`/api/public/reports/${encodeURIComponent(code)}/live?lang=${lang}`);
  source.addEventListener('status', (e) => renderStatus(target, (last = JSON.parse((e as MessageEvent).data)), true));
  source.addEventListener('end', () => source.close());
  // The browser gives up on a stream refused (busy, rate-limited): say so, and follow again in 15 s.
  let retry: number | undefined;
  source.onerror = () => {
    if (source.readyState !== EventSource.CLOSED) return;
    renderStatus(target, last, false);
    target.append(h('p', { class: 'problem', role: 'status' }, t.liveStopped));
    retry = window.setTimeout(() => void follow(code, target), 15_000);
  };
  closeLive = () => (source.close(), window.clearTimeout(retry));
}

// ---------------------------------------------------------------- statistics

async function statsScreen() {
  const body = h('div', {}, h('p', {}, t.loading));
  shell('stats', h('h1', {}, t.statsTitle), h('p', {}, t.statsIntro), body);
  const answer = await api('GET', `/api/public/stats?lang=${lang}`);
  if (answer.status !== 200) return replace(body, h('p', { class: 'problem', role: 'alert' }, answer.body?.message ?? t.unavailable));
  const data = answer.body;
  const months: any[] = [...data.months].reverse();
  if (!months.length) return replace(body, h('p', {}, t.noData));
  const select = h('select', { id: 'month' }, ...months.map((m) => h('option', { value: m.month }, monthName(m.month))));
  const tables = h('div', {});
  const table = (caption: string, head: string[], rows: (string | number)[][]) =>
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...head.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, String(r[0])), ...r.slice(1).map((c) => h('td', {}, String(c)))))),
    );
  const duration = (s: number | null) => (s === null ? t.notPublished : s < 120 ? t.seconds(Math.round(s)) : t.minutes(Math.round(s / 60)));
  const show = () => {
    const m = months.find((x) => x.month === select.value) ?? months[0];
    replace(
      tables,
      h('p', { class: 'total' }, `${t.total}: `, h('strong', {}, String(m.total))),
      table(
        t.byCategory,
        [t.byCategory, t.count],
        Object.entries(m.byCategory).map(([k, v]) => [data.labels.categories[k] ?? k, v as string]),
      ),
      table(
        t.byDistrict,
        [t.byDistrict, t.count],
        Object.entries(m.byDistrict).map(([k, v]) => [data.labels.districts[k] ?? k, v as string]),
      ),
      table(
        t.responseTimes,
        [t.measure, t.count, t.median, t.p90],
        m.responseTimes.map((r: any) => [(t as any)[r.measure] ?? r.measure, r.count, duration(r.medianSeconds), duration(r.p90Seconds)]),
      ),
    );
  };
  select.addEventListener('change', show);
  replace(
    body,
    h('div', { class: 'field' }, h('label', { for: 'month' }, t.month), select),
    tables,
    h(
      'p',
      {},
      t.download,
      ' ',
      h('a', { href: `/api/public/stats?format=csv&lang=${lang}`, download: 'statistik-publik.csv' }, 'CSV'),
      ' · ',
      h('a', { href: `/api/public/stats?lang=${lang}` }, 'JSON'),
    ),
  );
  show();
}

function monthName(month: string) {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-01T00:00:00Z`),
  );
}

// ---------------------------------------------------------------- routing

function route() {
  closeLive?.();
  closeLive = null;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const follow = /^\/ikuti(?:\/([^/]+))?$/.exec(path);
  if (follow) {
    document.title = `${t.followTitle} — ${t.site}`;
    return followScreen(follow[1] ? decodeURIComponent(follow[1]) : null);
  }
  if (path === '/statistik') {
    document.title = `${t.statsTitle} — ${t.site}`;
    return void statsScreen();
  }
  document.title = `${t.reportTitle} — ${t.site}`;
  reportScreen();
}

window.addEventListener('popstate', route);
api<Reference>('GET', `/api/public/reference?lang=${lang}`).then((r) => {
  if (r.status === 200) reference = r.body;
  route();
});
