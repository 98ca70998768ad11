#!/usr/bin/env node
// bench/http/peer.js: the Node.js peer for bench/http/run.sh.
// A plain `http` server that answers POST /api/v1/score/sins like
// `spinemets serve` does: the same JSON body in, the same JSON document out
// (REFERENCE §1.1-1.3: items, points, bands, level -> location table; a level
// range takes its highest-scoring level, §1.4). Not a clinical tool: it exists
// only so the benchmark compares like with like.
//
// usage: node peer.js [PORT] [WORKERS]   (PORT 0 = any free port; the first
// line of standard output is "listening on http://127.0.0.1:PORT/").
// WORKERS > 1 runs that many processes with node:cluster (sharing the port).
'use strict';
const http = require('http');
const cluster = require('cluster');

const MAX_BODY = 1024 * 1024;
const ENGINE_VERSION = '0.1.0';

// §1.3: Occ, C1-C7, T1-T12, L1-L5, S1-S5
const LEVELS = ['Occ', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7',
  'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10', 'T11', 'T12',
  'L1', 'L2', 'L3', 'L4', 'L5', 'S1', 'S2', 'S3', 'S4', 'S5'];
// index into LOCATION: 0 junctional, 1 mobile, 2 semi_rigid, 3 rigid
const LEVEL_LOCATION = [0, 0, 0, 1, 1, 1, 1, 0,
  0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0,
  0, 1, 1, 1, 0,
  0, 3, 3, 3, 3];
const LEVEL_INDEX = new Map(LEVELS.map((l, i) => [l, i]));

// §1.1 (Fisher 2010, Table 1): [value, points, explanation]
const LOCATION = [
  ['junctional', 3, 'junctional (Occ-C2, C7-T2, T11-L1, L5-S1): 3 points'],
  ['mobile', 2, 'mobile spine (C3-C6, L2-L4): 2 points'],
  ['semi_rigid', 1, 'semi-rigid (T3-T10): 1 point'],
  ['rigid', 0, 'rigid (S2-S5): 0 points'],
];
const ITEMS = {
  location: LOCATION,
  pain: [
    ['mechanical', 3, 'mechanical pain (worse with movement or loading, relieved by lying down): 3 points'],
    ['occasional', 1, 'occasional pain, not mechanical: 1 point'],
    ['none', 0, 'pain-free lesion: 0 points'],
  ],
  bone_lesion: [
    ['lytic', 2, 'lytic lesion on CT: 2 points'],
    ['mixed', 1, 'mixed lytic/blastic: 1 point'],
    ['blastic', 0, 'blastic: 0 points'],
  ],
  alignment: [
    ['subluxation', 4, 'subluxation or translation present: 4 points'],
    ['deformity', 2, 'de novo deformity (kyphosis or scoliosis): 2 points'],
    ['normal', 0, 'normal alignment: 0 points'],
  ],
  collapse: [
    ['over_50', 3, 'more than 50% vertebral body collapse (exactly 50% is scored here, §1.4): 3 points'],
    ['under_50', 2, 'less than 50% collapse: 2 points'],
    ['body_involved_over_50', 1, 'no collapse but more than 50% of the body involved: 1 point'],
    ['none', 0, 'none of these: 0 points'],
  ],
  posterolateral: [
    ['bilateral', 3, 'bilateral posterolateral involvement (facet, pedicle or costovertebral joint fractured or replaced by tumour): 3 points'],
    ['unilateral', 1, 'unilateral posterolateral involvement: 1 point'],
    ['none', 0, 'no posterolateral involvement: 0 points'],
  ],
};
const ITEM_ORDER = ['level', 'location', 'pain', 'bone_lesion', 'alignment', 'collapse', 'posterolateral'];
const SCORED = ['pain', 'bone_lesion', 'alignment', 'collapse', 'posterolateral'];
// §1.2
const BANDS = [
  [0, 6, 'stable', 'stable (0-6); no mechanical intervention on SINS grounds.'],
  [7, 12, 'potentially_unstable', 'indeterminate, possible impending instability (7-12); surgical consultation recommended.'],
  [13, 18, 'unstable', 'unstable (13-18); surgical consultation recommended.'],
];
const TITLE = 'SINS (Spinal Instability Neoplastic Score)';
const CITATION = 'Fisher CG, DiPaola CP, Ryken TC, et al. A novel classification system for spinal instability in neoplastic disease: an evidence-based approach and expert consensus from the Spine Oncology Study Group. Spine 2010;35(22):E1221-E1229. doi:10.1097/BRS.0b013e3181e16ae2';
const NOT_GIVEN = 'not given: counted as its whole possible range, never as 0';

