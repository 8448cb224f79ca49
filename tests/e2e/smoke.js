// Browser smoke test: Debian chromium driven by playwright-core against a running
// majlis with a demo database. Run by tests/e2e/smoke.t, which starts the server.
//
//   MAJLIS_URL=http://127.0.0.1:PORT SHOT_DIR=/tmp/x node tests/e2e/smoke.js
//
// Prints one line per step, "ok - NAME" or "not ok - NAME", and "# ..." diagnostics;
// smoke.t numbers them as TAP. A failed step that later steps need stops the run.
// Every wait is bounded (STEP_MS per action, the whole run by smoke.t).
'use strict';

const path = require('path');
const { chromium } = require(path.join(__dirname, '..', 'node', 'node_modules', 'playwright-core'));

const BASE = (process.env.MAJLIS_URL || '').replace(/\/$/, '');
const SHOT_DIR = process.env.SHOT_DIR || require('os').tmpdir();
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;
const EDITOR = { email: 'editor@example.org', password: 'majlis-editor-2026' };

let failed = 0;
const t0 = Date.now();
function ok(cond, name) {
  if (!cond) failed++;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  process.stdout.write(`${cond ? 'ok' : 'not ok'} - ${String(name).replace(/[\n#]/g, ' ')} [${secs} s]\n`);
  return !!cond;
}
function diag(msg) {
  for (const line of String(msg).split('\n')) process.stdout.write(`# ${line}\n`);
}
class Stop extends Error {}
function must(cond, name) {
  if (!ok(cond, name)) throw new Stop(name);
}

async function fetchText(url, headers = {}) {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(STEP_MS), redirect: 'manual' });
  return { status: res.status, type: res.headers.get('content-type') || '', text: await res.text() };
}

