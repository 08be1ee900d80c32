// The coordinator's console in real headless Chromium (Debian's chromium,
// driven by playwright-core) against a real hub on 127.0.0.1 started with
// `fyr hub serve`, and a real `fyr` device that reports an error, syncs and
// finds the published change. Screenshots of the main pages go to
// docs/screenshots/. The last line is `browser: N passed, M failed`.
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fyr = process.env.FYR_BIN || join(repo, 'target/debug/fyr');
const shots = join(repo, 'docs/screenshots');
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'fyr-console-'));
const db = join(work, 'hub.db');
const dev = join(work, 'device');
const TOKEN = 'device-token-0001';
const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });

let passed = 0, failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${(e && e.stack) || e}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
function run(args, input) {
  return execFileSync(fyr, args, { cwd: work, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 60000 });
}

// ---- a hub as the README starts it: a key, accounts, a first published version
run(['hub', 'keygen', '--out', join(work, 'keys')]);
run(['hub', 'user', 'add', '--db', db, 'admin', '--role', 'admin'], 'admin-password-1\n');
run(['hub', 'user', 'add', '--db', db, 'kron', '--role', 'coordinator', '--county', '07'], 'kronoberg-pass-1\n');
run(['hub', 'user', 'add', '--db', db, 'ana', '--role', 'analyst'], 'analyst-pass-01\n');
run(['hub', 'user', 'add', '--db', db, 'gone', '--role', 'coordinator', '--county', '07'], 'leaving-pass-01\n');
// This hub signs with its own key: its content's distribution settings must
// trust it (as a region's admin sets them), then it becomes the working directory.
cpSync(join(repo, 'content'), join(work, 'content'), { recursive: true, filter: src => !src.includes('/content/feed') });
const pub = readFileSync(join(work, 'keys/fyr-feed.pub'), 'utf8').trim();
writeFileSync(join(work, 'content/distribution.toml'), `feed_url = "http://127.0.0.1/feed/"
mirrors = []
hub_url = "http://127.0.0.1/"
trusted_keys = ["${pub}"]
next_keys = []
retired_keys = []
check_interval_hours = 6
`);
run(['hub', 'content', 'import', '--db', db, '--dir', join(work, 'content')]);
run(['hub', 'publish', '--content', join(work, 'content'), '--key', join(work, 'keys/fyr-feed.key'), '--feed', join(work, 'feed')]);
writeFileSync(join(work, 'tokens'), `${TOKEN} test-phone\n`);
const hub = spawn(fyr, ['hub', 'serve', '--feed', join(work, 'feed'), '--db', db, '--listen', '127.0.0.1:0',
  '--key', join(work, 'keys/fyr-feed.key'), '--tokens', join(work, 'tokens')], { cwd: work });
const base = await new Promise((res, rej) => {
  let out = '';
  const t = setTimeout(() => rej(new Error('the hub did not start: ' + out)), 30000);
  hub.stdout.on('data', d => { out += d; const m = out.match(/http:\/\/127\.0\.0\.1:\d+/); if (m) { clearTimeout(t); res(m[0]); } });
  hub.stderr.on('data', d => { out += d; });
  hub.on('exit', c => rej(new Error(`the hub exited (${c}): ${out}`)));
});
const C = '/console';

// Screening statistics as devices upload them: 4 in one cell, 1 in another (suppressed).
const stat = (i, level) => ({ event_id: `s-${level}-${i}`, kind: 'screening_stat', payload: {
  month: '2026-02', municipality: '0780', agency_kind: 'police', checklist: 'adult-risk', checklist_version: 1, level, override_used: false } });