function bandOf(total) {
  for (const b of BANDS) if (total >= b[0] && total <= b[1]) return b;
  return null;
}

function allowedList(choices) {
  const v = choices.map((c) => `"${c[0]}"`);
  return 'one of ' + v.slice(0, -1).join(', ') + ' or ' + v[v.length - 1];
}

function parseLevel(text) {
  const dash = text.indexOf('-');
  let a, b;
  if (dash < 0) a = b = LEVEL_INDEX.get(text);
  else { a = LEVEL_INDEX.get(text.slice(0, dash)); b = LEVEL_INDEX.get(text.slice(dash + 1)); }
  if (a === undefined || b === undefined) return null;
  return a < b ? [a, b] : [b, a];
}

function result(status, fields) {
  return Object.assign({
    instrument: 'sins', definition: 'fisher-2010', engine_version: ENGINE_VERSION, status,
  }, fields);
}

function invalid(errors, why) {
  return result('invalid', {
    band: null, components: [], missing: [], errors, flags: [], notes: [],
    interpretation: `Not scored: the input ${why}.`,
    citation: CITATION, reference: 'REFERENCE §1', direction: 'higher_is_worse',
  });
}

// Returns [httpStatus, document]
function scoreSins(input) {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return [422, invalid([{ path: '', message: 'expected a JSON object of item values' }], 'holds values outside the allowed domain (see errors)')];
  const errors = [];
  const val = {};
  let level = null;
  for (const key of Object.keys(input)) {
    const v = input[key];
    if (!ITEM_ORDER.includes(key)) {
      errors.push({ path: '/' + key, message: 'unknown item for sins; allowed items: ' + ITEM_ORDER.join(', ') });
      continue;
    }
    if (v === null) continue; // absent means unknown
    if (key === 'level') {
      level = typeof v === 'string' ? parseLevel(v) : null;
      if (!level) errors.push({ path: '/level', message: `"${v}" is not a level SINS defines; allowed: a level Occ, C1-C7, T1-T12, L1-L5 or S1-S5, or a range such as "T2-T3" (the coccyx is not scored by SINS)` });
      continue;
    }
    const idx = typeof v === 'string' ? ITEMS[key].findIndex((c) => c[0] === v) : -1;
    if (idx < 0) errors.push({ path: '/' + key, message: `"${v}" is not an allowed value; allowed: ${allowedList(ITEMS[key])}` });
    else val[key] = idx;
  }
  if (errors.length) return [422, invalid(errors, 'holds values outside the allowed domain (see errors)')];

  const components = [], missing = [], flags = [], notes = [];
  let lo = 0, hi = 0;
  if (level) {
    let best = -1;
    for (let l = level[0]; l <= level[1]; l++) {
      const ci = LEVEL_LOCATION[l];
      if (best < 0 || LOCATION[ci][1] > LOCATION[best][1]) best = ci;
    }
    const name = LEVELS[level[0]] + (level[1] !== level[0] ? '-' + LEVELS[level[1]] : '');
    if (level[1] !== level[0]) {
      flags.push('level_range');
      notes.push('A level range is scored by its highest-scoring level (REFERENCE §1.4, conservative implementation choice).');
    }
    if (val.location !== undefined && val.location !== best)
      return [422, invalid([{ path: '/location', message: `location "${LOCATION[val.location][0]}" disagrees with level ${name}, which is "${LOCATION[best][0]}" (REFERENCE §1.3); give one of them, or make them agree` }], 'holds values that contradict each other (see errors)')];
    const c = LOCATION[best];
    components.push({ item: 'location', value: c[0], points: c[1], explanation: `level ${name} -> ${c[2]} (REFERENCE §1.3)` });
    lo += c[1]; hi += c[1];
  }
  for (const key of (level ? SCORED : ['location', ...SCORED])) {
    const choices = ITEMS[key];
    if (val[key] === undefined) {
      const pts = choices.map((c) => c[1]);
      const a = Math.min(...pts), b = Math.max(...pts);
      components.push({ item: key, value: null, points: null, range: [a, b], explanation: NOT_GIVEN });
      missing.push(key);
      lo += a; hi += b;
    } else {
      const c = choices[val[key]];
      components.push({ item: key, value: c[0], points: c[1], explanation: c[2] });
      lo += c[1]; hi += c[1];
    }
  }
  const bl = bandOf(lo), bh = bandOf(hi);
  const doc = { };
  let interpretation;
  if (!missing.length) {
    doc.total = lo;
    doc.band = bl[2];
    doc.band_meaning = bl[3];
    interpretation = `${TITLE} ${lo} (${bl[2]}): ${bl[3]} Decision support only; see REFERENCE §1.`;
  } else if (bl === bh) {
    doc.band = bl[2];
    doc.band_meaning = bl[3];
    interpretation = `${TITLE}: incomplete, the total can still be anything from ${lo} to ${hi}; every completion falls in the band ${bl[2]}: ${bl[3]} Not yet known: ${missing.join(', ')}. Decision support only; see REFERENCE §1.`;
  } else {
    doc.band = null;
    interpretation = `${TITLE}: incomplete, the total can still be anything from ${lo} to ${hi}; the band cannot be decided until the missing items are known (${bl[2]} to ${bh[2]}). Not yet known: ${missing.join(', ')}. Decision support only; see REFERENCE §1.`;
  }
  return [200, result(missing.length ? 'incomplete' : 'ok', Object.assign(doc, {
    range: [lo, hi], components, missing, errors: [], flags, notes, interpretation,
    citation: CITATION, reference: 'REFERENCE §1', direction: 'higher_is_worse',
  }))];
}

