// The console's import and export in real headless Chromium (Debian's
// chromium, playwright-core) against a real hub on 127.0.0.1 (`fyr hub
// serve`): a coordinator's workbook and an HSDS 3 file are uploaded, the
// report is read before anything changes, the import is confirmed and the
// entries appear; each export downloads. The last line is
// `browser exchange: N passed, M failed`.
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, cpSync, existsSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fyr = process.env.FYR_BIN || join(repo, 'target/debug/fyr');
const shots = join(repo, 'docs/screenshots');
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'fyr-exchange-'));
const db = join(work, 'hub.db');
const hsdsExample = join(repo, '../shared/hsds-3/examples/service_full.json');

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

// A hub with its own key and a first published version (as the README starts one).
run(['hub', 'keygen', '--out', join(work, 'keys')]);
run(['hub', 'user', 'add', '--db', db, 'admin', '--role', 'admin'], 'admin-password-1\n');
run(['hub', 'user', 'add', '--db', db, 'kron', '--role', 'coordinator', '--county', '07'], 'kronoberg-pass-1\n');
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

// The coordinator's spreadsheet: the directory as a workbook with one new
// service for Ljungby (made by exporting an edited copy of the content).
const edited = join(work, 'edited');
cpSync(join(work, 'content'), edited, { recursive: true });
appendFileSync(join(edited, 'directory/services.csv'),
  'ljungby-samtalsgrupp,ljungby-socialtjanst,Demo: samtalsgrupp i Ljungby,,"Demopost – kontrollera uppgifterna lokalt. Samtalsgrupp för kvinnor som utsatts för våld.",,0781,women,counselling,physical;psychological,sv,,https://www.ljungby.se,,,0781,,,no,,demo,yes,samtal;grupp\n');
const workbook = join(work, 'ljungby.xlsx');
run(['hub', 'export', '--format', 'xlsx', '--content', edited, '--out', workbook]);

const hub = spawn(fyr, ['hub', 'serve', '--feed', join(work, 'feed'), '--db', db, '--listen', '127.0.0.1:0',
  '--key', join(work, 'keys/fyr-feed.key')], { cwd: work });
const base = await new Promise((res, rej) => {
  let out = '';
  const t = setTimeout(() => rej(new Error('the hub did not start: ' + out)), 30000);
  hub.stdout.on('data', d => { out += d; const m = out.match(/http:\/\/127\.0\.0\.1:\d+/); if (m) { clearTimeout(t); res(m[0]); } });
  hub.stderr.on('data', d => { out += d; });
  hub.on('exit', c => rej(new Error(`the hub exited (${c}): ${out}`)));
});
const C = '/console';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
async function session(name, password) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  await page.goto(`${base}${C}/login`);
  await page.getByLabel(/Användarnamn|User name/).fill(name);
  await page.getByLabel(/Lösenord|Password/).fill(password);
  await page.getByRole('button', { name: /Logga in|Log in/ }).click();
  await page.waitForURL(`${base}${C}/`);
  return page;
}

try {
  const k = await session('kron', 'kronoberg-pass-1');
  await check('a coordinator imports a workbook: report first, then confirm', async () => {
    await k.getByRole('link', { name: 'Import/export' }).click();
    await k.waitForURL(`${base}${C}/exchange`);
    await k.getByLabel('Fil').setInputFiles(workbook);
    await k.getByRole('button', { name: 'Visa rapporten' }).click();
    const mapped = await k.locator('#mapped').textContent();
    assert(mapped.includes('ljungby-samtalsgrupp') && mapped.includes('added'), `the report names the new service: ${mapped}`);
    assert(await k.getByText('Ingenting har ändrats ännu.').isVisible(), 'nothing changed yet');
    await k.screenshot({ path: join(shots, 'exchange-report.png'), fullPage: true });
    const other = await k.context().newPage();
    const before = await other.goto(`${base}${C}/services/ljungby-samtalsgrupp`);
    assert(before.status() === 404 || !(await other.content()).includes('Demo: samtalsgrupp i Ljungby'), 'not in the directory before confirming');
    await other.close();
    await k.getByRole('button', { name: 'Importera' }).click();
    assert(await k.locator('#message').isVisible(), 'imported');
    await k.goto(`${base}${C}/services/ljungby-samtalsgrupp`);
    assert((await k.content()).includes('Demo: samtalsgrupp i Ljungby'), 'the service is in the working directory');
  });

  const a = await session('admin', 'admin-password-1');
  await check('an admin imports an HSDS 3 file: services, phones and schedules mapped, unverified', async () => {
    if (!existsSync(hsdsExample)) {
      assert(process.env.FYR_HSDS_OPTIONAL === '1', `${hsdsExample} is missing (../shared/hsds-3)`);
      return;
    }
    await a.goto(`${base}${C}/exchange`);
    await a.getByLabel('Fil').setInputFiles(hsdsExample);
    await a.getByRole('button', { name: 'Visa rapporten' }).click();
    const mapped = await a.locator('#mapped').textContent();
    assert(mapped.includes('community-counselling') && mapped.includes('1 phone(s)') && mapped.includes('thu,fri 10:00-18:00'),
      `phones and schedules mapped: ${mapped}`);
    assert(mapped.includes('unverified'), 'unverified');
    const dropped = await a.locator('#dropped').textContent();
    assert(dropped.includes('fees_description'), `dropped fields listed: ${dropped}`);
    assert((await a.locator('#check').textContent()).includes('area not understood'), 'what to check is listed');
    await a.getByRole('button', { name: 'Importera' }).click();
    assert(await a.locator('#message').isVisible(), 'imported');
    await a.goto(`${base}${C}/services/community-counselling`);
    assert((await a.content()).includes('Community Counselling'), 'the service is in the working directory');
  });

  for (const [id, magic] of [['export-hsds-json', '{'], ['export-hsds-csv', 'PK'], ['export-xlsx', 'PK']]) {
    await check(`download ${id}`, async () => {
      await a.goto(`${base}${C}/exchange`);
      const [dl] = await Promise.all([a.waitForEvent('download'), a.locator(`#${id}`).click()]);
      const path = await dl.path();
      const head = readFileSync(path).subarray(0, 2).toString('latin1');
      assert(head.startsWith(magic), `${dl.suggestedFilename()} starts with ${JSON.stringify(head)}`);
      if (id === 'export-hsds-json') {
        const v = JSON.parse(readFileSync(path, 'utf8'));
        assert(v.hsds_version === '3.0' && v.organizations.length > 0, 'an HSDS document');
      }
    });
  }
} finally {
  await browser.close();
  hub.kill();
}
console.log(`browser exchange: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