async function main() {
  if (!BASE) throw new Error('MAJLIS_URL is not set');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_MS,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const errors = [];
  const notes = new Set();
  try {
    diag(`chromium ${browser.version()}`);
    // An Arabic reader: the language comes from Accept-Language, not from ?lang=.
    const ctx = await browser.newContext({ locale: 'ar', extraHTTPHeaders: { 'Accept-Language': 'ar' } });
    ctx.setDefaultTimeout(STEP_MS);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    // The browser asks for /favicon.ico by itself; the pages name no icon, so that
    // 404 is reported as a note, not a failure (a <link rel="icon"> would avoid it).
    const isFavicon = (url) => /\/favicon\.ico(\?|$)/.test(url || '');
    page.on('console', (m) => {
      if (m.type() === 'error' && !isFavicon(m.location().url)) errors.push(`console: ${m.text()} ${m.location().url || ''}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && isFavicon(r.url())) notes.add(`the browser's own request for ${new URL(r.url()).pathname} got ${r.status()}`);
      else if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
    });

    // 1. Arabic home page, right to left.
    let res = await page.goto(`${BASE}/`);
    must(res && res.status() === 200, 'home page answers 200');
    const rtl = await page.locator('html[dir=rtl][lang=ar]').count();
    ok(rtl === 1, 'home page is Arabic and right-to-left: html[dir=rtl][lang=ar]');
    const direction = await page.evaluate(() => getComputedStyle(document.body).direction);
    ok(direction === 'rtl', `body's computed direction is rtl (${direction})`);

    // 2. Log in as the editor through the form.
    await page.goto(`${BASE}/login`);
    await page.fill('input[name=email]', EDITOR.email);
    await page.fill('input[name=password]', EDITOR.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button')]);
    const cookies = await ctx.cookies(BASE);
    must(cookies.some((c) => c.name === 'majlis_session' && c.httpOnly), 'editor logs in through the form (HttpOnly session cookie set)');

    // 3. New post form: fill it in, publish.
    res = await page.goto(`${BASE}/staff/posts/new`);
    must(res && res.status() === 200, 'editor opens /staff/posts/new');
    const stamp = Date.now().toString(36);
    const title = `تجربة المتصفح ${stamp}`;
    await page.fill('input[name=title]', title);
    await page.fill('textarea[name=body]', `نص **التجربة** ${stamp}.\n\nسطر ثان.`);
    await page.selectOption('select[name=kind]', 'announcement');
    // The department select holds ids; find roads' id through the public API.
    const roads = JSON.parse((await fetchText(`${BASE}/api/v1/posts?dept=roads&limit=1`)).text);
    const roadsId = roads.items.length ? String(roads.items[0].department.id) : null;
    const deptValues = await page.locator('select[name=dept] option').evaluateAll((os) => os.map((o) => o.value));
    must(deptValues.length > 0, `department select offers the editor's departments (${deptValues.join(',')})`);
    await page.selectOption('select[name=dept]', roadsId && deptValues.includes(roadsId) ? roadsId : deptValues[0]);
    await page.selectOption('select[name=lang]', 'ar');
    await page.fill('input[name=tags]', `smoke-${stamp}`);
    await Promise.all([
      page.waitForURL(/\/staff\/posts\/\d+\/edit\?saved=1/),
      page.click('button[name=action][value=publish]'),
    ]);
    const postId = Number(new URL(page.url()).pathname.split('/')[3]);
    must(postId > 0, `publishing redirects to the saved post's edit page (post ${postId})`);
    ok(await page.locator('p.notice.ok').count() === 1, 'the edit page says it was saved');

    // 4. The post is on the home page (for the editor and for an anonymous reader).
    await page.goto(`${BASE}/`);
    ok(await page.getByRole('link', { name: title }).count() === 1, 'the new post is on the home page (editor)');
    const anon = await fetchText(`${BASE}/`, { 'Accept-Language': 'ar' });
    ok(anon.status === 200 && anon.text.includes(title), 'the new post is on the home page (anonymous, after the page cache)');
    const api = JSON.parse((await fetchText(`${BASE}/api/v1/posts/${postId}`)).text);
    ok(api.status === 'published' && api.title === title && api.lang === 'ar' && api.kind === 'announcement',
      `the API shows it published (status ${api.status})`);

    // 5. The Atom feed carries it.
    const feed = await fetchText(`${BASE}/feeds/posts.atom`);
    ok(feed.status === 200 && feed.type.startsWith('application/atom+xml'), `feed answers 200 application/atom+xml (${feed.status} ${feed.type})`);
    ok(feed.text.includes(`<title>${title}</title>`), 'the feed has an entry with the new title');

    // 6. A 320 px wide phone: no horizontal scroll, and a screenshot.
    const phone = await browser.newContext({
      locale: 'ar', extraHTTPHeaders: { 'Accept-Language': 'ar' },
      viewport: { width: 320, height: 640 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true,
    });
    phone.setDefaultTimeout(STEP_MS);
    const small = await phone.newPage();
    small.on('pageerror', (e) => errors.push(`page error (320 px): ${e.message}`));
    await small.goto(`${BASE}/`);
    const width = await small.evaluate(() => ({
      scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
    }));
    ok(width.scroll <= 320, `320 px viewport has no horizontal scroll (scrollWidth ${width.scroll}, clientWidth ${width.client})`);
    if (width.scroll > 320) {
      const wide = await small.evaluate(() => [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > 320.5 || el.getBoundingClientRect().left < -0.5)
        .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().left)}..${Math.round(el.getBoundingClientRect().right)}`));
      diag(`elements past the edge: ${wide.join('; ')}`);
    }
    const phoneShot = path.join(SHOT_DIR, 'home-ar-320.png');
    await small.screenshot({ path: phoneShot, fullPage: true });
    const deskShot = path.join(SHOT_DIR, 'home-ar-1024.png');
    await small.setViewportSize({ width: 1024, height: 768 });
    await small.screenshot({ path: deskShot, fullPage: false });
    ok(true, `screenshots saved (${phoneShot}, ${deskShot})`);
    await phone.close();

    ok(errors.length === 0, 'no script error or console error on the pages');
    if (errors.length) diag(errors.slice(0, 10).join('\n'));
    for (const n of notes) diag(`note: ${n}`);
    await ctx.close();
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(failed ? 1 : 0),
  (err) => {
    if (!(err instanceof Stop)) {
      ok(false, 'smoke test ran to the end');
      diag(err && err.stack ? err.stack : String(err));
    }
    process.exit(1);
  },
);
