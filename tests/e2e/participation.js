// Browser test of citizen participation in Arabic: Debian chromium driven by
// playwright-core against a running majlis prepared by tests/e2e/participation.t
// (an open consultation with another citizen's comment, an open poll).
//
//   MAJLIS_URL=... CONSULT_ID=1 OTHER_COMMENT_ID=1 POLL_ID=1 SHOT_DIR=/tmp/x node tests/e2e/participation.js
//
// The demo citizen (whose account language is Arabic) logs in through the form,
// comments on the consultation, replies to the other comment, votes in the poll
// and reads the results page — right to left, with the SVG chart and its table.
// Prints "ok - NAME" / "not ok - NAME" lines and "# ..." diagnostics.
'use strict';

const path = require('path');
const { chromium } = require(path.join(__dirname, '..', 'node', 'node_modules', 'playwright-core'));

const BASE = (process.env.MAJLIS_URL || '').replace(/\/$/, '');
const SHOT_DIR = process.env.SHOT_DIR || require('os').tmpdir();
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CONSULT_ID = Number(process.env.CONSULT_ID);
const OTHER_COMMENT_ID = Number(process.env.OTHER_COMMENT_ID);
const POLL_ID = Number(process.env.POLL_ID);
const STEP_MS = 15000;
const CITIZEN = { email: 'citizen@example.org', password: 'majlis-citizen-2026' };

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

async function fetchJSON(url) {
  const res = await fetch(url, { headers: { 'Accept-Language': 'ar' }, signal: AbortSignal.timeout(STEP_MS) });
  return { status: res.status, json: res.status === 200 ? await res.json() : null };
}

async function isArabicRtl(page, what) {
  const rtl = await page.locator('html[dir=rtl][lang=ar]').count();
  const direction = await page.evaluate(() => getComputedStyle(document.body).direction);
  ok(rtl === 1 && direction === 'rtl', `${what} is Arabic and right-to-left (html[dir=rtl][lang=ar], body ${direction})`);
}

async function main() {
  if (!BASE || !CONSULT_ID || !OTHER_COMMENT_ID || !POLL_ID) throw new Error('MAJLIS_URL, CONSULT_ID, OTHER_COMMENT_ID, POLL_ID are needed');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_MS,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const errors = [];
  try {
    diag(`chromium ${browser.version()}`);
    const ctx = await browser.newContext({ locale: 'ar', extraHTTPHeaders: { 'Accept-Language': 'ar' } });
    ctx.setDefaultTimeout(STEP_MS);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    const isFavicon = (url) => /\/favicon\.ico(\?|$)/.test(url || '');
    page.on('console', (m) => {
      if (m.type() === 'error' && !isFavicon(m.location().url)) errors.push(`console: ${m.text()} ${m.location().url || ''}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !isFavicon(r.url())) errors.push(`HTTP ${r.status()} ${r.url()}`);
    });
    const stamp = Date.now().toString(36);

    // 1. Log in through the form.
    await page.goto(`${BASE}/login`);
    await page.fill('input[name=email]', CITIZEN.email);
    await page.fill('input[name=password]', CITIZEN.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button')]);
    const cookies = await ctx.cookies(BASE);
    must(cookies.some((c) => c.name === 'majlis_session'), 'the citizen logs in through the form');

    // 2. The open consultation, in Arabic.
    let res = await page.goto(`${BASE}/consultations/${CONSULT_ID}`);
    must(res && res.status() === 200, `the consultation page answers 200 (/consultations/${CONSULT_ID})`);
    await isArabicRtl(page, 'the consultation page');

    // 3. Comment through the page's form (no JavaScript needed).
    const comment = `أقترح ممرا للراجلين أمام المدرسة ${stamp}`;
    const form = page.locator('form[action="/comments"]').first();
    must(await form.count() === 1, 'the consultation offers a comment form');
    await form.locator('textarea[name=body]').fill(comment);
    await Promise.all([page.waitForNavigation(), form.locator('button').first().click()]);
    await page.goto(`${BASE}/consultations/${CONSULT_ID}`);
    ok((await page.content()).includes(comment), 'the comment is on the consultation page');
    await page.screenshot({ path: path.join(SHOT_DIR, 'consultation-ar.png'), fullPage: true });

    // 4. Reply to the other citizen's comment.
    const reply = `أوافقك الرأي ${stamp}`;
    const replyLink = page.locator(`a[href="/comments/${OTHER_COMMENT_ID}/reply"]`).first();
    must(await replyLink.count() === 1, 'the other comment has a reply link');
    await Promise.all([page.waitForNavigation(), replyLink.click()]);
    await isArabicRtl(page, 'the reply page');
    const rform = page.locator('form:has(textarea[name=body])').first();
    must(await rform.count() === 1, 'the reply page has a form');
    await rform.locator('textarea[name=body]').fill(reply);
    await Promise.all([page.waitForNavigation(), rform.locator('button').first().click()]);
    const replies = await fetchJSON(`${BASE}/api/v1/comments/${OTHER_COMMENT_ID}/replies`);
    const items = replies.json ? (replies.json.items || replies.json.replies || replies.json.comments || []) : [];
    ok(items.some((c) => (c.body || '').includes(reply) || (c.body_html || '').includes(reply)),
      'the reply is stored under the other comment (JSON API)');
    await page.goto(`${BASE}/consultations/${CONSULT_ID}`);
    ok((await page.content()).includes(reply), 'the reply shows on the consultation page');

    // 5. Vote in the poll.
    res = await page.goto(`${BASE}/polls/${POLL_ID}`);
    must(res && res.status() === 200, `the poll page answers 200 (/polls/${POLL_ID})`);
    await isArabicRtl(page, 'the poll page');
    const vform = page.locator(`form[action="/polls/${POLL_ID}/vote"]`);
    must(await vform.count() === 1, 'the poll offers a vote form');
    const choice = vform.locator('input[name=option]').first();
    const chosen = await choice.getAttribute('value');
    await choice.check();
    await Promise.all([page.waitForNavigation(), vform.locator('button').first().click()]);
    ok(!page.url().includes('/login'), `voting leads on (${new URL(page.url()).pathname})`);

    // 6. The results page, in Arabic.
    res = await page.goto(`${BASE}/polls/${POLL_ID}/results`);
    must(res && res.status() === 200, 'the results page answers 200');
    await isArabicRtl(page, 'the results page');
    ok(await page.locator('svg[role=img]').count() >= 1, 'an SVG chart with role=img');
    ok(await page.locator('svg title').count() >= 1, 'the chart has a text alternative (<title>)');
    const firstRow = await page.locator('table tbody tr').first().locator('td').first().textContent();
    ok(firstRow && firstRow.trim() === '1', `the results table counts the vote (${firstRow && firstRow.trim()})`);
    const api = await fetchJSON(`${BASE}/api/v1/polls/${POLL_ID}/results`);
    ok(api.status === 200 && JSON.stringify(api.json).includes('"votes":1'), `the JSON results count one vote for option ${chosen}`);
    await page.screenshot({ path: path.join(SHOT_DIR, 'poll-results-ar.png'), fullPage: true });

    ok(errors.length === 0, 'no script error, console error or HTTP error on the pages');
    if (errors.length) diag(errors.slice(0, 10).join('\n'));
    await ctx.close();
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(failed ? 1 : 0),
  (err) => {
    if (!(err instanceof Stop)) {
      ok(false, 'participation test ran to the end');
      diag(err && err.stack ? err.stack : String(err));
    }
    process.exit(1);
  },
);
