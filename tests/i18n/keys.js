/*
 * tests/i18n/keys.js: every text the page shows has a label in every language.
 * usage: node keys.js SPINEMETS_BIN SHARED_DIR
 * 1. Engine keys (actions, options, work-up, differential, referrals, dexamethasone
 *    advice, care-plan items, warnings with a key) come from the engine itself: its
 *    source (the ACTION/OPTION/WORKUP/DIFF/referral calls and the dexamethasone
 *    names in src/core) and its answers (`spinemets assess --json` on every example
 *    and every assess vector), never from a hand-made list.
 * 2. Rule ids come from `spinemets rules`: each has a label rule.<ID> in every language.
 * 3. Every key of en.json is in every other language file, with the same {placeholders},
 *    and every key the page itself names (t('...'), data-i18n) is in en.json.
 * 4. Each translated file says which English revision it comes from and that it needs
 *    review by a native-speaking clinician.
 * Last line: "N passed, M failed".
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = path.join(__dirname, '../..');
const BIN = process.argv[2] || path.join(ROOT, 'build/spinemets');
const SHARED = process.argv[3] || path.join(ROOT, '../shared');
let passed = 0, failed = 0;
function check(ok, what, detail) {
  if (ok) { passed++; console.log('ok - ' + what); }
  else { failed++; console.log('FAIL - ' + what + (detail ? ': ' + detail : '')); }
}
const read = (p) => fs.readFileSync(path.join(ROOT, p), 'utf8');
const I18N = 'web/i18n/';
const index = JSON.parse(read(I18N + 'index.json')).languages;
const langs = {};
index.forEach((l) => { langs[l.code] = JSON.parse(read(I18N + l.file)); });
const EN = langs.en;

/* ---- 1. engine keys: source ---- */
const keys = {}; /* i18n key -> where it was found */
function want(k, where) { if (!keys[k]) keys[k] = where; }
const PREFIX = { ACTION: 'action.', OPTION: 'option.', WORKUP: 'workup.', DIFF: 'differential.', referral: 'referral.' };
const core = fs.readdirSync(path.join(ROOT, 'src/core')).filter((f) => /\.c$/.test(f));
core.forEach((f) => {
  const src = read('src/core/' + f);
  const re = /\b(ACTION|OPTION|WORKUP|DIFF|referral)\(\s*(?:a\s*,\s*)?([^;]*?),/g;
  let m;
  while ((m = re.exec(src))) {
    if (/#define/.test(src.slice(src.lastIndexOf('\n', m.index), m.index))) continue;
    (m[2].match(/"([a-z0-9_]+)"/g) || []).forEach((q) => want(PREFIX[m[1]] + q.slice(1, -1), 'src/core/' + f));
  }
  const FIELD = { actions: 'action.', options: 'option.', workup: 'workup.', differential: 'differential.', mimics: 'mimic.' };
  const it = /\bitem\(a, a->([a-z_]+),[^;]*?"([a-z0-9_]+)"/g;
  while ((m = it.exec(src))) if (FIELD[m[1]]) want(FIELD[m[1]] + m[2], 'src/core/' + f);
  const dex = /case SM_DEX_[A-Z0-9_]+:\s*return "([a-z0-9_]+)"/g;
  while ((m = dex.exec(src))) want('dex.' + m[1], 'src/core/' + f);
});
check(Object.keys(keys).filter((k) => /^action\./.test(k)).length >= 10, 'the engine source names its actions',
  Object.keys(keys).length + ' keys found');

/* ---- 1. engine keys: answers ---- */
const cases = [];
JSON.parse(read('web/examples.json')).examples.forEach((e) => cases.push(['example ' + e.id, e.case]));
[path.join(SHARED, 'clinical/vectors'), path.join(ROOT, 'tests/vectors')].forEach((dir) => {
  if (!fs.existsSync(dir)) return;
  fs.readdirSync(dir).filter((f) => /\.jsonl$/.test(f)).forEach((f) => {
    fs.readFileSync(path.join(dir, f), 'utf8').split('\n').forEach((line) => {
      if (!line.trim()) return;
      let v;
      try { v = JSON.parse(line); } catch (e) { return; }
      if (v.kind === 'assess' && v.input) cases.push([f + ' ' + v.id, v.input]);
    });
  });
});
let answered = 0;
cases.forEach(([name, c]) => {
  const doc = Object.assign({ schema: 'spinemets/case/1' }, c);
  delete doc.events;
  let out;
  try { out = execFileSync(BIN, ['assess', '--json', '-'], { input: JSON.stringify(doc), encoding: 'utf8' }); }
  catch (e) { out = e.stdout; }
  let a;
  try { a = JSON.parse(out); } catch (e) { return; }
  if (a.status !== 'ok') return;
  answered++;
  const tr = a.triage || {}, n = a.noms || {};
  (tr.actions || []).forEach((k) => want('action.' + k, name));
  if (tr.dexamethasone) want('dex.' + tr.dexamethasone, name);
  want('triage.' + tr.urgency, name);
  (n.options || []).forEach((k) => want('option.' + k, name));
  (n.referrals || []).forEach((k) => want('referral.' + k, name));
  (a.workup || []).forEach((k) => want('workup.' + k, name));
  (a.differential || []).forEach((k) => want('differential.' + k, name));
  ((a.care_plan || {}).items || []).forEach((it) => { if (it && it.key) want('care.' + it.key, name); });
  ((a.care_plan || {}).outcomes_to_record || []).forEach((k) => want('outcome.' + k, name));
  (a.warnings || []).forEach((w) => { if (w && typeof w === 'object' && w.key) want('warning.' + w.key, name); });
  (tr.mimics || []).concat(a.mimics || a.mimic_flags || []).forEach((w) => { const k = typeof w === 'string' ? w : w && w.key; if (k) want('mimic.' + k, name); });
});
check(answered >= 6, 'the engine assessed the examples and vectors', answered + ' of ' + cases.length);

/* ---- 2. rule ids ---- */
const rules = execFileSync(BIN, ['rules'], { encoding: 'utf8' }).split('\n')
  .map((l) => (l.match(/^([A-Z][A-Z0-9.-]+)\s/) || [])[1]).filter(Boolean);
check(rules.length >= 10, 'spinemets rules lists the rule ids', String(rules.length));
/* histology keys from `spinemets score --items tomita` (an instrument with a histology item); English
   shows the engine's own names, a translation names each one */
const histLine = execFileSync(BIN, ['score', '--items', 'tomita'], { encoding: 'utf8' }).split('\n')
  .filter((l) => /a histology key:/.test(l))[0] || '';
const hist = histLine.replace(/^.*a histology key:/, '').trim().split(/\s+/).filter(Boolean);
check(hist.length >= 10, 'the engine lists its histology keys', String(hist.length));
hist.forEach((k) => want('histology.' + k, 'spinemets score --items'));
/* English shows the engine's own reason texts; a translation gives each rule's text in its language */
rules.forEach((id) => want('rule.' + id, 'spinemets rules'));

Object.keys(langs).forEach((code) => {
  const L = langs[code];
  const missing = Object.keys(keys).filter((k) => (code !== 'en' || !/^(rule|histology)\./.test(k)) && (typeof L[k] !== 'string' || !L[k].trim()));
  check(missing.length === 0, code + ': every engine key and rule id has a label (' + Object.keys(keys).length + ' keys)',
    missing.map((k) => k + ' (' + keys[k] + ')').join(', '));
});

/* ---- 3. the whole page in every language ---- */
const page = read('web/app.js');
const named = new Set();
let m;
const tre = /\bt\('([a-z][a-z0-9_.-]*[a-z0-9_])'\s*[,)]/g;
while ((m = tre.exec(page))) named.add(m[1]);
const hre = /data-i18n(?:-label)?="([^"]+)"/g;
const html = read('web/index.html');
while ((m = hre.exec(html))) named.add(m[1]);
const notInEn = [...named].filter((k) => EN[k] === undefined);
check(notInEn.length === 0, 'every key the page names is in en.json (' + named.size + ' keys)', notInEn.join(', '));
const ph = (s) => (String(s).match(/\{\w+\}/g) || []).sort().join();
Object.keys(langs).filter((c) => c !== 'en').forEach((code) => {
  const L = langs[code];
  const miss = Object.keys(EN).filter((k) => k[0] !== '_' && (typeof L[k] !== 'string' || !L[k].trim()));
  check(miss.length === 0, code + ': every English key is translated (' + Object.keys(EN).length + ' keys)', miss.slice(0, 40).join(', ') + (miss.length > 40 ? ' …' : ''));
  const badPh = Object.keys(EN).filter((k) => typeof L[k] === 'string' && ph(L[k]) !== ph(EN[k]));
  check(badPh.length === 0, code + ': the {placeholders} match English', badPh.join(', '));
  const extra = Object.keys(L).filter((k) => k[0] !== '_' && EN[k] === undefined && !(/^(rule|histology)\./.test(k) && keys[k]));
  check(extra.length === 0, code + ': no key that English lacks', extra.join(', '));
  check(typeof L._source === 'string' && /en\.json/.test(L._source), code + ': names the English revision it was translated from', L._source);
  check(typeof L._review === 'string' && /native-speaking clinician/.test(L._review), code + ': carries the clinical-review note', L._review);
});
console.log(passed + ' passed, ' + failed + ' failed');
process.exit(failed ? 1 : 0);