const up = await fetch(`${base}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  body: JSON.stringify({ events: [stat(1, 'high'), stat(2, 'high'), stat(3, 'high'), stat(4, 'high'), stat(1, 'low')] }) });
assert(up.ok, 'stat upload');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  // playwright-core gives every launch a fresh, temporary --user-data-dir of its own
  // (it refuses the flag here); nothing of a previous run is reused.
});
async function session(name, password) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${base}${C}/login`);
  if (name) {
    await page.getByLabel(/Användarnamn|User name/).fill(name);
    await page.getByLabel(/Lösenord|Password/).fill(password);
    await page.getByRole('button', { name: /Logga in|Log in/ }).click();
  }
  return page;
}
const SVC = 'ljungby-socialtjanst';
// Verified entries are real ones (a demo entry cannot carry verified_on).
const VER = 'lansstyrelsen-kronoberg-samordning';
const JAM = 'lansstyrelsen-jamtland-samordning';
let k;

try {
  await check('log in', async () => {
    const p = await session();
    await p.screenshot({ path: join(shots, 'login.png') });
    await p.context().close();
    k = await session('kron', 'kronoberg-pass-1');
    await k.waitForURL(`${base}${C}/`);
    assert(await k.getByText('kron · samordnare 07').isVisible(), 'the account is shown');
    await k.screenshot({ path: join(shots, 'home.png') });
  });

  await check('phones: a code shown as text and QR enrolls a real device', async () => {
    await k.goto(`${base}${C}/phones`);
    await k.getByLabel('Typ av verksamhet').selectOption('police');
    await k.getByRole('button', { name: 'Skapa kod' }).click();
    const code = (await k.locator('#enroll-code').textContent()).trim();
    assert(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/.test(code), `a code: ${code}`);
    assert(await k.locator('.qr svg').count() === 1, 'and its QR code');
    await k.screenshot({ path: join(shots, 'phones.png'), fullPage: true });
    const out = run(['enroll', '--data-dir', dev, '--hub', base, code]);
    assert(/07|police|Kronoberg/i.test(out), `enrolled: ${out}`);
    await k.goto(`${base}${C}/phones`);
    assert(await k.getByRole('button', { name: /^Spärra / }).count() === 1, 'the device is listed');
    assert((await k.locator('table').first().textContent()).includes('använd'), 'the code is used');
  });

  await check('a device\'s correction report appears in the queue and on the entry', async () => {
    run(['report-error', '--data-dir', dev, SVC, '--reason', 'wrong_number', '--message', 'Numret går till fel mottagning']);
    run(['sync', '--data-dir', dev, '--hub', base, '--trust-key', join(work, 'keys/fyr-feed.pub')]);
    await k.goto(`${base}${C}/corrections`);
    const card = k.locator('section.card', { hasText: 'Numret går till fel mottagning' });
    assert(await card.count() === 1, 'the report is listed');
    assert((await card.textContent()).includes(SVC), 'with its service');
    assert((await card.textContent()).includes('Fel nummer'), 'and its reason');
    await k.screenshot({ path: join(shots, 'corrections.png'), fullPage: true });
    await card.getByRole('link', { name: SVC }).click();
    await k.waitForURL(`${base}${C}/services/${SVC}`);
    assert(await k.getByRole('heading', { name: /Öppna rapporter \(1\)/ }).isVisible(), 'the entry shows its open report');
  });

  await check('edit a service: a validation error beside the field, then fixed', async () => {
    const hours = k.locator('#f-hours');
    await hours.fill('mon-fri 08:00-25:00');
    await k.getByRole('button', { name: 'Spara' }).click();
    await k.waitForSelector('#e-hours');
    assert((await k.locator('#e-hours').textContent()).includes("25:00"), 'the core\'s message');
    assert(await hours.getAttribute('aria-invalid') === 'true', 'the field is marked invalid');
    assert((await hours.getAttribute('aria-describedby')).includes('e-hours'), 'and described by its error');
    await k.screenshot({ path: join(shots, 'service-error.png'), fullPage: true });
    await k.locator('#f-hours').fill('mon-thu 08:00-16:30; closed-holidays');
    await k.getByRole('button', { name: 'Spara' }).click();
    await k.getByText('Sparat.').waitFor();
    assert(await k.locator('#e-hours').count() === 0, 'no error left');
    assert((await k.locator('table', { hasText: 'Öppet kommande 7 dagar' }).textContent()).includes('08:00–16:30'), 'the week preview');
    await k.screenshot({ path: join(shots, 'service.png'), fullPage: true });
  });

  await check('verify an entry', async () => {
    await k.goto(`${base}${C}/services/${VER}`);
    await k.getByLabel('Hur').selectOption('phone');
    await k.getByRole('button', { name: 'Markera som kontrollerad i dag' }).click();
    await k.waitForURL(`${base}${C}/services/${VER}`);
    assert(await k.locator('#f-verified_on').inputValue() === today, 'verified_on is today');
    assert((await k.locator('table', { hasText: 'telefonsamtal' }).textContent()).includes('kron'), 'who and how');
  });

  await check('resolve the report with a note', async () => {
    await k.goto(`${base}${C}/corrections?service=${SVC}`);
    const card = k.locator('section.card', { hasText: 'Numret går till fel mottagning' });
    await card.getByLabel(/Anteckning/).fill('Öppettiderna rättade efter samtal');
    await card.getByRole('button', { name: 'Åtgärdad' }).click();
    await k.goto(`${base}${C}/corrections?state=resolved`);
    assert((await k.locator('section.card').textContent()).includes('Öppettiderna rättade'), 'resolved with its note');
    await k.goto(`${base}${C}/services/${SVC}`);
    assert(await k.getByRole('heading', { name: /Öppna rapporter/ }).count() === 0, 'no open report left on the entry');
  });

  await check('publish, then a fyr device syncs and finds the change', async () => {
    await k.goto(`${base}${C}/publish`);
    const changed = k.locator('table', { hasText: `service ${SVC}` });
    assert((await changed.textContent()).includes('mon-thu 08:00-16:30'), 'the preview shows the field change');
    await k.screenshot({ path: join(shots, 'publish.png'), fullPage: true });
    await k.getByRole('button', { name: 'Signera och publicera' }).click();
    await k.getByText('Publicerat.').waitFor();
    assert(await k.getByText('Inga ändringar.').isVisible(), 'nothing left to publish');
    const out = run(['sync', '--data-dir', dev, '--hub', base, '--json']);
    const show = run(['show', '--data-dir', dev, SVC]);
    assert(show.includes('16:30'), `the device shows the new hours:\n${show}\n${out}`);
  });

  await check('the follow-up shows suppressed cells', async () => {
    await k.goto(`${base}${C}/followup?year=2026`);
    const rows = k.locator('#screenings tbody tr');
    const text = await rows.allTextContents();
    assert(text.some(t => t.includes('high') && t.includes('4')), 'the cell of 4 is shown');
    assert(text.some(t => t.includes('low') && t.includes('<3')), 'the cell of 1 is shown as <3');
    assert(!text.some(t => /\b5\b/.test(t)), 'no total of 5');
    const svg = await k.locator('svg.chart').first().getAttribute('aria-label');
    assert(!/: 5\b/.test(svg), `no chart total recovers it: ${svg}`);
    await k.screenshot({ path: join(shots, 'followup.png'), fullPage: true });
  });

  await check('refused: no session', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${base}${C}/services/${SVC}`);
    assert(p.url() === `${base}${C}/login`, 'sent to the login');
    const r = await p.request.post(`${base}${C}/services/${SVC}/verify`, { form: { how: 'phone' }, maxRedirects: 0 });
    assert(r.status() === 403, `a change without a session: ${r.status()}`);
    await ctx.close();
  });

  await check('refused: wrong role (analyst)', async () => {
    const p = await session('ana', 'analyst-pass-01');
    await p.waitForURL(`${base}${C}/followup`);
    const r = await p.goto(`${base}${C}/services`);
    assert(r.status() === 403, `analyst on the directory: ${r.status()}`);
    const r2 = await p.goto(`${base}${C}/publish`);
    assert(r2.status() === 403, 'analyst on publishing');
    await p.context().close();
  });

  await check('refused: wrong county', async () => {
    await k.goto(`${base}${C}/services/${JAM}`);
    assert(await k.getByRole('button', { name: 'Spara' }).count() === 0, 'no save button on a Jämtland entry');
    assert(await k.locator('#f-hours').getAttribute('readonly') !== null, 'fields read-only');
    const csrf = await k.locator('input[name=csrf]').first().inputValue();
    const r = await k.request.post(`${base}${C}/services/${JAM}`, { form: { csrf, hours: 'mon 01:00-02:00' }, maxRedirects: 0 });
    assert(r.status() === 403, `a forged change of a Jämtland entry: ${r.status()}`);
    await k.goto(`${base}${C}/services/${JAM}`);
    assert(await k.locator('#f-hours').inputValue() !== 'mon 01:00-02:00', 'unchanged');
  });

  await check('refused: missing CSRF token', async () => {
    await k.goto(`${base}${C}/services/${SVC}`);
    await k.evaluate(() => document.querySelectorAll('form[action$="/retire"] input[name=csrf]').forEach(e => e.remove()));
    await k.getByLabel('Skäl').fill('stängd');
    const [resp] = await Promise.all([
      k.waitForResponse(r => r.url().endsWith('/retire')),
      k.getByRole('button', { name: 'Avveckla' }).click(),
    ]);
    assert(resp.status() === 403, `status ${resp.status()}`);
    assert((await k.content()).includes('CSRF'), 'the refusal names the CSRF token');
    await k.goto(`${base}${C}/services/${SVC}`);
    assert(await k.getByText('Avvecklad:').count() === 0, 'not retired');
  });

  await check('refused: a retired (disabled) user', async () => {
    const g = await session('gone', 'leaving-pass-01');
    await g.waitForURL(`${base}${C}/`);
    const a = await session('admin', 'admin-password-1');
    await a.goto(`${base}${C}/users`);
    await a.screenshot({ path: join(shots, 'users.png'), fullPage: true });
    await a.getByRole('button', { name: 'Stäng av gone' }).click();
    await a.getByText('Sparat.').waitFor();
    await a.goto(`${base}${C}/audit`);
    assert((await a.locator('table').textContent()).includes('user.disable'), 'the audit log has it');
    await a.screenshot({ path: join(shots, 'audit.png'), fullPage: true });
    await g.goto(`${base}${C}/services`);
    assert(g.url() === `${base}${C}/login`, 'the open session ended');
    await g.getByLabel('Användarnamn').fill('gone');
    await g.getByLabel('Lösenord').fill('leaving-pass-01');
    await g.getByRole('button', { name: 'Logga in' }).click();
    await g.getByRole('alert').waitFor();
    assert(g.url() === `${base}${C}/login`, 'cannot log in again');
  });

  await check('phones: a revoked device is refused (410)', async () => {
    await k.goto(`${base}${C}/phones`);
    await k.getByRole('button', { name: /^Spärra / }).click();
    await k.getByText('spärrad').waitFor();
    const token = readFileSync(join(dev, 'device-token'), 'utf8').trim();
    const r = await fetch(`${base}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"events": []}' });
    assert(r.status === 410, `a revoked device's upload: ${r.status}`);
  });

  await check('English and the services list', async () => {
    await k.goto(`${base}${C}/services?county=07`);
    await k.getByRole('link', { name: 'English' }).click();
    await k.getByRole('heading', { name: 'Services' }).waitFor();
    assert(k.url().endsWith('/services?county=07'), 'back where the user was');
    await k.screenshot({ path: join(shots, 'services.png') });
  });
} finally {
  await browser.close().catch(() => {});
  hub.kill('SIGINT');
  rmSync(work, { recursive: true, force: true });
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
