// The coordinator's console in real headless Chromium (Debian's chromium,
// driven by playwright-core) against a real hub on 127.0.0.1 started with
// `fyr hub serve`, and a real `fyr` device that reports an error, syncs and
// finds the published change. Each item of the console's round 2 is walked
// as a coordinator would: drafts and ready, two coordinators on one entry,
// a coordinator trying to go back, an admin going back with its diff, a
// lockout attempt against the admin, a statistic outside the device's
// enrollment, bad input, a form that survives a new login. Screenshots of the
// main pages go to docs/screenshots/. The last line is `browser: N passed, M failed`.
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
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
const PW = { admin: 'Fjällräv i Storlien 1', kron: 'Lingon vid Åsnen 2', ana: 'Tabeller hela natten 4', gone: 'Flyttlass till Malmö 6' };
run(['hub', 'user', 'add', '--db', db, 'admin', '--role', 'admin'], PW.admin + '\n');
run(['hub', 'user', 'add', '--db', db, 'kron', '--role', 'coordinator', '--county', '07'], PW.kron + '\n');
run(['hub', 'user', 'add', '--db', db, 'ana', '--role', 'analyst'], PW.ana + '\n');
run(['hub', 'user', 'add', '--db', db, 'gone', '--role', 'coordinator', '--county', '07'], PW.gone + '\n');
// The hub's address is known before it starts, as in a deployment: its
// distribution settings name it (the Phones page's QR code uses it).
const port = await new Promise(res => { const srv = createServer(); srv.listen(0, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => res(p)); }); });
// This hub signs with its own key: its content's distribution settings must
// trust it (as a region's admin sets them), then it becomes the working directory.
cpSync(join(repo, 'content'), join(work, 'content'), { recursive: true, filter: src => !src.includes('/content/feed') });
const pub = readFileSync(join(work, 'keys/fyr-feed.pub'), 'utf8').trim();
writeFileSync(join(work, 'content/distribution.toml'), `feed_url = "http://127.0.0.1:${port}/feed/"
mirrors = []
hub_url = "http://127.0.0.1:${port}/"
trusted_keys = ["${pub}"]
next_keys = []
retired_keys = []
check_interval_hours = 6
`);
run(['hub', 'content', 'import', '--db', db, '--dir', join(work, 'content')]);
run(['hub', 'publish', '--content', join(work, 'content'), '--key', join(work, 'keys/fyr-feed.key'), '--feed', join(work, 'feed')]);
writeFileSync(join(work, 'tokens'), `${TOKEN} test-phone\n`);
const hub = spawn(fyr, ['hub', 'serve', '--feed', join(work, 'feed'), '--db', db, '--listen', `127.0.0.1:${port}`,
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

async function adminSession() { return session('admin', PW.admin); }
const flash = async p => (await p.locator('#flash').textContent()).replace(/\s+/g, ' ').trim();
let a;

try {
  await check('log in (the login form carries its own CSRF token)', async () => {
    const p = await session();
    assert(await p.locator('input[name=login_csrf]').count() === 1, 'a login token in the form');
    await p.screenshot({ path: join(shots, 'login.png') });
    await p.context().close();
    k = await session('kron', PW.kron);
    await k.waitForURL(`${base}${C}/`);
    assert(await k.getByText('kron · samordnare 07').isVisible(), 'the account is shown');
    await k.screenshot({ path: join(shots, 'home.png') });
    a = await adminSession();
    await a.waitForURL(`${base}${C}/`);
    assert(await a.locator('#key-untrusted').count() === 0, 'this hub\'s key is trusted: no warning');
  });

  await check('accounts: counties as choices, every error at once in Swedish, input kept, å/ä/ö names', async () => {
    await a.goto(`${base}${C}/users`);
    await a.getByLabel(/^Användarnamn/).fill('X');
    await a.getByLabel(/^Roll/).selectOption('coordinator');
    await a.getByLabel(/^Lösenord/).fill('aaaaaaaaaa');
    await a.getByRole('button', { name: 'Lägg till konto' }).click();
    for (const id of ['#e-name', '#e-county', '#e-password']) assert(await a.locator(id).count() === 1, `error beside ${id}`);
    assert((await a.locator('#e-password').textContent()).includes('för lätt att gissa'), 'the strength estimator refuses it, in Swedish');
    assert(await a.getByLabel(/^Lösenord/).inputValue() === 'aaaaaaaaaa', 'the form keeps what was typed');
    await a.screenshot({ path: join(shots, 'users-errors.png'), fullPage: true });
    await a.getByLabel(/^Användarnamn/).fill('åsa.östlund');
    await a.getByLabel(/^Län/).selectOption({ label: 'Kronoberg' });
    await a.getByLabel(/^Lösenord/).fill('Renar över Flatruet 7');
    await a.getByRole('button', { name: 'Lägg till konto' }).click();
    assert((await flash(a)).includes('åsa.östlund'), 'added, with a confirmation');
    assert(a.url() === `${base}${C}/users`, 'redirected after the post');
  });

  await check('organizations: fields and kinds in words, saved with a confirmation', async () => {
    await a.goto(`${base}${C}/organizations`);
    const form = a.locator('form', { has: a.locator('h2', { hasText: /^Region Kronoberg$/ }) });
    const kind = form.getByLabel('Typ av verksamhet');
    assert(await kind.evaluate(e => e.tagName) === 'SELECT', 'the agency kind is a choice');
    assert(!(await kind.locator('option:checked').textContent()).includes('healthcare'), 'shown in words, not its id');
    await form.getByLabel('Webbplats').fill('https://www.regionkronoberg.se/');
    await form.getByRole('button', { name: 'Spara' }).click();
    await a.waitForURL(/organizations/);
    assert((await flash(a)).includes('Region Kronoberg: Sparat – når telefonerna när du publicerar'), 'confirmed');
  });

  await check('phones: hub address and code as text and QR of the configured hub URL; a real device enrolls', async () => {
    await k.goto(`${base}${C}/phones`);
    assert((await k.locator('#hub-url').textContent()).trim() === `${base}/`, 'the configured hub address as text');
    await k.getByLabel('Typ av verksamhet').selectOption('police');
    await k.getByRole('button', { name: 'Skapa kod' }).click();
    const code = (await k.locator('#enroll-code').textContent()).trim();
    assert(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/.test(code), `a code: ${code}`);
    assert(await k.locator('.qr svg').count() === 1, 'and its QR code');
    const payload = (await k.locator('#qr-payload').textContent()).trim();
    assert(payload.startsWith('fyr-enroll:') && payload.includes(`@${base}`), `the QR payload as text, of the configured URL: ${payload}`);
    await k.screenshot({ path: join(shots, 'phones.png'), fullPage: true });
    await k.reload();
    assert(await k.locator('#enroll-code').count() === 0, 'shown once');
    const out = run(['enroll', '--data-dir', dev, '--hub', base, code]);
    assert(/07|police|Kronoberg/i.test(out), `enrolled: ${out}`);
    await k.goto(`${base}${C}/phones`);
    assert(await k.getByRole('button', { name: /^Spärra / }).count() === 1, 'the device is listed');
    assert((await k.locator('table').first().textContent()).includes('använd'), 'the code is used');
    assert((await k.locator('table').last().textContent()).includes('Kronoberg'), 'the county in words');
  });

  await check('a device\'s correction report appears in the queue and on the entry', async () => {
    run(['report-error', '--data-dir', dev, SVC, '--reason', 'wrong_number', '--message', 'Numret går till fel mottagning']);
    run(['sync', '--data-dir', dev, '--hub', base, '--trust-key', join(work, 'keys/fyr-feed.pub')]);
    await k.goto(`${base}${C}/corrections`);
    const card = k.locator('section.card', { hasText: 'Numret går till fel mottagning' });
    assert(await card.count() === 1, 'the report is listed');
    assert((await card.textContent()).includes('Socialtjänsten Ljungby kommun'), 'with its service, by name (not its id)');
    assert(!(await card.textContent()).includes(SVC), 'no raw service id on the card');
    assert((await card.textContent()).includes('Fel nummer'), 'and its reason');
    await k.screenshot({ path: join(shots, 'corrections.png'), fullPage: true });
    await card.getByRole('link', { name: /Socialtjänsten Ljungby kommun/ }).click();
    await k.waitForURL(`${base}${C}/services/${SVC}`);
    assert(await k.getByRole('heading', { name: /Öppna rapporter \(1\)/ }).isVisible(), 'the entry shows its open report');
  });

  await check('edit: every error at once beside its field in Swedish, input kept, then "Sparat – når telefonerna när du publicerar"', async () => {
    await k.goto(`${base}${C}/services/${SVC}`);
    await k.locator('#f-hours').fill('mon-fri 08:00-25:00');
    await k.locator('input[name=phone_number_0]').fill('+46 70 123');
    await k.getByRole('button', { name: 'Spara' }).click();
    await k.waitForSelector('#e-hours');
    assert((await k.locator('#e-hours').textContent()).includes('25:00'), 'the core\'s message beside hours');
    assert((await k.locator('#e-phones').textContent()).includes('är inte ett svenskt telefonnummer'), 'the number, in Swedish');
    assert(await k.locator('#f-hours').getAttribute('aria-invalid') === 'true', 'the field is marked invalid');
    assert(await k.locator('input[name=phone_number_0]').inputValue() === '+46 70 123', 'the form keeps what was typed');
    await k.screenshot({ path: join(shots, 'service-error.png'), fullPage: true });
    await k.goto(`${base}${C}/services/${VER}`);
    await k.locator('#f-verified_on').fill('2099-01-01');
    await k.getByRole('button', { name: 'Spara' }).click();
    assert((await k.locator('#e-verified_on').textContent()).includes('ligger i framtiden'), 'a date in the future, in Swedish');
    await k.goto(`${base}${C}/services/${SVC}`);
    await k.locator('#f-hours').fill('mon-thu 08:00-16:30; closed-holidays');
    await k.getByRole('button', { name: 'Spara' }).click();
    await k.waitForURL(`${base}${C}/services/${SVC}`);
    assert((await flash(k)).includes('Sparat – når telefonerna när du publicerar'), 'the confirmation says when it reaches phones');
    assert(await k.locator('#e-hours').count() === 0, 'no error left');
    assert((await k.locator('table', { hasText: 'Öppet kommande 7 dagar' }).textContent()).includes('08:00–16:30'), 'the week preview');
    await k.screenshot({ path: join(shots, 'service.png'), fullPage: true });
  });

  await check('verify an entry, with a confirmation', async () => {
    await k.goto(`${base}${C}/services/${VER}`);
    await k.getByLabel('Hur').selectOption('phone');
    await k.getByRole('button', { name: 'Markera som kontrollerad i dag' }).click();
    await k.waitForURL(`${base}${C}/services/${VER}`);
    assert((await flash(k)).includes('kontrollerad'), 'confirmed');
    assert(await k.locator('#f-verified_on').inputValue() === today, 'verified_on is today');
    assert((await k.locator('table', { hasText: 'telefonsamtal' }).textContent()).includes('kron'), 'who and how');
  });

  await check('resolve the report with a note', async () => {
    await k.goto(`${base}${C}/corrections?service=${SVC}`);
    const card = k.locator('section.card', { hasText: 'Numret går till fel mottagning' });
    await card.getByLabel(/Anteckning/).fill('Öppettiderna rättade efter samtal');
    await card.getByRole('button', { name: 'Åtgärdad' }).click();
    await k.waitForURL(/corrections\?service=/);
    assert((await flash(k)).includes('Rapporten är åtgärdad: Demo: Socialtjänsten Ljungby kommun'), 'a confirmation naming the service');
    // The undo reopens it; resolving again is one click away.
    await k.getByRole('button', { name: /Ångra: öppna rapporten igen/ }).click();
    assert((await flash(k)).includes('Rapporten är öppen igen'), 'undone, with a confirmation');
    await k.goto(`${base}${C}/corrections?service=${SVC}`);
    const again = k.locator('section.card', { hasText: 'Numret går till fel mottagning' });
    await again.getByLabel(/Anteckning/).fill('Öppettiderna rättade efter samtal');
    await again.getByRole('button', { name: 'Åtgärdad' }).click();
    await k.goto(`${base}${C}/corrections?state=resolved`);
    assert((await k.locator('section.card').textContent()).includes('Öppettiderna rättade'), 'resolved with its note');
  });

  let asa;
  await check('two coordinators editing one service: the later save is refused with both versions side by side', async () => {
    asa = await session('åsa.östlund', 'Renar över Flatruet 7');
    await asa.waitForURL(`${base}${C}/`);
    await asa.goto(`${base}${C}/services/${VER}`);
    await k.goto(`${base}${C}/services/${VER}`);
    await k.locator('#f-description_sv').fill('Samordnar länets arbete mot våld i nära relationer.');
    await k.getByRole('button', { name: 'Spara' }).click();
    await k.waitForURL(`${base}${C}/services/${VER}`);
    await asa.locator('#f-description_sv').fill('Länsstyrelsens samordnare svarar på frågor om överenskommelsen.');
    await asa.getByRole('button', { name: 'Spara' }).click();
    await asa.locator('#conflict').waitFor();
    const diff = await asa.locator('#conflict-diff').textContent();
    assert(diff.includes('Samordnar länets arbete') && diff.includes('svarar på frågor'), `both versions: ${diff}`);
    await asa.screenshot({ path: join(shots, 'conflict.png'), fullPage: true });
    await k.goto(`${base}${C}/services/${VER}`);
    assert((await k.locator('#f-description_sv').inputValue()).startsWith('Samordnar länets arbete'), 'nothing overwritten');
  });

  await check('drafts: a change not marked ready is held back, listed with its owner; publish ships the rest', async () => {
    await asa.goto(`${base}${C}/services/ljungby-polisen`);
    await asa.locator('#f-name_en').fill('Police in Ljungby (draft)');
    await asa.getByLabel('Klart att publicera').uncheck();
    await asa.getByRole('button', { name: 'Spara' }).click();
    assert((await flash(asa)).includes('utkast'), 'saved as a draft');
    await k.goto(`${base}${C}/publish`);
    const held = await k.locator('#held').textContent();
    assert(held.includes('åsa.östlund'), `held back, with its owner: ${held}`);
    const diff = await k.locator('main').textContent();
    assert(!diff.includes('(draft)'), 'the draft is not in what is published');
    assert(diff.includes('Öppettider') && diff.includes('mon-thu 08:00-16:30'), 'the diff in words');
    await k.screenshot({ path: join(shots, 'publish.png'), fullPage: true });
    await k.getByRole('button', { name: 'Signera och publicera' }).click();
    await k.waitForURL(`${base}${C}/publish`);
    assert((await flash(k)).includes('Publicerat'), 'published');
    const out = run(['sync', '--data-dir', dev, '--hub', base, '--json']);
    const show = run(['show', '--data-dir', dev, SVC]);
    assert(show.includes('16:30'), `the device shows the new hours:\n${show}\n${out}`);
    const svc = run(['show', '--data-dir', dev, 'ljungby-polisen', '--json']);
    assert(!svc.includes('(draft)'), 'the held draft never reached the device');
  });

  await check('a coordinator trying to go back is refused; the admin sees the diff, confirms, drafts and settings stay', async () => {
    // A second published fix, which going back will undo.
    await k.goto(`${base}${C}/services/${SVC}`);
    await k.locator('#f-hours').fill('mon-fri 10:00-14:00; closed-holidays');
    await k.getByRole('button', { name: 'Spara' }).click();
    await k.waitForURL(`${base}${C}/services/${SVC}`);
    await k.goto(`${base}${C}/publish`);
    await k.getByRole('button', { name: 'Signera och publicera' }).click();
    await k.waitForURL(`${base}${C}/publish`);
    assert(await k.getByRole('button', { name: /^Gå tillbaka till/ }).count() === 0, 'no going back for a coordinator');
    const csrf = await k.locator('input[name=csrf]').first().inputValue();
    const r = await k.request.post(`${base}${C}/publish/revert`, { form: { csrf, version: '1', confirm: '1' }, maxRedirects: 0 });
    assert(r.status() === 403, `a forged going back: ${r.status()}`);
    await a.goto(`${base}${C}/publish`);
    const distBefore = await a.locator('#d-hub').inputValue();
    const buttons = a.getByRole('button', { name: /^Gå tillbaka till/ });
    assert(await buttons.count() >= 1, 'the admin may go back');
    await buttons.first().click();
    await a.getByRole('heading', { name: /Gå tillbaka/ }).waitFor();
    assert((await a.locator('main').textContent()).includes('Öppettider'), 'what going back changes, in words');
    await a.screenshot({ path: join(shots, 'revert.png'), fullPage: true });
    await a.getByRole('button', { name: /^Bekräfta/ }).click();
    await a.waitForURL(`${base}${C}/publish`);
    assert((await flash(a)).includes('Tillbaka till'), await flash(a));
    assert(await a.locator('#d-hub').inputValue() === distBefore, 'the distribution settings are untouched');
    assert((await a.locator('#held').textContent()).includes('åsa.östlund'), 'the draft is kept');
    await a.goto(`${base}${C}/audit`);
    assert((await a.locator('table').textContent()).includes('Tillbaka till version'), 'audited, in words');
  });

  await check('a lockout attempt against the admin: the attacker is slowed, the admin still gets in', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    let slowed = 0;
    for (let i = 0; i < 12; i++) {
      await p.goto(`${base}${C}/login`);
      await p.getByLabel('Användarnamn').fill('admin');
      await p.getByLabel('Lösenord').fill(`gissning-${i}`);
      const [resp] = await Promise.all([p.waitForResponse(r => r.url().endsWith('/login') && r.request().method() === 'POST'), p.getByRole('button', { name: 'Logga in' }).click()]);
      if (resp.status() === 429) slowed++;
    }
    assert(slowed > 0, 'the guesser is slowed');
    await ctx.close();
    const fresh = await browser.newContext();
    const q = await fresh.newPage();
    for (let i = 0; i < 5; i++) {
      await q.goto(`${base}${C}/login`);
      await q.getByLabel('Användarnamn').fill('admin');
      await q.getByLabel('Lösenord').fill(PW.admin);
      const [resp] = await Promise.all([q.waitForResponse(r => r.url().endsWith('/login') && r.request().method() === 'POST'), q.getByRole('button', { name: 'Logga in' }).click()]);
      if (resp.status() !== 429) break;
      const wait = Number(resp.headers()['retry-after']);
      assert(wait > 0 && wait <= 30, `a bounded wait, never a lockout: ${wait}`);
      assert((await q.getByRole('alert').textContent()).includes('inte spärrat'), 'says the account is not locked');
      await q.screenshot({ path: join(shots, 'login-wait.png') });
      await new Promise(r => setTimeout(r, wait * 1000 + 300));
    }
    await q.waitForURL(`${base}${C}/`);
    await fresh.close();
  });

  await check('a statistic outside the device\'s enrollment is refused and the device reports why', async () => {
    await k.goto(`${base}${C}/followup?year=2026`);
    const before = await k.locator('#screenings').textContent();
    // The phone is enrolled for Kronoberg police; its user screens for a Härjedalen municipality.
    writeFileSync(join(work, 'answers.json'), JSON.stringify({ answers: { physical_violence: 'yes', strangulation: 'yes', threats_to_kill: 'yes', children_count: 0 } }));
    run(['screen', 'adult-risk', '--data-dir', dev, '--answers', join(work, 'answers.json'), '--kommun', 'Härjedalen', '--json']);
    run(['sync', '--data-dir', dev, '--hub', base]);
    const outbox = run(['outbox', '--data-dir', dev]);
    assert(/set aside: .*not in county 07/.test(outbox), `the device shows the hub's reason:\n${outbox}`);
    await k.goto(`${base}${C}/followup?year=2026`);
    assert(await k.locator('#screenings').textContent() === before, 'nothing reached the follow-up');
  });

  await check('the follow-up: suppressed cells, and no chart draws a hidden group smaller than it is', async () => {
    await k.goto(`${base}${C}/followup?year=2026`);
    const rows = k.locator('#screenings tbody tr');
    const text = await rows.allTextContents();
    assert(text.some(t => t.includes('high') && t.includes('4')), 'the cell of 4 is shown');
    assert(text.some(t => t.includes('low') && t.includes('<3')), 'the cell of 1 is shown as <3');
    assert(!text.some(t => /\b5\b/.test(t)), 'no total of 5');
    const svgs = await k.locator('svg.chart').evaluateAll(l => l.map(e => e.outerHTML));
    assert(!svgs.some(s => s.includes('(+&lt;3)')), 'no "(+<3)" hiding a remainder');
    const byQuarter = await k.locator('svg.chart').first().getAttribute('aria-label');
    assert(/minst 4/.test(byQuarter) && !/: 5\b/.test(byQuarter), `a group with a hidden cell: at least, no bar: ${byQuarter}`);
    await k.screenshot({ path: join(shots, 'followup.png'), fullPage: true });
  });

  await check('faster than the spreadsheet: phones and open-now in the list, bulk verify, Excel export', async () => {
    await k.goto(`${base}${C}/services?county=07`);
    assert((await k.locator('td.phones').allTextContents()).some(t => /\d{2,3}/.test(t)), 'phone numbers in the list');
    assert((await k.locator('td.open').allTextContents()).some(t => /Öppet|Stängt|öppet|stängt/.test(t)), 'open now in the list');
    await k.getByRole('checkbox', { name: /Länsstyrelsen Kronoberg/ }).first().check();
    await k.getByLabel('Hur').selectOption('website');
    await k.getByRole('button', { name: 'Markera valda som kontrollerade i dag' }).click();
    await k.waitForURL(/\/console\/services$/);
    assert((await flash(k)).includes('1 kontrollerade i dag'), await flash(k));
    await k.screenshot({ path: join(shots, 'services.png') });
    const r = await k.request.get(`${base}${C}/services.csv`);
    const body = await r.body();
    assert(body[0] === 0xEF && body[1] === 0xBB && body[2] === 0xBF, 'a BOM: Excel reads å/ä/ö');
    const first = body.slice(3).toString('utf8').split('\r\n')[0];
    assert(first.startsWith('Namn;Organisation;'), `semicolons, Swedish headers: ${first}`);
  });

  await check('after the idle timeout a form survives a fresh login', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${base}${C}/login`);
    await p.getByLabel('Användarnamn').fill('kron');
    await p.getByLabel('Lösenord').fill(PW.kron);
    await p.getByRole('button', { name: 'Logga in' }).click();
    await p.waitForURL(`${base}${C}/`);
    await p.goto(`${base}${C}/services/${VER}`);
    await p.locator('#f-description_sv').fill('En lång text skriven under en lunch som tog för lång tid.');
    // The session ends meanwhile (here: logged out in another tab).
    const other = await ctx.newPage();
    await other.goto(`${base}${C}/`);
    await other.getByRole('button', { name: 'Logga ut' }).click();
    await p.getByRole('button', { name: 'Spara' }).click();
    await p.waitForURL(`${base}${C}/login`);
    assert((await p.locator('main').textContent()).includes('Det du skickade är sparat'), 'told that the form is kept');
    await p.getByLabel('Användarnamn').fill('kron');
    await p.getByLabel('Lösenord').fill(PW.kron);
    await p.getByRole('button', { name: 'Logga in' }).click();
    await p.waitForURL(`${base}${C}/resume`);
    assert((await p.locator('main').textContent()).includes('En lång text skriven under en lunch'), 'the text is there');
    await p.getByRole('button', { name: 'Skicka igen' }).click();
    await p.waitForURL(`${base}${C}/services/${VER}`);
    assert((await p.locator('#f-description_sv').inputValue()).includes('En lång text skriven'), 'and saved');
    await ctx.close();
  });

  await check('bad input is a clear 400, never a crashed handler', async () => {
    const r1 = await k.request.get(`${base}${C}/services?older_than=99999999999999999`);
    assert(r1.status() === 400 && (await r1.text()).includes('older_than'), `older_than: ${r1.status()}`);
    const csrf = await k.locator('input[name=csrf]').first().inputValue();
    const r2 = await k.request.post(`${base}${C}/followup/indicators`, { form: { csrf, county: '07', quarter: 'aaaå-Q', kind: 'activities', value: '1' }, maxRedirects: 0 });
    assert(r2.status() === 422, `a non-ASCII quarter: ${r2.status()}`);
    const r3 = await k.request.post(`${base}${C}/services/${VER}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: `csrf=${csrf}&name_sv=%FF%FE`, maxRedirects: 0 });
    assert(r3.status() === 400 && (await r3.text()).includes('UTF-8'), `invalid UTF-8: ${r3.status()}`);
    const r4 = await k.request.post(`${base}${C}/services/${VER}`, { form: { csrf, name_sv: 'x'.repeat(100000) }, maxRedirects: 0 });
    assert(r4.status() === 400, `a 100,000-character name: ${r4.status()}`);
    // A refusal page's "Tillbaka" is a plain link (the CSP blocks javascript: links).
    await k.goto(`${base}${C}/services/${VER}`);
    await k.getByLabel('Skäl').fill(' ');
    await k.getByRole('button', { name: 'Avveckla' }).click();
    const back = k.getByRole('link', { name: 'Tillbaka' });
    assert(!(await back.getAttribute('href')).startsWith('javascript'), 'no javascript: link');
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
    const p = await session('ana', PW.ana);
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
  });

  await check('retire with an undo', async () => {
    await k.goto(`${base}${C}/services/${SVC}`);
    await k.getByLabel('Skäl').fill('Mottagningen har stängt');
    await k.getByRole('button', { name: 'Avveckla' }).click();
    await k.waitForURL(`${base}${C}/services/${SVC}`);
    assert(await k.getByText('Avvecklad: Mottagningen har stängt').count() === 1, 'retired');
    await k.getByRole('button', { name: /^Ångra/ }).click();
    await k.waitForURL(`${base}${C}/services/${SVC}`);
    assert(await k.getByText('Avvecklad: Mottagningen har stängt').count() === 0, 'undone');
  });

  await check('a disabled user is refused, and re-enabled with the undo', async () => {
    const g = await session('gone', PW.gone);
    await g.waitForURL(`${base}${C}/`);
    await a.goto(`${base}${C}/users`);
    await a.getByRole('button', { name: 'Stäng av gone' }).click();
    assert((await flash(a)).includes('avstängt'), 'confirmed');
    await a.screenshot({ path: join(shots, 'users.png'), fullPage: true });
    await g.goto(`${base}${C}/services`);
    assert(g.url() === `${base}${C}/login`, 'the open session ended');
    await a.getByRole('button', { name: /^Ångra/ }).click();
    assert((await flash(a)).includes('aktivt igen'), 're-enabled');
    await a.goto(`${base}${C}/audit`);
    const log = await a.locator('table').textContent();
    assert(log.includes('Konto avstängt') && log.includes('Konto påslaget igen'), 'the audit log has both, in words');
    const dates = await a.locator('table tbody tr td:first-child').allTextContents();
    assert(dates.length > 0 && dates.every(d => /^\d{1,2} [a-zåäö]{3} \d{4} \d\d:\d\d$/.test(d.trim())), `dates in words, Stockholm time: ${dates[0]}`);
    await a.screenshot({ path: join(shots, 'audit.png'), fullPage: true });
    const g2 = await session('gone', PW.gone);
    await g2.waitForURL(`${base}${C}/`);
    await g2.context().close();
  });

  await check('change one\'s own password', async () => {
    await asa.goto(`${base}${C}/account`);
    await asa.getByLabel('Nuvarande lösenord').fill('Renar över Flatruet 7');
    await asa.getByLabel(/^Nytt lösenord\b(?! igen)/).fill('password12');
    await asa.getByLabel('Nytt lösenord igen').fill('password12');
    await asa.getByRole('button', { name: 'Byt lösenord' }).click();
    assert(await asa.locator('#e-new').count() === 1, 'a guessable password refused beside its field');
    await asa.getByLabel('Nuvarande lösenord').fill('Renar över Flatruet 7');
    await asa.getByLabel(/^Nytt lösenord\b(?! igen)/).fill('Myrull längs Ljungan 8');
    await asa.getByLabel('Nytt lösenord igen').fill('Myrull längs Ljungan 8');
    await asa.getByRole('button', { name: 'Byt lösenord' }).click();
    await asa.waitForURL(`${base}${C}/login`);
    await asa.getByLabel('Användarnamn').fill('åsa.östlund');
    await asa.getByLabel('Lösenord').fill('Myrull längs Ljungan 8');
    await asa.getByRole('button', { name: 'Logga in' }).click();
    await asa.waitForURL(`${base}${C}/`);
  });

  await check('phones: a revoked device is refused (410)', async () => {
    await k.goto(`${base}${C}/phones`);
    await k.getByRole('button', { name: /^Spärra / }).click();
    await k.getByText('spärrad').first().waitFor();
    const token = readFileSync(join(dev, 'device-token'), 'utf8').trim();
    const r = await fetch(`${base}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"events": []}' });
    assert(r.status === 410, `a revoked device's upload: ${r.status}`);
    assert((await flash(k)).includes('Kronoberg'), 'the confirmation names the county in words');
    // A revocation by mistake is undone at once from the confirmation.
    await k.getByRole('button', { name: /Ångra: släpp spärren för/ }).click();
    assert((await flash(k)).includes('Telefonen får skicka igen'), 'reinstated, with a confirmation');
    const back = await fetch(`${base}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"events": []}' });
    assert(back.status !== 410 && back.status < 500, `a reinstated device's upload: ${back.status}`);
    await k.getByRole('button', { name: /^Spärra / }).click();
    await k.locator('#flash', { hasText: 'spärrad' }).waitFor();
    const again = await fetch(`${base}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"events": []}' });
    assert(again.status === 410, `revoked again: ${again.status}`);
  });

  await check('English and the services list', async () => {
    await k.goto(`${base}${C}/services?county=07`);
    await k.getByRole('link', { name: 'English' }).click();
    await k.getByRole('heading', { name: 'Services' }).waitFor();
    assert(k.url().endsWith('/services?county=07'), 'back where the user was');
  });
} finally {
  await browser.close().catch(() => {});
  hub.kill('SIGINT');
  rmSync(work, { recursive: true, force: true });
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