function send(res, status, doc) {
  const body = JSON.stringify(doc);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

function error(res, status, message) {
  send(res, status, { error: { status, message } });
}

function handler(req, res) {
  if (req.url !== '/api/v1/score/sins') return error(res, 404, 'not found');
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return error(res, 405, 'method not allowed on this resource');
  }
  const ct = req.headers['content-type'] || '';
  if (!/^\s*application\/json\s*(;|$)/i.test(ct))
    return error(res, 415, 'the body must be JSON: send Content-Type: application/json');
  const chunks = [];
  let size = 0, tooLarge = false;
  req.on('data', (c) => {
    size += c.length;
    if (size > MAX_BODY) tooLarge = true;
    else chunks.push(c);
  });
  req.on('end', () => {
    if (tooLarge) return error(res, 413, `request body larger than ${MAX_BODY} bytes`);
    let input;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      return send(res, 400, invalid([{ path: '', message: 'malformed JSON: ' + e.message }], 'is not valid JSON'));
    }
    const [status, doc] = scoreSins(input);
    send(res, status, doc);
  });
}

const port = Number(process.argv[2] || 0);
const workers = Number(process.argv[3] || 1);
if (workers > 1 && cluster.isPrimary) {
  let announced = false;
  for (let k = 0; k < workers; k++) cluster.fork();
  cluster.on('listening', (w, addr) => {
    if (!announced) { announced = true; console.log(`listening on http://127.0.0.1:${addr.port}/`); }
  });
  const stop = () => { for (const id in cluster.workers) cluster.workers[id].kill('SIGTERM'); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  const server = http.createServer({ keepAliveTimeout: 30000 }, handler);
  server.listen(port, '127.0.0.1', () => {
    if (!cluster.isWorker) console.log(`listening on http://127.0.0.1:${server.address().port}/`);
  });
  process.on('SIGTERM', () => process.exit(0));
}
