/*
 * app.js: the spinemets case form and assessment view. Plain browser
 * JavaScript, no framework, nothing fetched from outside this server.
 * The page holds no clinical rule: it sends the case to POST /api/v1/assess
 * and shows what the engine returns. Every string shown comes from
 * i18n/<lang>.json (see t()); value texts of the instruments come from
 * GET /api/v1/instruments unless a translation overrides them.
 */
'use strict';
(function () {
  var API = '/api/v1';
  var SCHEMA = 'spinemets/case/1';
  var DEBOUNCE_MS = 300;
  var LEVELS = ['Occ', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7',
    'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10', 'T11', 'T12',
    'L1', 'L2', 'L3', 'L4', 'L5', 'S1', 'S2', 'S3', 'S4', 'S5'];
  var SINS_ITEMS = ['pain', 'bone_lesion', 'alignment', 'collapse', 'posterolateral'];
  var LESION_BOOLS = ['epidural_soft_tissue', 'compressive', 'pathological_fracture', 'axial_load_pain',
    'disc_space_involved', 'adjacent_endplates_destroyed', 'prior_radiotherapy'];
  var MAX_LESIONS = 30;

  var S = {
    strings: {}, english: {}, lang: 'en', languages: [],
    instruments: {}, histologies: [], rules: {}, version: '', examples: [],
    kase: {}, last: null, errors: [], local: {}, seq: 0, timer: 0, ctrl: null,
    announced: '', dirty: false, knownKeys: {}
  };

  /* ---------- small helpers ---------- */
  /* the locale for Intl: the page language in the reader's region (en-GB, en-IN, bn-BD...), with the
     digits the reader chose (Latin by default; Bengali or Devanagari digits on request) */
  function locale() {
    var navs = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en']);
    var tag = navs.filter(function (x) { return x && x.toLowerCase().split('-')[0] === S.lang; })[0] || S.lang;
    if (tag === 'en') tag = 'en-GB'; /* day month year, 24 h: never the US order unless the browser asks for it */
    var native = { bn: 'beng', hi: 'deva' }[S.lang];
    var nu = S.digits === 'native' && native ? native : 'latn';
    try { return Intl.getCanonicalLocales(tag + '-u-nu-' + nu)[0]; } catch (e) { return S.lang; }
  }
  function $(id) { return document.getElementById(id); }

  /* keys shown in English (or as their fallback) while another language is chosen: tests read this */
  var MISSING = {};
  window.spinemetsMissingKeys = function () { return Object.keys(MISSING).sort(); };
  function t(key, vars, fallback) {
    var s = S.strings[key];
    if (s === undefined && S.lang) MISSING[S.lang + ':' + key] = 1;
    if (s === undefined) s = S.english[key];
    if (s === undefined) s = fallback !== undefined ? fallback : key;
    if (vars) s = s.replace(/\{(\w+)\}/g, function (m, k) { return vars[k] !== undefined ? vars[k] : m; });
    return s;
  }
  function has(key) { return S.strings[key] !== undefined || S.english[key] !== undefined; }
  function pretty(key) { return String(key).replace(/_/g, ' '); }

  function h(tag, attrs) {
    var el = document.createElement(tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }
  function hs(tag, attrs) {
    var el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }
  function setAttrs(el, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') el.textContent = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    });
  }
  function add(el, c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { add(el, x); }); return; }
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function getJSON(url) {
    return fetch(url).then(function (r) { /* no extra header: the page's <link rel=preload> copies match */
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }

  /* ---------- the case object (the form's only state) ---------- */
  function getPath(path) {
    var o = S.kase, parts = path.split('.');
    for (var i = 0; i < parts.length; i++) {
      if (o === null || typeof o !== 'object') return undefined;
      o = o[parts[i]];
    }
    return o;
  }
  function setPath(path, value) {
    var parts = path.split('.'), o = S.kase, chain = [];
    for (var i = 0; i < parts.length - 1; i++) {
      if (o[parts[i]] === null || typeof o[parts[i]] !== 'object') {
        if (value === undefined) return;
        o[parts[i]] = {};
      }
      chain.push([o, parts[i]]);
      o = o[parts[i]];
    }
    var last = parts[parts.length - 1];
    if (value === undefined) delete o[last]; else o[last] = value;
    for (var j = chain.length - 1; j >= 0; j--) { /* prune empty sections: absent means unknown */
      var parent = chain[j][0], k = chain[j][1];
      if (Object.keys(parent[k]).length === 0) delete parent[k]; else break;
    }
  }
  function pointer(path) { return '/' + path.split('.').join('/'); }
  function fieldId(path) { return 'f-' + path.replace(/[.\/]/g, '-'); }
  function isEmptyCase() {
    return Object.keys(S.kase).filter(function (k) { return k !== 'schema'; }).length === 0;
  }

  /* ---------- form definition (the case format, KEYS.md §5) ---------- */
  function tri(path) { return { type: 'tri', path: path }; }
  function num(path, o) { o = o || {}; o.type = 'num'; o.path = path; return o; }
  function pick(path, values, prefix, o) {
    o = o || {}; o.type = 'enum'; o.path = path; o.values = values; o.prefix = prefix; return o;
  }
  /* laboratory values in the units local laboratories report; the case keeps the engine's unit.
     factor: case value = entered value x factor (converted once, here) */
  var LAB_UNITS = {
    crp_mg_dl: [{ unit: 'mg_l', factor: 0.1 }, { unit: 'mg_dl', factor: 1 }],
    platelets_per_ul: [{ unit: 'e9_l', factor: 1000 }, { unit: 'lakh_cumm', factor: 100000 }, { unit: 'per_ul', factor: 1 }]
  };
  /* child signs (REFERENCE §15.2): asked when the engine knows them (see probeKeys) and the patient is under 18 */
  var CHILD_SIGNS = ['refuses_to_walk', 'new_limp', 'motor_regression', 'painful_scoliosis_or_torticollis',
    'reduced_leg_reflexes', 'new_wetting_or_soiling', 'constipation_with_overflow', 'reduced_anal_sensation'];
  /* cauda-equina features (REFERENCE §15.1), asked with set N when the engine knows them */
  var CAUDA = ['saddle_sensory_change', 'urinary_retention', 'sexual_dysfunction', 'bilateral_radicular_pain'];
  var FORM = [
    /* quick triage first: the red-flag questions, then the triage card right under them (quick-slot) */
    { id: 'quick', hint: 'section.quick_hint', groups: [
      { id: null, fields: [num('patient.age_years', { min: 0, max: 130, step: 'any' }),
        pick('cancer.history', ['known', 'suspected', 'none'], 'value.history.')] },
      { id: 'symptoms_p', restNo: true, fields: ['pain_thoracic_or_cervical', 'pain_progressive_lumbar',
        'pain_severe_unremitting_lower', 'pain_on_straining', 'pain_localised_tenderness', 'pain_nocturnal',
        'pain_mechanical'].map(function (k) { return tri('symptoms.' + k); }) },
      { id: 'symptoms_n', restNo: true, fields: ['radicular_pain', 'limb_weakness', 'difficulty_walking',
        'sensory_loss', 'bladder_bowel_dysfunction'].map(function (k) { return tri('symptoms.' + k); })
        .concat(CAUDA.map(function (k) { var f = tri('symptoms.' + k); f.probe = true; return f; })) },
      { id: 'symptoms_child', restNo: true, child: true, fields: CHILD_SIGNS.map(function (k) {
        var f = tri('symptoms.' + k); f.probe = true; return f; }) }] },
    { id: 'patient', fields: [pick('patient.sex', ['female', 'male', 'other'], 'value.sex.')] },
    { id: 'cancer', fields: [{ type: 'histology', path: 'cancer.primary' },
      tri('cancer.tissue_confirmed'), tri('cancer.hormone_dependent'), tri('cancer.targeted_therapy'),
      tri('cancer.previous_chemotherapy'), num('cancer.months_since_diagnosis', { min: 0, max: 1200, step: 'any' })] },
    { id: 'symptoms', fields: [num('symptoms.deficit_days', { min: 0, step: 'any' }), tri('symptoms.fever')] },
    { id: 'neurology', fields: [pick('neurology.frankel', ['A', 'B', 'C', 'D', 'E'], null, { api: ['frankel', 'grade'] }),
      { type: 'asia', path: 'neurology.asia' },
      pick('neurology.ambulatory', ['independent', 'assisted', 'non_ambulatory'], 'value.ambulatory.'),
      tri('neurology.myelopathy'), tri('neurology.radiculopathy'), tri('neurology.deteriorating'),
      num('neurology.complete_paraplegia_hours', { min: 0, step: 'any' })] },
    { id: 'performance', fields: [num('performance.kps', { min: 0, max: 100, step: 10 }),
      pick('performance.ecog', [0, 1, 2, 3, 4], 'value.ecog.', { numeric: true }),
      num('performance.lansky', { min: 0, max: 100, step: 10 })] },
    { id: 'systemic', groups: [
      { id: null, fields: [pick('systemic.visceral_metastases', ['none', 'present'], 'value.visceral_metastases.'),
        pick('systemic.visceral_pattern', ['nodular', 'disseminated'], 'value.visceral_pattern.'),
        tri('systemic.visceral_removable'), tri('systemic.visceral_treatable'), tri('systemic.brain_metastases'),
        num('systemic.extraspinal_bone_metastases', { min: 0, step: 1 }), tri('systemic.fit_for_surgery'),
        num('systemic.expected_survival_months', { min: 0, step: 'any' })] },
      { id: 'labs', fields: ['albumin_g_dl', 'crp_mg_dl', 'ldh_iu_l', 'platelets_per_ul', 'calcium_mg_dl',
        'bilirubin_mg_dl'].map(function (k) {
        return LAB_UNITS[k] ? { type: 'lab', path: 'systemic.labs.' + k, units: LAB_UNITS[k] } : num('systemic.labs.' + k, { min: 0, step: 'any' });
      }) }] },
    { id: 'imaging', fields: [tri('imaging.mri_done'), tri('imaging.mri_contraindicated')] },
    { id: 'lesions', special: 'lesions' },
    { id: 'setting', hint: 'section.setting_hint', fields: ['mri_available', 'ct_available', 'srs_available',
      'spinal_surgery_available', 'paediatric_oncology_available'].map(function (k) { return tri('setting.' + k); }) }
  ];

  /* ---------- controls ---------- */
  function errSlot(id) { return h('p', { class: 'err', id: id + '-err', hidden: true }); }

  function triState(v) { return v === true ? 'yes' : v === false ? 'no' : 'unknown'; }
  function paintTri(btn, v) {
    var st = triState(v);
    btn.setAttribute('aria-checked', st === 'yes' ? 'true' : st === 'no' ? 'false' : 'mixed');
    btn.setAttribute('data-state', st);
    btn.querySelector('.tri-state').textContent = t('tri.' + st);
  }
  /* a tri-state checkbox: unknown (sent as absent) -> yes -> no -> unknown */
  function triControl(path, label, get, set) {
    var id = fieldId(path);
    var btn = h('button', { type: 'button', role: 'checkbox', class: 'tri', id: id, 'data-pointer': pointer(path),
      'aria-describedby': id + '-err', title: t('tri.hint') },
      h('span', { class: 'tri-box', 'aria-hidden': 'true' }),
      h('span', { class: 'tri-label', text: label }),
      h('span', { class: 'tri-state' }));
    paintTri(btn, get());
    btn.addEventListener('click', function () {
      var v = get(), next = v === true ? false : v === false ? undefined : true;
      set(next); paintTri(btn, next); changed(path);
    });
    btn.addEventListener('keydown', function (e) {
      if (e.key === 'Delete' || e.key === 'Backspace') {
        e.preventDefault(); set(undefined); paintTri(btn, undefined); changed(path);
      }
    });
    return h('div', { class: 'field field-tri' }, btn, errSlot(id));
  }

  function numControl(f, path, label, get, set) {
    var id = fieldId(path), v = get();
    var input = h('input', { type: 'number', id: id, inputmode: f.step === 'any' ? 'decimal' : 'numeric',
      step: f.step, min: f.min, max: f.max, 'data-pointer': pointer(path), 'aria-describedby': id + '-err',
      autocomplete: 'off' });
    if (typeof v === 'number') input.value = String(v);
    else if (v !== undefined && v !== null) input.value = String(v);
    input.addEventListener('input', function () {
      delete S.local[pointer(path)];
      if (input.value === '') {
        if (input.validity && input.validity.badInput) S.local[pointer(path)] = t('error.not_a_number');
        set(undefined);
      } else {
        set(Number(input.value));
      }
      changed(path);
    });
    return h('div', { class: 'field field-num' }, h('label', { for: id, text: label }), input, errSlot(id));
  }

  function enumOptions(f) {
    if (f.api) {
      var inst = S.instruments[f.api[0]], item = null;
      (inst ? inst.items : []).forEach(function (it) { if (it.key === f.api[1]) item = it; });
      return (item ? item.values : f.values.map(function (x) { return { value: x, text: '' }; })).map(function (o) {
        var k = 'value.' + f.api[0] + '.' + f.api[1] + '.' + o.value;
        return { value: o.value, text: has(k) ? t(k) : (o.text ? o.value + ': ' + o.text : o.value) };
      });
    }
    return f.values.map(function (x) { return { value: x, text: t(f.prefix + x) }; });
  }

  function selectControl(path, label, options, get, set, numeric, extra) {
    var id = fieldId(path), v = get();
    var sel = h('select', { id: id, 'data-pointer': pointer(path), 'aria-describedby': id + '-err' },
      h('option', { value: '', text: t('opt.unknown') }));
    options.forEach(function (o) {
      if (o.group) {
        var g = h('optgroup', { label: o.group });
        o.items.forEach(function (x) { g.appendChild(h('option', { value: String(x.value), text: x.text })); });
        sel.appendChild(g);
      } else {
        sel.appendChild(h('option', { value: String(o.value), text: o.text }));
      }
    });
    if (extra) sel.appendChild(extra);
    if (v !== undefined && v !== null && typeof v !== 'object') {
      sel.value = String(v);
      if (sel.value !== String(v)) { /* a value the page does not list: keep it, the API judges it */
        sel.appendChild(h('option', { value: String(v), text: String(v) }));
        sel.value = String(v);
      }
    }
    sel.addEventListener('change', function () {
      if (sel.value === '__keep') return;
      set(sel.value === '' ? undefined : numeric ? Number(sel.value) : sel.value);
      changed(path);
    });
    return h('div', { class: 'field field-select' }, h('label', { for: id, text: label }), sel, errSlot(id));
  }

  function histologyOptions() {
    var adult = [], child = [];
    S.histologies.forEach(function (x) {
      var o = { value: x.key, text: has('histology.' + x.key) ? t('histology.' + x.key) : x.name };
      (x.paediatric ? child : adult).push(o);
    });
    return [{ group: t('primary.group_adult'), items: adult }, { group: t('primary.group_child'), items: child }];
  }

  function fieldControl(f) {
    var label = t('field.' + f.path);
    var get = function () { return getPath(f.path); };
    var set = function (v) { setPath(f.path, v); };
    switch (f.type) {
    case 'tri': return triControl(f.path, label, get, set);
    case 'num': return numControl(f, f.path, label, get, set);
    case 'enum': return selectControl(f.path, label, enumOptions(f), get, set, f.numeric);
    case 'histology': return selectControl(f.path, label, histologyOptions(), get, set);
    case 'lab': return labControl(f);
    case 'asia':
      var cur = get(), extra = null;
      if (cur && typeof cur === 'object') {
        extra = h('option', { value: '__keep', text: t('field.neurology.asia_items'), selected: true });
      }
      var ctl = selectControl(f.path, label, ['A', 'B', 'C', 'D', 'E'].map(function (g) {
        return { value: g, text: g };
      }), get, set, false, extra);
      if (extra) ctl.querySelector('select').value = '__keep';
      return ctl;
    }
    return null;
  }

  function tidy(x) { return Math.round(x * 1e6) / 1e6; }
  function labUnit(path, units) {
    var u = null;
    try { u = localStorage.getItem('spinemets.unit.' + path); } catch (e) { /* ignore */ }
    return units.filter(function (x) { return x.unit === u; })[0] || units[0];
  }
  function labControl(f) {
    var path = f.path, id = fieldId(path), key = path.split('.').pop();
    var unit = labUnit(path, f.units), base = f.units.filter(function (x) { return x.factor === 1; })[0];
    var input = h('input', { type: 'number', id: id, inputmode: 'decimal', step: 'any', min: 0, 'data-pointer': pointer(path),
      'aria-describedby': id + '-unit-h ' + id + '-conv ' + id + '-err', autocomplete: 'off' });
    var sel = h('select', { id: id + '-unit', class: 'unit', 'aria-label': t('unit.label', { field: t('lab.' + key) }) },
      f.units.map(function (u) { return h('option', { value: u.unit, text: t('unit.' + u.unit), selected: u === unit }); }));
    var conv = h('p', { class: 'hint conv', id: id + '-conv' });
    function show() {
      var v = getPath(path);
      if (typeof v === 'number') input.value = String(tidy(v / unit.factor));
    }
    function paintConv() {
      var v = getPath(path);
      conv.textContent = typeof v === 'number' && unit.factor !== 1 ? t('unit.sent', { value: fmtNum(v), unit: t('unit.' + base.unit) }) : '';
    }
    show(); paintConv();
    input.addEventListener('input', function () {
      delete S.local[pointer(path)];
      if (input.value === '') {
        if (input.validity && input.validity.badInput) S.local[pointer(path)] = t('error.not_a_number');
        setPath(path, undefined);
      } else {
        setPath(path, tidy(Number(input.value) * unit.factor));
      }
      paintConv();
      changed(path);
    });
    sel.addEventListener('change', function () { /* the number stays as typed, now read in the new unit */
      unit = f.units.filter(function (u) { return u.unit === sel.value; })[0];
      try { localStorage.setItem('spinemets.unit.' + path, unit.unit); } catch (e) { /* ignore */ }
      if (input.value !== '' && !isNaN(Number(input.value))) { setPath(path, tidy(Number(input.value) * unit.factor)); changed(path); }
      paintConv();
    });
    return h('div', { class: 'field field-num field-lab' }, h('label', { for: id, text: t('lab.' + key) }),
      h('span', { class: 'visually-hidden', id: id + '-unit-h', text: t('unit.in', { unit: t('unit.' + unit.unit) }) }),
      h('div', { class: 'lab-row' }, input, sel), conv, errSlot(id));
  }
  function fmtNum(x) {
    try { return Number(x).toLocaleString(locale(), { maximumFractionDigits: 3 }); } catch (e) { return String(x); }
  }

  /* ---------- form rendering ---------- */
  function renderForm() {
    var body = $('form-body');
    clear(body);
    FORM.forEach(function (sec) {
      var hid = 'sec-' + sec.id;
      var box = h('section', { class: 'sec sec-' + sec.id, 'aria-labelledby': hid },
        h('h3', { id: hid, text: t('section.' + sec.id) }));
      if (sec.hint) box.appendChild(h('p', { class: 'hint', text: t(sec.hint) }));
      if (sec.special === 'lesions') {
        box.appendChild(lesionsBlock());
      } else if (sec.groups) {
        sec.groups.forEach(function (g) {
          var fields = g.fields.filter(known);
          if (!fields.length) return;
          var grid = h('div', { class: 'grid' }, fields.map(fieldControl));
          if (!g.id) { box.appendChild(grid); return; }
          var gid = 'grp-' + g.id;
          var fs = h('div', { class: 'group', role: 'group', 'aria-labelledby': gid, id: 'group-' + g.id,
            'data-child': g.child ? 'true' : null },
            h('h4', { id: gid, text: t('section.' + g.id) }), grid);
          if (g.restNo) {
            fs.appendChild(h('button', { type: 'button', class: 'btn btn-small rest-no', text: t('tri.rest_no'),
              onclick: function () {
                fields.forEach(function (f) { if (getPath(f.path) === undefined) setPath(f.path, false); });
                fields.forEach(function (f) { var b = $(fieldId(f.path)); if (b) paintTri(b, getPath(f.path)); });
                changed(fields[0].path);
              } }));
          }
          box.appendChild(fs);
        });
        if (sec.id === 'quick') box.appendChild(h('div', { id: 'quick-slot', class: 'quick-slot' }));
      } else {
        box.appendChild(h('div', { class: 'grid' }, sec.fields.filter(known).map(fieldControl)));
      }
      body.appendChild(box);
      if (sec.id === 'quick') body.appendChild(h('p', { class: 'hint full-case-note', text: t('section.full_case') }));
    });
    showChildSigns();
    if (Array.isArray(S.kase.events) && S.kase.events.length) {
      body.appendChild(h('section', { class: 'sec', 'aria-labelledby': 'sec-events' },
        h('h3', { id: 'sec-events', text: t('section.events') }),
        h('p', { class: 'hint', text: t('section.events_kept', { n: S.kase.events.length }) })));
    }
    showErrors();
  }

  /* a field the engine may not know yet (newer case keys) is shown only when it does */
  function known(f) { return !f.probe || S.knownKeys[f.path] === true; }
  function childAge() { var a = getPath('patient.age_years'); return typeof a === 'number' && a < 18; }
  function showChildSigns() {
    var g = $('group-symptoms_child');
    if (!g) return;
    var any = CHILD_SIGNS.some(function (k) { return getPath('symptoms.' + k) !== undefined; });
    g.hidden = !(childAge() || any);
  }
  /* ask the engine once which of the newer case keys it takes: a key it does not know comes back as an
     error at its own path (the value null means unknown, so nothing is assessed from it) */
  function probeKeys() {
    var probe = [];
    FORM.forEach(function (sec) {
      (sec.fields || [].concat.apply([], (sec.groups || []).map(function (g) { return g.fields; })))
        .forEach(function (f) { if (f.probe) probe.push(f.path); });
    });
    var c = { schema: SCHEMA };
    probe.forEach(function (p) { var parts = p.split('.'); c[parts[0]] = c[parts[0]] || {}; c[parts[0]][parts[1]] = null; });
    return fetch(API + '/assess', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(c) }).then(function (r) { return r.json(); }).then(function (j) {
      var bad = {};
      (j.errors || []).forEach(function (e) { bad[e.path] = true; });
      probe.forEach(function (p) { S.knownKeys[p] = !bad[pointer(p)]; });
    }).catch(function () { /* unknown: the newer questions stay hidden */ });
  }

  /* ---------- spine diagram and lesions ---------- */
  function levelIndex(l) { return LEVELS.indexOf(l); }
  function lesionSpan(lesion) { /* [lo, hi] level indexes of a lesion's level or range */
    var lv = lesion && typeof lesion.level === 'string' ? lesion.level : '';
    var p = lv.split('-'), lo = levelIndex(p[0]), hi = p.length > 1 ? levelIndex(p[1]) : lo;
    if (lo < 0) return null;
    if (hi < lo) hi = lo;
    return [lo, hi];
  }
  function lesionAt(level) {
    var i = levelIndex(level), ls = S.kase.lesions || [];
    for (var k = 0; k < ls.length; k++) {
      var sp = lesionSpan(ls[k]);
      if (sp && i >= sp[0] && i <= sp[1]) return k;
    }
    return -1;
  }

  function geometry(level) { /* body height and width of each vertebra in the drawing */
    if (level === 'Occ') return [22, 76];
    var r = level[0], n = +level.slice(1);
    if (r === 'C') return [19, 50 + n * 1.5];
    if (r === 'T') return [21, 62 + n * 1.2];
    if (r === 'L') return [25, 80 + n * 1.6];
    return [18, 82 - n * 11];
  }

  function spineSvg() {
    var W = 210, cx = 124, gap = 3, y = 6, marks = {};
    var svg = hs('svg', { viewBox: '0 0 ' + W + ' 0', class: 'spine', role: 'group', 'aria-label': t('spine.label'),
      id: 'spine' });
    var vs = hs('g', { class: 'verts' });
    LEVELS.forEach(function (lv, i) {
      var g = geometry(lv), bh = g[0], bw = g[1], x = cx - bw / 2, li = lesionAt(lv);
      if (!marks[lv[0] === 'O' ? 'O' : lv[0]]) marks[lv[0] === 'O' ? 'O' : lv[0]] = [y, y];
      marks[lv[0] === 'O' ? 'O' : lv[0]][1] = y + bh;
      var label = li >= 0 ? t('spine.has', { level: lv }) : t('spine.add', { level: lv });
      var shape;
      if (lv === 'Occ') {
        shape = hs('path', { class: 'body', d: 'M' + x + ',' + (y + bh) + ' Q' + x + ',' + y + ' ' + cx + ',' + y +
          ' Q' + (x + bw) + ',' + y + ' ' + (x + bw) + ',' + (y + bh) + ' Z' });
      } else if (lv[0] === 'S') {
        var nw = geometry(i + 1 < LEVELS.length ? LEVELS[i + 1] : 'S6')[1];
        if (lv === 'S5') nw = 14;
        shape = hs('path', { class: 'body', d: 'M' + x + ',' + y + ' L' + (x + bw) + ',' + y + ' L' + (cx + nw / 2) +
          ',' + (y + bh) + ' L' + (cx - nw / 2) + ',' + (y + bh) + ' Z' });
      } else {
        shape = hs('rect', { class: 'body', x: x, y: y, width: bw, height: bh, rx: 5 });
      }
      var parts = [];
      if (lv[0] === 'T' || lv[0] === 'L' || (lv[0] === 'C' && lv !== 'C1' && lv !== 'C2')) {
        var pw = lv[0] === 'L' ? 14 : lv[0] === 'T' ? 10 : 7;
        parts.push(hs('rect', { class: 'process', x: x - pw + 2, y: y + bh * 0.3, width: pw, height: bh * 0.4, rx: 2 }));
        parts.push(hs('rect', { class: 'process', x: x + bw - 2, y: y + bh * 0.3, width: pw, height: bh * 0.4, rx: 2 }));
      }
      var node = hs('g', { class: 'vert' + (li >= 0 ? ' has' : ''), role: 'button', tabindex: '-1',
        'aria-label': label, 'data-level': lv },
      hs('rect', { class: 'hit', x: 34, y: y - gap / 2, width: W - 40, height: bh + gap }),
      parts, shape,
      hs('rect', { class: 'ring', x: x - 3, y: y - 2, width: bw + 6, height: bh + 4, rx: 7 }),
      hs('text', { class: 'lbl', x: cx, y: y + bh / 2 + 4, 'text-anchor': 'middle', text: lv }));
      if (li >= 0) node.appendChild(hs('circle', { class: 'dot', cx: cx + bw / 2 + 14, cy: y + bh / 2, r: 4 }));
      node.addEventListener('click', function () { vertebra(lv); });
      node.addEventListener('keydown', spineKey);
      vs.appendChild(node);
      y += bh + gap;
    });
    /* region brackets */
    var regions = [['C', 'spine.cervical'], ['T', 'spine.thoracic'], ['L', 'spine.lumbar'], ['S', 'spine.sacral']];
    var deco = hs('g', { class: 'regions', 'aria-hidden': 'true' });
    regions.forEach(function (r) {
      var m = marks[r[0]], mid = (m[0] + m[1]) / 2;
      deco.appendChild(hs('path', { class: 'bracket', d: 'M30,' + (m[0] + 1) + ' L24,' + (m[0] + 1) + ' L24,' +
        (m[1] - 1) + ' L30,' + (m[1] - 1) }));
      deco.appendChild(hs('text', { class: 'region', x: 14, y: mid, 'text-anchor': 'middle',
        transform: 'rotate(-90 14 ' + mid + ')', text: t(r[1]) }));
    });
    svg.appendChild(deco);
    svg.appendChild(vs);
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + (y + 4));
    /* one tab stop for the whole spine: the arrows move between vertebrae */
    var first = vs.querySelector('.vert.has') || vs.querySelector('.vert[data-level="T7"]');
    first.setAttribute('tabindex', '0');
    return svg;
  }

  function spineKey(e) {
    var all = Array.prototype.slice.call(document.querySelectorAll('#spine .vert'));
    var i = all.indexOf(e.currentTarget), j = -1;
    if (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar') {
      e.preventDefault(); vertebra(e.currentTarget.getAttribute('data-level')); return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') j = Math.min(all.length - 1, i + 1);
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') j = Math.max(0, i - 1);
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = all.length - 1;
    if (j < 0) return;
    e.preventDefault();
    focusVert(all[j]);
  }
  function focusVert(node) {
    document.querySelectorAll('#spine .vert').forEach(function (v) { v.setAttribute('tabindex', '-1'); });
    node.setAttribute('tabindex', '0');
    node.focus();
  }

  function vertebra(level) {
    var k = lesionAt(level);
    if (k >= 0) { var c = $('lesion-' + k); if (c) { c.scrollIntoView({ block: 'nearest' }); c.focus(); } return; }
    var ls = S.kase.lesions || [];
    if (ls.length >= MAX_LESIONS) { say(t('lesion.max')); return; }
    ls.push({ level: level });
    ls.sort(function (a, b) {
      var sa = lesionSpan(a), sb = lesionSpan(b);
      return (sa ? sa[0] : 99) - (sb ? sb[0] : 99);
    });
    S.kase.lesions = ls;
    renderLesions();
    var n = lesionAt(level), sel = $(fieldId('lesions.' + n + '.pain'));
    if (sel) sel.focus();
    say(t('lesion.added', { level: level }));
    changed('lesions');
  }

  function removeLesion(k) {
    var ls = S.kase.lesions || [], lv = ls[k] && ls[k].level;
    ls.splice(k, 1);
    if (!ls.length) delete S.kase.lesions;
    /* errors point at lesion indexes: they are stale now */
    S.errors = S.errors.filter(function (e) { return e.path.indexOf('/lesions') !== 0; });
    renderLesions();
    var sp = lesionSpan({ level: lv }), node = sp && document.querySelector('#spine .vert[data-level="' + LEVELS[sp[0]] + '"]');
    if (node) focusVert(node);
    say(t('lesion.removed', { level: lv }));
    changed('lesions');
  }

  function lesionsBlock() {
    return h('div', { class: 'lesions-wrap' },
      h('figure', { class: 'spine-fig', id: 'spine-fig' }, spineSvg(), h('figcaption', { class: 'hint', text: t('spine.hint') })),
      h('div', { class: 'lesion-list', id: 'lesion-list' }, lesionCards()));
  }
  function renderLesions() {
    var fig = $('spine-fig'), list = $('lesion-list');
    if (!fig || !list) return;
    fig.replaceChild(spineSvg(), $('spine'));
    clear(list);
    add(list, lesionCards());
    showErrors();
    paintLesionBadges();
  }

  function lesionCards() {
    var ls = S.kase.lesions || [];
    if (!ls.length) return h('p', { class: 'empty', text: t('lesion.none') });
    return ls.map(function (lesion, k) {
      var lv = typeof lesion.level === 'string' ? lesion.level : String(lesion.level);
      var base = 'lesions.' + k;
      var getter = function (key) { return function () { return lesion[key]; }; };
      var setter = function (key) { return function (v) { if (v === undefined) delete lesion[key]; else lesion[key] = v; }; };
      var sinsInst = S.instruments.sins;
      var selects = SINS_ITEMS.map(function (item) {
        var spec = null;
        (sinsInst ? sinsInst.items : []).forEach(function (it) { if (it.key === item) spec = it; });
        var opts = (spec ? spec.values : []).map(function (o) {
          var key = 'value.sins.' + item + '.' + o.value;
          return { value: o.value, text: has(key) ? t(key) : o.text };
        });
        return selectControl(base + '.' + item, t('field.lesion.' + item), opts, getter(item), setter(item));
      });
      if (lesion.location !== undefined) {
        var locSpec = null;
        (sinsInst ? sinsInst.items : []).forEach(function (it) { if (it.key === 'location') locSpec = it; });
        selects.unshift(selectControl(base + '.location', t('field.lesion.location'), (locSpec ? locSpec.values : []).map(function (o) {
          return { value: o.value, text: o.text };
        }), getter('location'), setter('location')));
      }
      selects.push(selectControl(base + '.escc', t('field.lesion.escc'),
        enumOptions({ api: ['escc', 'grade'], values: ['0', '1a', '1b', '1c', '2', '3'] }), getter('escc'), setter('escc')));
      var bools = LESION_BOOLS.map(function (key) {
        return triControl(base + '.' + key, t('field.lesion.' + key), getter(key), setter(key));
      });
      var anyBool = LESION_BOOLS.some(function (key) { return lesion[key] !== undefined && lesion[key] !== null; });
      var hid = 'lesion-' + k + '-h';
      return h('article', { class: 'lesion', id: 'lesion-' + k, tabindex: '-1', 'aria-labelledby': hid,
        'data-pointer': '/lesions/' + k },
      h('div', { class: 'lesion-head' },
        h('h4', { id: hid }, t('lesion.title', { level: lv }), ' ', h('span', { class: 'badge', id: 'lesion-' + k + '-badge' })),
        h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-label': t('lesion.remove', { level: lv }),
          text: '✕', title: t('lesion.remove', { level: lv }), onclick: function () { removeLesion(k); } })),
      h('p', { class: 'err', id: fieldId(base + '.level') + '-err', hidden: true }),
      h('div', { class: 'grid' }, selects),
      h('details', { class: 'more', open: anyBool || undefined },
        h('summary', { text: t('lesion.more') }), h('div', { class: 'grid' }, bools)));
    });
  }

  function paintLesionBadges() {
    var res = S.last;
    (S.kase.lesions || []).forEach(function (l, k) {
      var b = $('lesion-' + k + '-badge');
      if (!b) return;
      var r = res && res.lesions && res.lesions[k];
      b.textContent = r && r.sins ? scoreHeadline('sins', r.sins) : '';
      b.className = 'badge' + (r && r.sins && r.sins.band ? ' sev-' + severity('sins', r.sins.band) : '');
    });
  }

  /* ---------- talking to the engine ---------- */
  function changed(path) {
    S.dirty = true;
    if (path === 'patient.age_years') showChildSigns();
    clearTimeout(S.timer);
    S.timer = setTimeout(assess, DEBOUNCE_MS);
  }

  function caseToSend() {
    var c = JSON.parse(JSON.stringify(S.kase));
    c.schema = SCHEMA;
    return c;
  }

  function assess() {
    clearTimeout(S.timer);
    var localN = Object.keys(S.local).length;
    if (localN) {
      S.errors = Object.keys(S.local).map(function (p) { return { path: p, message: S.local[p] }; });
      showErrors(); showInvalid(); return;
    }
    if (isEmptyCase()) {
      S.errors = []; S.last = null; showErrors(); renderResults(); return;
    }
    if (S.ctrl) S.ctrl.abort();
    var ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    S.ctrl = ctrl;
    var seq = ++S.seq;
    $('results').setAttribute('aria-busy', 'true');
    $('results-status').textContent = t('results.updating');
    fetch(API + '/assess', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(caseToSend()), signal: ctrl ? ctrl.signal : undefined })
      .then(function (r) { return r.json().then(function (j) { return { status: r.status, body: j }; }); })
      .then(function (r) {
        if (seq !== S.seq) return;
        $('results').removeAttribute('aria-busy');
        if (r.status === 200 && r.body.status === 'ok') {
          S.errors = []; S.last = r.body; showErrors(); renderResults();
        } else if (r.body && Array.isArray(r.body.errors)) {
          S.errors = r.body.errors; showErrors(); showInvalid();
        } else {
          throw new Error(r.body && r.body.error ? r.body.error.message : 'HTTP ' + r.status);
        }
      })
      .catch(function (e) {
        if (e && e.name === 'AbortError') return;
        if (seq !== S.seq) return;
        $('results').removeAttribute('aria-busy');
        $('results-status').textContent = t('results.offline', { error: e.message || String(e) });
        $('results-status').className = 'status status-bad';
      });
  }

  /* ---------- errors next to the fields ---------- */
  function findControl(path) { /* the control for a JSON pointer, or the nearest enclosing one */
    var p = path;
    while (p) {
      var el = document.querySelector('[data-pointer="' + p.replace(/"/g, '\\"') + '"]');
      if (el) return el;
      p = p.slice(0, p.lastIndexOf('/'));
    }
    return null;
  }
  function showErrors() {
    document.querySelectorAll('.err').forEach(function (e) { e.hidden = true; e.textContent = ''; });
    document.querySelectorAll('[aria-invalid]').forEach(function (e) { e.removeAttribute('aria-invalid'); });
    S.errors.forEach(function (err) {
      var el = findControl(err.path);
      if (!el) return;
      var slot = el.tagName === 'ARTICLE' ? el.querySelector('.err') : $(el.id + '-err');
      if (!slot) return;
      el.setAttribute('aria-invalid', 'true');
      slot.hidden = false;
      slot.textContent = (slot.textContent ? slot.textContent + ' ' : '') + err.message;
      var det = el.closest && el.closest('details');
      if (det) det.open = true;
    });
  }
  function labelFor(el) {
    if (!el) return t('results.error_other');
    var lab = el.id && document.querySelector('label[for="' + el.id + '"]');
    if (lab) return lab.textContent;
    var tl = el.querySelector && el.querySelector('.tri-label, h4');
    return tl ? tl.textContent : t('results.error_other');
  }
  function showInvalid() {
    var st = $('results-status');
    st.textContent = S.last ? t('results.stale') : t('results.invalid');
    st.className = 'status status-bad';
    $('results-body').classList.add('stale');
    /* an invalid case has no triage: clear the bar and the card under the questions */
    renderQuickbar(null);
    var slot = $('quick-slot');
    if (slot) { clear(slot); slot.appendChild(h('p', { class: 'status status-bad', text: t('results.invalid_quick') })); }
    if (!S.last) clear($('results-body'));
    var box = $('error-summary');
    if (box) box.parentNode.removeChild(box);
    box = h('div', { class: 'card error-summary', id: 'error-summary' },
      h('h3', { text: t('results.errors_heading') }),
      h('ul', null, S.errors.map(function (err) {
        var el = findControl(err.path);
        var text = t('error.field', { field: labelFor(el), message: err.message });
        if (!el) return h('li', null, h('code', { text: err.path || '/' }), ' ', text);
        return h('li', null, h('a', { href: '#' + el.id, text: text, onclick: function (e) {
          e.preventDefault(); var d = el.closest('details'); if (d) d.open = true; el.focus();
        } }));
      })));
    $('results-body').parentNode.insertBefore(box, $('results-body'));
    announce(t('results.announce_invalid', { n: S.errors.length }));
  }

  function say(msg) { var s = $('form-status'); s.textContent = ''; setTimeout(function () { s.textContent = msg; }, 30); }
  function announce(msg) {
    if (msg === S.announced) return;
    S.announced = msg;
    $('results-live').textContent = msg;
  }

  /* ---------- results ---------- */
  var SEVERITY = {
    sins: { stable: 'ok', potentially_unstable: 'warn', unstable: 'bad' },
    escc: { low: 'ok', indeterminate: 'warn', high: 'bad' }
  };
  function severity(inst, band) { return (SEVERITY[inst] && SEVERITY[inst][band]) || 'none'; }

  function rulesOf(reasons) {
    return reasons.map(function (r) {
      var rule = S.rules[r.rule];
      return h('span', { class: 'rule', title: rule ? rule.text + ' (' + rule.source + ')' : null },
        h('span', { class: 'visually-hidden', text: t('rules.label') + ' ' }), r.rule);
    });
  }
  /* a reason in the reader's language: the engine's text in English, the rule's translation otherwise */
  function reasonText(r) {
    if (S.lang !== 'en' && r.rule && S.strings['rule.' + r.rule]) return S.strings['rule.' + r.rule];
    return r.text || (r.rule && S.rules[r.rule] ? S.rules[r.rule].text : '');
  }
  function ruleIds(reasons) {
    var seen = {}, out = [];
    (reasons || []).forEach(function (r) {
      (r.rule ? [r] : r.rules || []).forEach(function (x) {
        var id = x.rule || x.id;
        if (id && !seen[id]) { seen[id] = 1; out.push({ id: id, section: x.section, source: x.source }); }
      });
    });
    return out;
  }
  /* rule ids, REFERENCE sections and sources sit behind one "Details" control */
  function ruleDetails(reasons) {
    var ids = ruleIds(reasons);
    if (!ids.length) return null;
    return h('details', { class: 'rule-details' }, h('summary', { text: t('reasons.details') }),
      h('ul', { class: 'rule-lines' }, ids.map(function (x) {
        var rule = S.rules[x.id] || {};
        return h('li', null, h('span', { class: 'rule', text: x.id }), ' ',
          h('span', { class: 'src', text: [rule.section || x.section, rule.source || x.source].filter(Boolean).join(' · ') }));
      })));
  }
  function reasonList(reasons) {
    if (!reasons || !reasons.length) return null;
    return [h('ul', { class: 'reasons' }, reasons.map(function (r) {
      return h('li', null, h('span', { text: reasonText(r) }),
        r.framework ? h('span', { class: 'framework', text: ' ' + t('option.framework', { framework: r.framework }) }) : null);
    })), ruleDetails(reasons)];
  }
  function keyedList(keys, reasons, prefix, cls, frameworks) {
    return h('ul', { class: 'keyed ' + (cls || '') }, keys.map(function (k) {
      var fw = frameworks && frameworks[k];
      return h('li', { 'data-key': k }, h('strong', { text: t(prefix + k, null, pretty(k)) }),
        fw ? h('span', { class: 'framework', text: ' · ' + t('option.framework', { framework: fw }) }) : null,
        reasonList(reasons[k]));
    }));
  }
  function card(id, title, body, cls) {
    return h('section', { class: 'card ' + (cls || ''), id: id, 'aria-labelledby': id + '-h' },
      h('h3', { id: id + '-h', text: title }), body);
  }

  function itemName(k) {
    var keys = ['item.' + k, 'field.lesion.' + k];
    for (var i = 0; i < keys.length; i++) if (has(keys[i])) return t(keys[i]);
    return pretty(k);
  }
  function scoreHeadline(inst, r) {
    var parts = [t('score.' + inst, null, inst)];
    if (r.grade !== undefined && r.grade !== null) parts.push(t('score.grade', { grade: r.grade }));
    else if (r.status === 'ok' && r.total !== undefined) parts.push(String(r.total));
    else if (r.range) parts.push(r.range[0] + '–' + r.range[1]);
    if (r.band) parts.push(t('band.' + r.band, null, pretty(r.band)));
    return parts.join(' · ');
  }

  function scoreCard(inst, r, extraCls) {
    var value;
    if (r.grade !== undefined && r.grade !== null) value = t('score.grade', { grade: r.grade });
    else if (r.status === 'ok' && r.total !== undefined) value = t('score.total', { total: r.total });
    else if (r.range) value = t('score.range', { lo: r.range[0], hi: r.range[1] });
    else value = t('score.status.' + r.status, null, r.status);
    var band = r.band ? h('span', { class: 'band sev-' + severity(inst, r.band), text: t('band.' + r.band, null, pretty(r.band)) })
      : h('span', { class: 'band band-pending', text: t('score.band_pending') });
    var comps = (r.components || []).map(function (c) {
      var pts = c.points !== null && c.points !== undefined ? String(c.points) : c.range ? c.range[0] + '–' + c.range[1] : '';
      return h('tr', null, h('th', { scope: 'row', text: itemName(c.item) }), h('td', { text: c.explanation || String(c.value) }),
        h('td', { class: 'pts', text: pts }));
    });
    var flags = (r.flags || []).map(function (f) { return h('span', { class: 'flag', text: t('score.flag.' + f, null, pretty(f)) }); });
    return h('article', { class: 'score ' + (extraCls || ''), 'data-instrument': inst, 'data-status': r.status },
      h('h4', null, h('span', { class: 'score-name', text: t('score.' + inst, null, inst) }), ' ', band),
      h('p', { class: 'score-value' }, h('strong', { text: value }),
        r.status !== 'ok' ? h('span', { class: 'muted', text: ' (' + t('score.status.' + r.status, null, r.status) + ')' }) : null, flags),
      r.band_meaning ? h('p', { class: 'meaning', text: r.band_meaning }) : null,
      r.missing && r.missing.length ? h('p', { class: 'missing', text: t('score.missing', {
        items: r.missing.map(itemName).join(', ') }) }) : null,
      (r.errors || []).length ? h('ul', { class: 'score-errors' }, r.errors.map(function (e) { return h('li', { text: e.message }); })) : null,
      h('details', { class: 'score-details' }, h('summary', { text: t('score.details') }),
        comps.length ? h('table', { class: 'comps' },
          h('thead', null, h('tr', null, h('th', { scope: 'col', text: t('score.col_item') }),
            h('th', { scope: 'col', text: t('score.col_detail') }), h('th', { scope: 'col', class: 'pts', text: t('score.col_points') }))),
          h('tbody', null, comps)) : null,
        (r.notes || []).length ? h('ul', { class: 'notes' }, r.notes.map(function (n) { return h('li', { text: n }); })) : null,
        h('p', { class: 'cite' }, h('span', { class: 'muted', text: t('score.citation') + ': ' }), r.citation || '',
          r.reference ? ' (' + r.reference + ')' : '')));
  }

  /* whom to call comes from the engine's actions (a child: paediatric oncology), never from the page */
  function contactAction(tr) {
    return (tr.actions || []).filter(function (k) { return /^contact_/.test(k); })[0] || null;
  }
  function mriText(tr) {
    return tr.mri_within_hours === 168 ? t('triage.mri_168') : t('triage.mri_h', { h: tr.mri_within_hours });
  }
  function dexShort(k) {
    return has('quick.dex.' + k) ? t('quick.dex.' + k) : t('triage.dex') + ': ' + t('dex.' + k, null, pretty(k));
  }
  function triageCard(tr) {
    var u = tr.urgency;
    var dl = h('dl', { class: 'targets' });
    function row(k, v, key) { dl.appendChild(h('div', { class: 'target', 'data-target': key }, h('dt', { text: k }), h('dd', { text: v }))); }
    var ca = contactAction(tr);
    if (ca) row(t('triage.call'), t('action.' + ca, null, pretty(ca)), 'contact');
    else if (tr.contact_within_hours !== null && tr.contact_within_hours !== undefined) {
      row(t('triage.contact'), tr.contact_within_hours === 0 ? t('triage.contact_0') : t('triage.contact_h', { h: tr.contact_within_hours }), 'contact');
    }
    if (tr.mri_within_hours !== undefined) {
      row(t('triage.mri'), mriText(tr), 'mri');
    }
    row(t('triage.dex'), t('dex.' + tr.dexamethasone, null, pretty(tr.dexamethasone)), 'dexamethasone');
    return h('section', { class: 'triage triage-' + u, id: 'triage', 'data-urgency': u, 'aria-labelledby': 'triage-h' },
      h('h3', { id: 'triage-h', class: 'triage-title', text: t('triage.' + u, null, u) }),
      u === 'routine' ? h('p', { text: t('triage.routine_detail') }) : null,
      dl,
      tr.complete === false ? h('p', { class: 'triage-incomplete', text: t('triage.incomplete') }) : null);
  }
  function actionsCard(tr) {
    if (!tr.actions || !tr.actions.length) return null;
    return card('actions', t('triage.actions'), [keyedList(tr.actions, tr.action_reasons || {}, 'action.'),
      tr.reasons && tr.reasons.length ? h('details', { class: 'triage-why' }, h('summary', { text: t('triage.why') }),
        reasonList(tr.reasons)) : null], 'card-actions card-' + tr.urgency);
  }

  function nomsCard(n) {
    var dims = ['neurologic', 'oncologic', 'mechanical', 'systemic'];
    var tiles = h('div', { class: 'noms-dims' }, dims.map(function (d) {
      var v = n[d];
      return h('div', { class: 'noms-dim', 'data-dim': d },
        h('span', { class: 'noms-letter', 'aria-hidden': 'true', text: t('noms.letter.' + d) }),
        h('div', null, h('span', { class: 'noms-name', text: t('noms.' + d) }),
          h('strong', { class: 'noms-value', text: v === null || v === undefined ? t('noms.value.null') : t('noms.value.' + v, null, pretty(v)) }),
          reasonList((n.assessment_reasons || {})[d])));
    }));
    var opts = n.options && n.options.length ? keyedList(n.options, n.reasons || {}, 'option.', 'options', n.frameworks || n.option_frameworks)
      : h('p', { class: 'muted', text: t('noms.no_options') });
    return card('noms', t('noms.heading'), [tiles, h('h4', { text: t('noms.options') }), opts,
      n.referrals && n.referrals.length ? h('p', { class: 'referrals' }, h('strong', { text: t('noms.referrals') + ': ' }),
        n.referrals.map(function (r) { return t('referral.' + r, null, pretty(r)); }).join('; ')) : null]);
  }

  function surgeryCard(s) {
    var st = s.patchell_eligible ? 'eligible' : s.undetermined ? 'undetermined' : 'not_eligible';
    return card('surgery', t('surgery.heading'), [
      h('p', { class: 'surgery-status surgery-' + st }, h('strong', { text: t('surgery.' + st) })),
      h('p', { class: 'meaning', text: s.note }),
      h('details', null, h('summary', { text: t('score.details') }),
        h('ul', { class: 'criteria' }, (s.reasons || []).map(function (c) {
          return h('li', { class: 'crit crit-' + c.status },
            h('span', { class: 'crit-mark', text: t('surgery.' + c.status, null, c.status) }), ' ', c.text);
        })))]);
  }

  function renderResults() {
    var body = $('results-body'), st = $('results-status');
    var box = $('error-summary');
    if (box) box.parentNode.removeChild(box);
    body.classList.remove('stale');
    clear(body);
    st.className = 'status';
    var r = S.last, slot = $('quick-slot');
    if (slot) { clear(slot); slot.classList.remove('stale'); }
    paintLesionBadges();
    renderPrintCase();
    if (!r) {
      renderQuickbar(null);
      st.textContent = '';
      body.appendChild(h('p', { class: 'empty', text: t('results.empty') }));
      announce('');
      return;
    }
    st.textContent = t('results.updated', { time: new Date().toLocaleTimeString(locale()) });
    var tc = triageCard(r.triage);
    if (slot && narrow()) { /* a phone: the answer sits right under the red-flag questions */
      slot.appendChild(tc);
      slot.appendChild(h('p', { class: 'quick-more' }, h('a', { href: '#results', text: t('quick.more') })));
    } else {
      body.appendChild(tc);
    }
    renderQuickbar(r);
    add(body, mimicsCard(r));
    add(body, actionsCard(r.triage));
    body.appendChild(nomsCard(r.noms));
    /* lesions */
    var lesions = (r.lesions || []).map(function (l, k) {
      var lv = l.level || '?';
      return h('div', { class: 'lesion-result', 'data-level': lv, id: 'result-lesion-' + k },
        h('h4', null, lv, l.index ? h('span', { class: 'tag', text: t('lesions.index') }) : null),
        h('div', { class: 'score-pair' }, scoreCard('sins', l.sins), scoreCard('escc', l.escc)));
    });
    body.appendChild(card('lesions', t('lesions.heading'), lesions.length ? lesions : h('p', { class: 'muted', text: t('lesions.none') })));
    if (r.surgery) body.appendChild(surgeryCard(r.surgery));
    /* adult scores */
    var sc = r.scores || {}, scoreEls;
    if (sc.computed) {
      scoreEls = h('div', { class: 'score-grid' }, ['tokuhashi_revised', 'tomita', 'bauer', 'bauer_modified', 'nesms', 'katagiri']
        .filter(function (k) { return sc[k]; }).map(function (k) { return scoreCard(k, sc[k]); }));
    } else {
      scoreEls = h('p', null, h('strong', { text: t('scores.suppressed') + '. ' }), sc.reason || '');
    }
    body.appendChild(card('scores', t('scores.heading'), scoreEls));
    body.appendChild(card('workup', t('workup.heading'), r.workup && r.workup.length
      ? keyedList(r.workup, r.workup_reasons || {}, 'workup.') : h('p', { class: 'muted', text: t('workup.none') })));
    if ((r.differential && r.differential.length) || (r.primary_candidates && r.primary_candidates.length)) {
      body.appendChild(card('differential', t('differential.heading'), [
        keyedList(r.differential || [], r.differential_reasons || {}, 'differential.'),
        r.primary_candidates && r.primary_candidates.length ? h('p', null, h('strong', { text: t('differential.candidates') + ': ' }),
          r.primary_candidates.map(histName).join(', ')) : null]));
    }
    if (r.paediatric) {
      body.appendChild(card('paediatric', t('paediatric.heading'), [
        h('p', null, t('paediatric.scale', { scale: r.paediatric.scale })),
        h('ul', { class: 'notes' }, (r.paediatric.notes || []).map(function (n) { return h('li', { text: n }); }))], 'card-child'));
    }
    add(body, carePlanCard(r.care_plan));
    if (r.warnings && r.warnings.length) {
      body.appendChild(card('warnings', t('warnings.heading'),
        h('ul', { class: 'notes' }, r.warnings.map(function (w) { return noteItem(w, 'warning.'); })), 'card-warn'));
    }
    body.appendChild(card('rules', t('rules.heading'), h('details', { class: 'rule-details' }, h('summary', { text: t('rules.details') }),
      h('p', { class: 'rule-list' }, rulesOf((r.rules || []).map(function (id) { return { rule: id }; }))))));
    body.appendChild(h('p', { class: 'disclaimer', role: 'note', text: t('app.disclaimer') }));
    var opts = (r.noms.options || []).map(function (o) { return t('option.' + o, null, pretty(o)); }).join(', ');
    announce(t('results.announce', { urgency: t('triage.' + r.triage.urgency), options: opts }));
  }

  /* a warning or mimic flag: a plain string, or {key, text, rules} from newer engines */
  function noteItem(w, prefix) {
    if (!w || typeof w !== 'object') return h('li', { text: String(w) });
    var key = w.key || w.id;
    var text = key && S.lang !== 'en' && S.strings[prefix + key] ? S.strings[prefix + key] : (w.text || (key ? t(prefix + key, null, pretty(key)) : ''));
    return h('li', { 'data-key': key || null }, h('span', { text: text }), ruleDetails(w.rules || (w.rule ? [w] : [])));
  }
  function mimicsOf(r) {
    var tr = r.triage || {};
    return tr.mimics || tr.mimic_flags || r.mimics || r.mimic_flags || [];
  }
  function mimicsCard(r) {
    var m = mimicsOf(r);
    if (!m || !m.length) return null;
    var keyed = m.every(function (x) { return typeof x === 'string'; }) && (r.triage || {}).mimic_reasons;
    return card('mimics', t('mimics.heading'), [h('p', { class: 'hint', text: t('mimics.note') }),
      keyed ? keyedList(m, r.triage.mimic_reasons || {}, 'mimic.')
        : h('ul', { class: 'notes' }, m.map(function (x) { return noteItem(x, 'mimic.'); }))], 'card-warn');
  }
  /* the care plan (REFERENCE §16): items by phase, each with its rules behind Details; absent on older engines */
  var PHASES = ['now', 'during', 'after'];
  function carePlanCard(cp) {
    if (!cp || typeof cp !== 'object') return null;
    var items = Array.isArray(cp.items) ? cp.items.filter(function (x) { return x && typeof x === 'object'; }) : [];
    var outcomes = Array.isArray(cp.outcomes_to_record) ? cp.outcomes_to_record : [];
    if (!items.length && !outcomes.length) return null;
    var phases = PHASES.slice();
    items.forEach(function (x) { if (x.phase && phases.indexOf(x.phase) < 0) phases.push(x.phase); });
    var parts = phases.map(function (ph) {
      var its = items.filter(function (x) { return (x.phase || 'now') === ph; });
      if (!its.length) return null;
      return h('div', { class: 'care-phase', 'data-phase': ph },
        h('h4', { text: t('careplan.phase.' + ph, null, pretty(ph)) }),
        h('ul', { class: 'keyed' }, its.map(function (x) {
          var label = x.key ? t('care.' + x.key, null, pretty(x.key)) : '';
          var text = S.lang !== 'en' && x.key && S.strings['care_text.' + x.key] ? S.strings['care_text.' + x.key] : x.text;
          return h('li', { 'data-key': x.key || null }, h('strong', { text: label }),
            text ? h('p', { class: 'care-text', text: text }) : null,
            x.age_scope ? h('p', { class: 'muted', text: t('careplan.age_scope', { scope: x.age_scope }) }) : null,
            ruleDetails(x.rules || []));
        })));
    });
    if (outcomes.length) parts.push(h('div', { class: 'care-outcomes' }, h('h4', { text: t('careplan.outcomes') }),
      h('ul', { class: 'notes' }, outcomes.map(function (k) { return h('li', { 'data-key': k, text: t('outcome.' + k, null, pretty(k)) }); }))));
    return card('careplan', t('careplan.heading'), parts);
  }

  function histName(k) {
    if (has('histology.' + k)) return t('histology.' + k);
    for (var i = 0; i < S.histologies.length; i++) if (S.histologies[i].key === k) return S.histologies[i].name;
    return k;
  }

  var WIDE = typeof window.matchMedia === 'function' ? window.matchMedia('(min-width: 1000px)') : null;
  var PRINT = typeof window.matchMedia === 'function' ? window.matchMedia('print') : null;
  function narrow() { return !S.printing && !(PRINT && PRINT.matches) && !(WIDE && WIDE.matches); }
  /* the sticky bar: urgency, MRI target, dexamethasone line and whom to call, all from the assessment */
  function renderQuickbar(r) {
    var q = $('quickbar');
    if (!r) { q.hidden = true; clear(q); return; }
    var tr = r.triage, u = tr.urgency, line2 = [];
    if (tr.mri_within_hours !== undefined && tr.mri_within_hours !== null) line2.push(t('quick.mri', { when: mriText(tr) }));
    if (tr.dexamethasone) line2.push(dexShort(tr.dexamethasone));
    var ca = contactAction(tr);
    clear(q);
    add(q, [h('span', { class: 'qb-urgency', text: t('quick.' + u, null, u) }),
      line2.length ? h('span', { class: 'qb-line', id: 'qb-line', text: line2.join(' · ') }) : null,
      ca ? h('span', { class: 'qb-call', id: 'qb-call', text: t('action.' + ca, null, pretty(ca)) }) : null,
      h('span', { class: 'visually-hidden', text: t('quick.go') })]);
    q.className = 'quickbar triage-' + u;
    q.setAttribute('href', narrow() ? '#triage' : '#results');
    q.hidden = false;
    watchTriage();
  }
  /* the bar repeats the triage banner: hide it while the banner itself is on screen */
  var observer = null;
  function watchTriage() {
    if (typeof IntersectionObserver !== 'function') return;
    if (!observer) {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) { $('quickbar').classList.toggle('covered', e.isIntersecting); });
      });
    }
    observer.disconnect();
    var tri = $('triage');
    if (tri) observer.observe(tri);
  }

  /* ---------- print: report header and case summary ---------- */
  function patientLine() { /* name, hospital number and case id of the open case, for print */
    var ids = R.ids || {}, bits = [];
    if (ids.name) bits.push(t('print.patient', { name: ids.name }));
    if (ids.hospital_number) bits.push(t('print.number', { number: ids.hospital_number }));
    if (R.open) bits.push(t('print.case_id', { id: R.open.id, version: R.open.version }));
    return bits.length ? h('p', { class: 'ph-patient', id: 'print-patient', text: bits.join(' · ') }) : null;
  }
  function renderPrintHead() {
    var ph = $('print-head');
    clear(ph);
    add(ph, [h('p', { class: 'ph-title', text: t('print.heading') }), patientLine(),
      h('p', { class: 'ph-meta', text: t('print.printed', { date: new Date().toLocaleString(locale()) }) + ' · ' +
        t('print.engine', { version: S.version }) }),
      h('p', { class: 'ph-notice', text: t('app.disclaimer') })]);
  }
  function describe(f, v) {
    if (f.type === 'tri') return v ? t('tri.yes') : t('tri.no');
    if (f.type === 'enum') {
      var o = enumOptions(f).filter(function (x) { return String(x.value) === String(v); })[0];
      return o ? (f.api ? String(v) : o.text) : String(v);
    }
    if (f.type === 'histology') return histName(v);
    if (f.type === 'asia') return typeof v === 'object' ? t('field.neurology.asia_items') : String(v);
    return String(v);
  }
  function renderPrintCase() {
    var pc = $('print-case');
    clear(pc);
    if (isEmptyCase()) return;
    var box = h('div', { class: 'case-summary' });
    function line(title, text) { box.appendChild(h('p', null, h('strong', { text: title + ': ' }), text)); }
    FORM.forEach(function (sec) {
      if (sec.special) return;
      var fields = sec.fields || [].concat.apply([], sec.groups.map(function (g) { return g.fields; }));
      var bits = [], yes = [], no = [];
      fields.forEach(function (f) {
        var v = getPath(f.path);
        if (v === undefined || v === null) return;
        if (f.type === 'tri') (v ? yes : no).push(t('field.' + f.path));
        else bits.push(t('field.' + f.path) + ' ' + describe(f, v));
      });
      if (yes.length) bits.push(t('print.yes') + ': ' + yes.join(', '));
      if (no.length) bits.push(t('print.no') + ': ' + no.join(', '));
      if (bits.length) line(t('section.' + sec.id), bits.join('; ') + '.');
    });
    var ls = S.kase.lesions || [];
    if (ls.length) {
      line(t('print.lesions'), ls.map(function (l) {
        var items = Object.keys(l).filter(function (k) { return k !== 'level' && typeof l[k] !== 'boolean'; }).map(function (k) {
          return itemName(k) + ' ' + l[k];
        });
        var yes = Object.keys(l).filter(function (k) { return l[k] === true; }).map(itemName);
        if (yes.length) items.push(t('print.yes') + ': ' + yes.join(', '));
        return l.level + (items.length ? ' (' + items.join('; ') + ')' : '');
      }).join('. ') + '.');
    }
    add(pc, [h('h3', { text: t('print.case') }), box]);
  }

  /* ---------- the registry: login, cases, worklist, audit ---------- */
  var EVENT_TYPES = ['symptom_onset', 'presentation', 'referral', 'coordinator_contact', 'mri_requested', 'mri_done',
    'dexamethasone_started', 'mdt_decision', 'surgery', 'radiotherapy_start', 'systemic_therapy_start', 'discharge',
    'follow_up', 'death'];
  var TARGETS = ['contact', 'mri', 'plan'];
  var INTERVALS = ['onset_to_presentation', 'presentation_to_contact', 'presentation_to_mri', 'presentation_to_plan',
    'presentation_to_treatment', 'mri_to_plan', 'plan_to_treatment'];
  var VIEWS = ['assess', 'calc', 'cases', 'worklist', 'audit', 'admin', 'handout'];
  var PAGE = 20;
  var R = {
    user: null, view: 'assess', open: null, ids: {}, conflict: null, versions: null,
    q: '', offset: 0, list: null, work: null, hours: 6, report: null, sites: null,
    month: '', site: '', afterLogin: null, pwChange: false, msg: '', msgBad: false
  };

  function clinical() { return !!R.user && (R.user.role === 'clinician' || R.user.role === 'coordinator'); }
  function researcher() { return !!R.user && R.user.role === 'researcher'; }
  function regSay(msg) { var s = $('reg-live'); s.textContent = ''; setTimeout(function () { s.textContent = msg; }, 30); }

  /* a registry request: resolves {status, body}; 401 ends the page's session */
  function api(method, url, body) {
    var init = { method: method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(API + url, init).then(function (r) {
      return r.text().then(function (txt) {
        var j = null;
        try { j = txt ? JSON.parse(txt) : null; } catch (e) { j = null; }
        if (r.status === 401 && url !== '/login' && url !== '/password') loggedOut(t('reg.session_ended'));
        return { status: r.status, body: j };
      });
    });
  }
  function errText(r) {
    if (r.body && r.body.error && r.body.error.message) {
      var m = r.body.error.message;
      if (r.body.errors && r.body.errors.length) m += ': ' + r.body.errors.map(function (e) { return e.path + ' ' + e.message; }).join('; ');
      return m;
    }
    return t('reg.http_error', { status: r.status });
  }
  function fmtTime(iso) {
    if (!iso) return '–';
    var d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    try {
      return d.toLocaleString(locale(), { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    } catch (e) { return d.toISOString(); }
  }
  function fmtHours(x) {
    if (x === null || x === undefined) return '–';
    return (Math.round(x * 10) / 10).toLocaleString(locale());
  }
  function localInputNow() {
    var d = new Date(), p = function (n) { return (n < 10 ? '0' : '') + n; };
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes());
  }
  function localInput(d) {
    var p = function (n) { return (n < 10 ? '0' : '') + n; };
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes());
  }
  function thisMonth() { return new Date().toISOString().slice(0, 7); }
  function remember(u) {
    try { if (u) localStorage.setItem('spinemets.user', u.username); else localStorage.removeItem('spinemets.user'); } catch (e) { /* ignore */ }
  }

  /* ---------- the family handout: plain language, in the chosen language, from the assessment ---------- */
  function renderHandout() {
    var box = $('view-handout');
    clear(box);
    var r = S.last;
    box.appendChild(h('h2', { id: 'handout-h', text: t('handout.heading') }));
    add(box, patientLine());
    if (!r) {
      box.appendChild(h('p', { class: 'hint', text: t('handout.none') }));
      box.appendChild(h('p', null, h('a', { href: '#assess', text: t('handout.back') })));
      return;
    }
    var tr = r.triage, u = tr.urgency, child = !!r.paediatric;
    function sec(id, title, body) {
      return h('section', { class: 'ho-sec', id: 'ho-' + id, 'aria-labelledby': 'ho-' + id + '-h' }, h('h3', { id: 'ho-' + id + '-h', text: title }), body);
    }
    box.appendChild(sec('what', t('handout.what'), h('p', { text: t('handout.what.' + u, null, t('triage.' + u)) })));
    var next = [];
    (tr.actions || []).forEach(function (k) {
      if (has('handout.next.' + k)) next.push(t('handout.next.' + k));
    });
    if (tr.dexamethasone && has('handout.dex.' + tr.dexamethasone)) next.push(t('handout.dex.' + tr.dexamethasone));
    if (!next.length) next.push(t('handout.next.default'));
    box.appendChild(sec('next', t('handout.next'), h('ul', null, next.map(function (x) { return h('li', { text: x }); }))));
    var danger = ['weakness', 'numbness', 'saddle', 'bladder', 'walking', 'pain'];
    if (child) danger = danger.concat(['child_walk', 'child_wetting']);
    box.appendChild(sec('danger', t('handout.danger'), [h('p', { class: 'ho-strong', text: t('handout.danger_intro') }),
      h('ul', null, danger.map(function (k) { return h('li', { 'data-sign': k, text: t('handout.sign.' + k) }); }))], 'ho-danger'));
    box.appendChild(sec('contact', t('handout.contact'), [h('p', { class: 'ho-line', text: t('handout.contact_name') }),
      h('p', { class: 'ho-line', text: t('handout.contact_phone') })]));
    box.appendChild(h('p', { class: 'hint', text: t('handout.footer', { date: new Date().toLocaleDateString(locale(), { year: 'numeric', month: 'long', day: 'numeric' }) }) }));
    box.appendChild(h('div', { class: 'row no-print' },
      h('button', { type: 'button', class: 'btn btn-primary', id: 'handout-print', text: t('handout.print'), onclick: function () { window.print(); } }),
      h('a', { href: '#assess', class: 'btn', id: 'handout-back', text: t('handout.back'),
        onclick: function (e) { e.preventDefault(); showView('assess'); } })));
  }

  /* ---------- calculators: one instrument alone, scored by POST /api/v1/score/{name} ---------- */
  var C = { inst: '', vals: {}, result: null, seq: 0, timer: 0 };
  function calcItemControl(inst, it) {
    var id = 'calc-' + it.key, v = C.vals[it.key];
    var label = has('calc.' + inst.name + '.' + it.key) ? t('calc.' + inst.name + '.' + it.key) : itemName(it.key);
    var hint = it.help && it.help !== label ? h('p', { class: 'hint', id: id + '-hint', text: it.help }) : null;
    var set = function (x) { if (x === undefined) delete C.vals[it.key]; else C.vals[it.key] = x; calcChanged(); };
    var ctl;
    if (it.type === 'enum' || it.type === 'boolean' || it.type === 'level' || it.type === 'histology') {
      var opts = it.type === 'boolean' ? [{ value: 'true', text: t('tri.yes') }, { value: 'false', text: t('tri.no') }]
        : it.type === 'level' ? LEVELS.map(function (l) { return { value: l, text: l }; })
        : it.type === 'histology' ? null
        : (it.values || []).map(function (o) {
          var k = 'value.' + inst.name + '.' + it.key + '.' + o.value;
          return { value: o.value, text: has(k) ? t(k) : o.text || String(o.value) };
        });
      ctl = h('select', { id: id, 'aria-describedby': hint ? id + '-hint' : null }, h('option', { value: '', text: t('opt.unknown') }));
      if (opts) opts.forEach(function (o) { ctl.appendChild(h('option', { value: String(o.value), text: o.text })); });
      else histologyOptions().forEach(function (g) {
        var og = h('optgroup', { label: g.group });
        g.items.forEach(function (x) { og.appendChild(h('option', { value: x.value, text: x.text })); });
        ctl.appendChild(og);
      });
      if (v !== undefined) ctl.value = String(v);
      ctl.addEventListener('change', function () {
        var x = ctl.value;
        set(x === '' ? undefined : it.type === 'boolean' ? x === 'true' : x);
      });
    } else {
      ctl = h('input', { type: 'number', id: id, step: it.type === 'integer' ? 1 : 'any', inputmode: it.type === 'integer' ? 'numeric' : 'decimal',
        'aria-describedby': hint ? id + '-hint' : null, autocomplete: 'off', value: v === undefined ? null : String(v) });
      ctl.addEventListener('input', function () { set(ctl.value === '' ? undefined : Number(ctl.value)); });
    }
    return h('div', { class: 'field' }, h('label', { for: id, text: label }), ctl, hint);
  }
  function renderCalc() {
    var box = $('view-calc');
    clear(box);
    box.appendChild(h('h2', { id: 'calc-h', text: t('calc.heading') }));
    box.appendChild(h('p', { class: 'hint', text: t('calc.intro') }));
    var names = Object.keys(S.instruments);
    if (!C.inst || !S.instruments[C.inst]) C.inst = names[0];
    var sel = h('select', { id: 'calc-inst' }, names.map(function (n) {
      var i = S.instruments[n];
      return h('option', { value: n, text: has('score.' + n) ? t('score.' + n) + ' · ' + i.title : i.title, selected: n === C.inst });
    }));
    sel.addEventListener('change', function () { C.inst = sel.value; C.vals = {}; C.result = null; renderCalc(); $('calc-inst').focus(); });
    box.appendChild(h('div', { class: 'field' }, h('label', { for: 'calc-inst', text: t('calc.instrument') }), sel));
    var inst = S.instruments[C.inst];
    if (!inst) return;
    box.appendChild(h('form', { class: 'calc-form', id: 'calc-form', novalidate: true, 'aria-labelledby': 'calc-h',
      onsubmit: function (e) { e.preventDefault(); } },
      h('div', { class: 'grid' }, inst.items.map(function (it) { return calcItemControl(inst, it); })),
      h('button', { type: 'button', class: 'btn', id: 'calc-clear', text: t('calc.clear'),
        onclick: function () { C.vals = {}; C.result = null; renderCalc(); } })));
    box.appendChild(h('div', { id: 'calc-out', class: 'calc-out', 'aria-live': 'polite' }));
    paintCalc();
    if (!C.result) calcChanged(true);
  }
  function calcChanged(now) {
    clearTimeout(C.timer);
    C.timer = setTimeout(function () {
      var seq = ++C.seq, name = C.inst;
      fetch(API + '/score/' + encodeURIComponent(name), { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(C.vals) }).then(function (r) { return r.json(); }).then(function (j) {
        if (seq !== C.seq || name !== C.inst) return;
        C.result = j; paintCalc();
      }).catch(function (e) { var o = $('calc-out'); if (o) o.textContent = t('results.offline', { error: e.message || String(e) }); });
    }, now ? 0 : DEBOUNCE_MS);
  }
  function paintCalc() {
    var o = $('calc-out');
    if (!o) return;
    clear(o);
    if (!C.result) return;
    var r = C.result;
    if (r.error) { o.appendChild(h('p', { class: 'err', text: r.error.message || String(r.error) })); return; }
    var el = scoreCard(C.inst, r, 'calc-score');
    var det = el.querySelector('details'); if (det) det.open = true;
    o.appendChild(el);
    if (r.interpretation) o.appendChild(h('p', { class: 'meaning', id: 'calc-interp', text: r.interpretation }));
  }

  /* ---------- account and views ---------- */
  function renderAccount() {
    var box = $('account');
    clear(box);
    $('nav-admin').hidden = !(R.user && !R.pwChange && R.user.role === 'admin');
    if (R.user && !R.pwChange) {
      box.appendChild(h('span', { class: 'who', id: 'who', text: t('reg.signed_in', { user: R.user.display_name || R.user.username,
        role: t('role.' + R.user.role, null, R.user.role), site: R.user.site || t('reg.all_sites') }) }));
      box.appendChild(h('button', { type: 'button', class: 'btn btn-small', id: 'logout', text: t('reg.logout'), onclick: logout }));
    } else {
      box.appendChild(h('button', { type: 'button', class: 'btn btn-small', id: 'login-open', text: t('reg.login'),
        onclick: function () { showView(R.view === 'assess' ? 'cases' : R.view); } }));
    }
  }
  function showView(v, noHash) {
    if (VIEWS.indexOf(v) < 0) v = 'assess';
    R.view = v;
    var needLogin = v !== 'assess' && v !== 'calc' && v !== 'handout' && (!R.user || R.pwChange);
    $('view-assess').hidden = v !== 'assess';
    $('view-login').hidden = !needLogin;
    ['calc', 'handout', 'cases', 'worklist', 'audit', 'admin'].forEach(function (x) { $('view-' + x).hidden = needLogin || v !== x; });
    document.querySelectorAll('.view-link').forEach(function (a) {
      if (a.getAttribute('data-view') === v) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    document.body.setAttribute('data-view', v);
    if (!noHash && location.hash !== '#' + v) history.replaceState(null, '', '#' + v);
    renderPanel();
    if (needLogin) { renderLogin(); return; }
    if (v === 'calc') renderCalc();
    else if (v === 'handout') renderHandout();
    else if (v === 'cases') loadList();
    else if (v === 'worklist') loadWorklist();
    else if (v === 'admin') loadAdmin();
    else if (v === 'audit') renderAudit();
  }
  function loggedOut(msg) {
    R.user = null; R.pwChange = false; R.open = null; R.conflict = null; R.versions = null; R.ids = {};
    /* nothing of the last user's data stays in the page, not even hidden */
    R.list = null; R.work = null; R.report = null; R.sites = null; R.users = null; R.reason = '';
    ['cases', 'worklist', 'audit', 'admin'].forEach(function (x) { var el = $('view-' + x); if (el) clear(el); });
    remember(null);
    renderAccount();
    R.msg = msg || ''; R.msgBad = false;
    showView(R.view, true);
  }

  /* ---------- login and password change ---------- */
  function renderLogin() {
    var box = $('view-login');
    clear(box);
    var status = h('p', { id: 'login-msg', class: R.msgBad ? 'err' : 'hint', role: 'alert', text: R.msg || '' });
    if (R.pwChange) {
      var cur = h('input', { type: 'password', id: 'pw-current', autocomplete: 'current-password', required: true });
      var nw = h('input', { type: 'password', id: 'pw-new', autocomplete: 'new-password', required: true,
        'aria-describedby': 'pw-new-hint' });
      var again = h('input', { type: 'password', id: 'pw-again', autocomplete: 'new-password', required: true });
      var f = h('form', { class: 'reg-form', id: 'pw-form', novalidate: true },
        h('h2', { id: 'login-h', text: t('reg.pw_heading') }),
        h('p', { class: 'hint', text: t('reg.pw_intro') }),
        h('div', { class: 'field' }, h('label', { for: 'pw-current', text: t('reg.pw_current') }), cur),
        h('div', { class: 'field' }, h('label', { for: 'pw-new', text: t('reg.pw_new') }), nw,
          h('p', { class: 'hint', id: 'pw-new-hint', text: t('reg.pw_rule') })),
        h('div', { class: 'field' }, h('label', { for: 'pw-again', text: t('reg.pw_again') }), again),
        status,
        h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'pw-submit', text: t('reg.pw_submit') }),
          h('button', { type: 'button', class: 'btn', text: t('reg.logout'), onclick: logout })));
      f.addEventListener('submit', function (e) {
        e.preventDefault();
        if (!nw.value) { setMsg(t('reg.pw_rule'), true); nw.focus(); return; } /* the server's rules decide; its message is shown */
        if (nw.value !== again.value) { setMsg(t('reg.pw_mismatch'), true); again.focus(); return; }
        api('POST', '/password', { current_password: cur.value, new_password: nw.value }).then(function (r) {
          if (r.status !== 200) { setMsg(errText(r), true); return; }
          R.pwChange = false; R.msg = '';
          return api('GET', '/me').then(function (m) {
            if (m.status === 200) { R.user = m.body.user; remember(R.user); }
            renderAccount(); regSay(t('reg.pw_changed')); showView(R.view === 'assess' ? 'cases' : R.view);
          });
        });
      });
      box.appendChild(f);
      cur.focus();
      return;
    }
    var user = h('input', { type: 'text', id: 'login-user', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true });
    var pass = h('input', { type: 'password', id: 'login-pass', autocomplete: 'current-password', required: true });
    var form = h('form', { class: 'reg-form', id: 'login-form', novalidate: true },
      h('h2', { id: 'login-h', text: t('reg.login_heading') }),
      h('p', { class: 'hint', text: t('reg.login_intro') }),
      h('div', { class: 'field' }, h('label', { for: 'login-user', text: t('reg.username') }), user),
      h('div', { class: 'field' }, h('label', { for: 'login-pass', text: t('reg.password') }), pass),
      status,
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'login-submit', text: t('reg.login') }));
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!user.value || !pass.value) { setMsg(t('reg.login_missing'), true); (user.value ? pass : user).focus(); return; }
      api('POST', '/login', { username: user.value, password: pass.value }).then(function (r) {
        if (r.status !== 200) { setMsg(r.status === 401 ? t('reg.login_failed') : errText(r), true); pass.value = ''; pass.focus(); return; }
        R.user = r.body.user; R.pwChange = !!r.body.password_change_required; R.msg = '';
        remember(R.user);
        renderAccount();
        regSay(t('reg.logged_in', { user: R.user.username }));
        showView(R.view === 'assess' || R.view === 'calc' ? (R.user.role === 'admin' ? 'admin' : 'cases') : R.view);
      });
    });
    box.appendChild(form);
    user.focus();
  }
  function setMsg(text, bad) {
    R.msg = text; R.msgBad = bad;
    var m = $('login-msg');
    if (m) { m.textContent = text; m.className = bad ? 'err' : 'hint'; }
  }
  function logout() {
    api('POST', '/logout').then(function () { loggedOut(t('reg.logged_out')); regSay(t('reg.logged_out')); });
  }

  /* ---------- cases list ---------- */
  function loadList() {
    var box = $('view-cases');
    if (R.user.role === 'admin') {
      clear(box);
      box.appendChild(h('h2', { id: 'cases-h', text: t('reg.cases_heading') }));
      box.appendChild(h('p', { class: 'hint', text: t('reg.admin_no_cases') }));
      return;
    }
    var url = '/cases?limit=' + PAGE + '&offset=' + R.offset + (R.q ? '&q=' + encodeURIComponent(R.q) : '');
    box.setAttribute('aria-busy', 'true');
    api('GET', url).then(function (r) {
      box.removeAttribute('aria-busy');
      R.list = r.status === 200 ? r.body : null;
      renderList(r.status === 200 ? '' : errText(r));
    });
  }
  function renderList(err) {
    var box = $('view-cases');
    var hadFocus = document.activeElement && document.activeElement.id;
    clear(box);
    box.appendChild(h('h2', { id: 'cases-h', text: t('reg.cases_heading') }));
    var q = h('input', { type: 'search', id: 'case-q', value: R.q, autocomplete: 'off' });
    var form = h('form', { class: 'search-row', role: 'search', 'aria-label': t('reg.search_label') },
      h('label', { for: 'case-q', text: clinical() ? t('reg.search') : t('reg.search_key') }), h('div', { class: 'row' }, q,
        h('button', { type: 'submit', class: 'btn', id: 'case-search', text: t('reg.search_go') })));
    form.addEventListener('submit', function (e) { e.preventDefault(); R.q = q.value.trim(); R.offset = 0; loadList(); });
    box.appendChild(form);
    if (clinical()) box.appendChild(h('p', { class: 'hint' }, t('reg.new_hint') + ' ',
      h('a', { href: '#assess', text: t('nav.assess') })));
    if (err) { box.appendChild(h('p', { class: 'err', role: 'alert', text: err })); return; }
    var L = R.list, rows = L.cases || [];
    box.appendChild(h('p', { class: 'hint', id: 'case-count', text: L.total ? t('reg.cases_range', {
      from: L.offset + 1, to: L.offset + rows.length, total: L.total }) : t('reg.cases_none') }));
    if (rows.length) {
      var head = clinical() ? ['reg.col_case', 'reg.col_name', 'reg.col_number', 'reg.col_urgency', 'reg.col_updated', 'reg.col_open']
        : ['reg.col_case', 'reg.col_key', 'reg.col_site', 'reg.col_urgency', 'reg.col_open'];
      var table = h('table', { class: 'reg-table stack', id: 'case-table' },
        h('caption', { class: 'visually-hidden', text: t('reg.cases_heading') }),
        h('thead', null, h('tr', null, head.map(function (k) { return h('th', { scope: 'col', text: t(k) }); }))),
        h('tbody', null, rows.map(function (c) {
          var ids = c.identifiers || {};
          var open = h('button', { type: 'button', class: 'btn btn-small', 'data-case': c.id,
            'aria-label': t('reg.open_case', { id: c.id }), text: t('reg.open'), onclick: function () { openCase(c.id); } });
          var urg = c.urgency ? h('span', { class: 'pill pill-' + c.urgency, text: t('reg.urgency_' + c.urgency, null, c.urgency) }) : '–';
          var cells = clinical() ? [String(c.id), ids.name || '–', ids.hospital_number || '–', urg, fmtTime(c.updated_at), open]
            : [String(c.id), c.case_key || '–', c.site || '–', urg, open];
          return h('tr', { class: c.deleted ? 'deleted' : null }, cells.map(function (x, i) {
            return i === 0 ? h('th', { scope: 'row', 'data-label': t(head[0]) }, x) : h('td', x === open ? { class: 'cell-open' } : { 'data-label': t(head[i]) }, x);
          }));
        })));
      box.appendChild(h('div', { class: 'table-wrap' }, table));
    }
    var prev = h('button', { type: 'button', class: 'btn', id: 'case-prev', text: t('reg.prev'), disabled: L.offset <= 0,
      onclick: function () { R.offset = Math.max(0, R.offset - PAGE); loadList(); } });
    var next = h('button', { type: 'button', class: 'btn', id: 'case-next', text: t('reg.next'), disabled: L.offset + rows.length >= L.total,
      onclick: function () { R.offset += PAGE; loadList(); } });
    box.appendChild(h('div', { class: 'row pager' }, prev, next));
    if (hadFocus && $(hadFocus)) $(hadFocus).focus();
  }

  /* ---------- one case: open, save, conflict, events, versions, delete ---------- */
  function openCase(id, quiet, force) {
    if (!force && !(R.open && R.open.id === id && !S.dirty) && !mayLeave()) return Promise.resolve();
    return api('GET', '/cases/' + id).then(function (r) {
      if (r.status !== 200) { regSay(errText(r)); window.alert(errText(r)); return; }
      useCase(r.body);
      showView('assess');
      if (!quiet) regSay(t('reg.case_opened', { id: r.body.id, version: r.body.version }));
      var hd = $('reg-panel-h'); if (hd) hd.focus();
    });
  }
  function useCase(c) {
    R.open = c; R.conflict = null; R.versions = null;
    R.ids = JSON.parse(JSON.stringify(c.identifiers || {}));
    var doc = JSON.parse(JSON.stringify(c.document || {}));
    /* a de-identified document has events as hours from presentation, which the case format
       does not take: the panel lists them and the form assesses the clinical part */
    if (researcher()) delete doc.events;
    loadCase(doc);
    renderPanel();
  }
  function docNow() { return caseToSend(); }
  function idsNow() {
    var o = {};
    ['name', 'hospital_number', 'phone'].forEach(function (k) { if (R.ids[k]) o[k] = R.ids[k]; });
    return o;
  }
  function reasonNow(def) { var r = $('reg-reason'); return r && r.value.trim() ? r.value.trim() : def; }
  function panelMsg(text, bad) {
    var m = $('reg-msg');
    if (m) { m.textContent = text; m.className = bad ? 'err' : 'ok-msg'; }
    regSay(text);
  }
  /* a new case starts its pathway clock: the first save asks when the patient presented */
  function askCreate() {
    R.creating = true;
    renderPanel();
    var at = $('pres-at'); if (at) at.focus();
  }
  function presentedAt() {
    var ev = (S.kase.events || []).filter(function (e) { return e && e.type === 'presentation' && e.at; })[0];
    return ev ? ev.at : null;
  }
  function createCase(local) {
    var d = new Date(local);
    if (!local || isNaN(d.getTime())) { panelMsg(t('reg.pres_missing'), true); var a = $('pres-at'); if (a) a.focus(); return; }
    if (d.getTime() > Date.now() + 5 * 60000) { panelMsg(t('reg.pres_future'), true); var b = $('pres-at'); if (b) b.focus(); return; }
    var doc = docNow();
    doc.events = [{ type: 'presentation', at: d.toISOString().replace(/\.\d{3}Z$/, 'Z') }];
    var body = { document: doc, reason: reasonNow('created') };
    var ids = idsNow(); if (Object.keys(ids).length) body.identifiers = ids;
    api('POST', '/cases', body).then(function (r) {
      if (r.status !== 201 && r.status !== 200) { panelMsg(errText(r), true); return; }
      R.open = r.body; R.conflict = null; R.versions = null; R.creating = false; R.reason = '';
      if (!R.open.document) R.open.document = doc;
      S.kase.events = JSON.parse(JSON.stringify(doc.events));
      S.dirty = false;
      renderPanel();
      panelMsg(t('reg.created', { id: r.body.id }));
      var hd = $('reg-panel-h'); if (hd) hd.focus();
    });
  }
  function createBox() {
    var o = R.open;
    var prev = presentedAt(), when = localInputNow();
    if (o && prev) { var pd = new Date(prev); if (!isNaN(pd.getTime())) when = localInput(pd); }
    var at = h('input', { type: 'datetime-local', id: 'pres-at', value: when, required: true, 'aria-describedby': 'pres-hint' });
    var f = h('form', { class: 'pres-form', id: 'pres-form', novalidate: true, 'aria-labelledby': 'pres-h' },
      h('h3', { id: 'pres-h', text: o ? t('reg.copy_heading', { id: o.id }) : t('reg.pres_heading') }),
      o ? h('p', { class: 'warn-msg', id: 'pres-copy', text: t('reg.copy_confirm', { id: o.id }) }) : null,
      h('div', { class: 'field' }, h('label', { for: 'pres-at', text: t('reg.pres_at') }), at,
        h('p', { class: 'hint', id: 'pres-hint', text: t('reg.pres_hint') })),
      h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'btn btn-primary', id: 'pres-save', text: o ? t('reg.copy_go') : t('reg.pres_go') }),
        h('button', { type: 'button', class: 'btn', id: 'pres-cancel', text: t('reg.cancel'),
          onclick: function () { R.creating = false; renderPanel(); var c = $('reg-create'); if (c) c.focus(); } })));
    f.addEventListener('submit', function (e) { e.preventDefault(); createCase(at.value); });
    return f;
  }
  function saveCase() {
    var body = { version: R.open.version, document: docNow(), identifiers: idsNow(), reason: reasonNow('updated') };
    api('PUT', '/cases/' + R.open.id, body).then(function (r) {
      if (r.status === 409) {
        R.conflict = { yours: { version: body.version, document: body.document, identifiers: body.identifiers }, current: r.body && r.body.current };
        renderPanel();
        var c = $('reg-conflict'); if (c) c.focus();
        regSay(t('reg.conflict_heading'));
        return;
      }
      if (r.status !== 200) { panelMsg(errText(r), true); return; }
      R.open = r.body; R.conflict = null; R.versions = null; S.dirty = false; R.reason = '';
      renderPanel();
      panelMsg(t('reg.saved', { id: r.body.id, version: r.body.version }));
    });
  }
  function deleteCase(reason) {
    api('DELETE', '/cases/' + R.open.id, { version: R.open.version, reason: reason }).then(function (r) {
      if (r.status === 409) { R.conflict = { yours: { version: R.open.version, document: docNow(), identifiers: idsNow() }, current: r.body && r.body.current }; renderPanel(); return; }
      if (r.status !== 200) { panelMsg(errText(r), true); return; }
      var id = R.open.id;
      R.open = null; R.conflict = null; R.versions = null; R.ids = {};
      renderPanel();
      panelMsg(t('reg.deleted', { id: id }));
    });
  }
  function addEvent(type, local) {
    var d = new Date(local);
    if (!type || isNaN(d.getTime())) { panelMsg(t('reg.event_missing'), true); return; }
    var at = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    api('POST', '/cases/' + R.open.id + '/events', { version: R.open.version, event: { type: type, at: at } }).then(function (r) {
      if (r.status === 409) { R.conflict = { yours: { version: R.open.version, document: docNow(), identifiers: idsNow() }, current: r.body && r.body.current }; renderPanel(); return; }
      if (r.status !== 201 && r.status !== 200) { panelMsg(errText(r), true); return; }
      return api('GET', '/cases/' + R.open.id).then(function (g) {
        if (g.status === 200 && S.dirty) { /* keep the unsaved form; take the new version and its events */
          R.open = g.body; R.conflict = null; R.versions = null;
          S.kase.events = JSON.parse(JSON.stringify((g.body.document || {}).events || []));
          renderPanel();
        } else if (g.status === 200) useCase(g.body);
        panelMsg(t('reg.event_added', { type: t('event.' + type, null, pretty(type)), version: g.body ? g.body.version : '' }));
        var s = $('ev-type'); if (s) s.focus();
      });
    });
  }
  function loadVersions() {
    api('GET', '/cases/' + R.open.id + '/versions').then(function (r) {
      if (r.status !== 200) { panelMsg(errText(r), true); return; }
      R.versions = r.body.versions || [];
      renderPanel();
      var v = $('reg-versions'); if (v) v.focus();
    });
  }

  /* flat differences between two documents (and identifier sets) for the conflict view */
  function flat(o, prefix, out) {
    out = out || {};
    if (o === null || typeof o !== 'object') { out[prefix || '/'] = o; return out; }
    Object.keys(o).forEach(function (k) { flat(o[k], (prefix || '') + '/' + k, out); });
    if (Array.isArray(o) && !o.length) out[prefix] = '[]';
    return out;
  }
  function diffRows(a, b) {
    var fa = flat(a || {}), fb = flat(b || {}), keys = {};
    Object.keys(fa).concat(Object.keys(fb)).forEach(function (k) { keys[k] = 1; });
    return Object.keys(keys).sort().filter(function (k) { return JSON.stringify(fa[k]) !== JSON.stringify(fb[k]); })
      .map(function (k) { return [k, fa[k], fb[k]]; });
  }
  function show(v) { return v === undefined || v === null ? '–' : typeof v === 'string' ? v : JSON.stringify(v); }

  function conflictBox() {
    var c = R.conflict, cur = c.current || {};
    var yd = JSON.parse(JSON.stringify(c.yours.document || {})), cd = JSON.parse(JSON.stringify(cur.document || {}));
    var rows = diffRows(yd, cd);
    if (clinical()) diffRows({ identifiers: c.yours.identifiers || {} }, { identifiers: cur.identifiers || {} }).forEach(function (r) { rows.push(r); });
    return h('div', { class: 'conflict', id: 'reg-conflict', role: 'alert', tabindex: '-1' },
      h('h3', { text: t('reg.conflict_heading') }),
      h('p', { text: t('reg.conflict_text', { yours: c.yours.version, current: cur.version, by: cur.saved_by || '–',
        at: fmtTime(cur.saved_at), reason: cur.reason || '–' }) }),
      rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table conflict-table', id: 'conflict-table' },
        h('caption', { text: t('reg.conflict_caption') }),
        h('thead', null, h('tr', null, h('th', { scope: 'col', text: t('reg.conflict_field') }),
          h('th', { scope: 'col', text: t('reg.conflict_yours', { version: c.yours.version }) }),
          h('th', { scope: 'col', text: t('reg.conflict_current', { version: cur.version }) }))),
        h('tbody', null, rows.map(function (r) {
          return h('tr', null, h('th', { scope: 'row', text: r[0] }), h('td', { class: 'yours', text: show(r[1]) }), h('td', { class: 'theirs', text: show(r[2]) }));
        })))) : h('p', { text: t('reg.conflict_same') }),
      h('p', { class: 'hint', text: t('reg.conflict_hint') }),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'btn btn-primary', id: 'conflict-reload', text: t('reg.conflict_reload', { version: cur.version }),
          onclick: function () { if (cur.deleted) { R.open = null; R.conflict = null; renderPanel(); return; } openCase(R.open.id, false, true); } }),
        h('button', { type: 'button', class: 'btn', id: 'conflict-keep', text: t('reg.conflict_keep'),
          onclick: function () { R.conflict = null; renderPanel(); } })));
  }

  function idField(k) {
    var id = 'id-' + k.replace(/_/g, '-');
    var input = h('input', { type: k === 'phone' ? 'tel' : 'text', id: id, value: R.ids[k] || '', autocomplete: 'off', maxlength: 512 });
    input.addEventListener('input', function () { R.ids[k] = input.value; S.dirty = true; });
    return h('div', { class: 'field' }, h('label', { for: id, text: t('reg.id_' + k) }), input);
  }

  function renderPanel() {
    renderPrintHead(); /* the printed report names the open case */
    var box = $('registry-panel');
    var show = !!R.user && !R.pwChange && R.view === 'assess' && R.user.role !== 'admin';
    box.hidden = !show;
    clear(box);
    if (!show) return;
    var o = R.open;
    box.appendChild(h('h2', { id: 'reg-panel-h', tabindex: '-1', text: o ? t('reg.panel_open', { id: o.id }) : t('reg.panel_new') }));
    if (o) box.appendChild(h('p', { class: 'hint', id: 'reg-open-meta', text: researcher()
      ? t('reg.open_meta_deid', { version: o.version, key: o.case_key || '–' })
      : t('reg.open_meta', { version: o.version, by: o.saved_by || '–', at: fmtTime(o.saved_at), reason: o.reason || '–' }) }));
    else if (clinical()) box.appendChild(h('p', { class: 'hint', text: t('reg.panel_new_hint') }));
    if (R.conflict) box.appendChild(conflictBox());
    if (clinical()) {
      box.appendChild(h('fieldset', { class: 'ids', id: 'reg-ids' }, h('legend', { text: t('reg.ids_heading') }),
        h('div', { class: 'grid' }, idField('name'), idField('hospital_number'), idField('phone'))));
      box.appendChild(h('div', { class: 'field field-reason' }, h('label', { for: 'reg-reason', text: t('reg.reason') }),
        h('input', { type: 'text', id: 'reg-reason', maxlength: 4096, autocomplete: 'off', value: R.reason || '',
          oninput: function (e) { R.reason = e.target.value; } })));
      var btns = h('div', { class: 'row' });
      if (o) btns.appendChild(h('button', { type: 'button', class: 'btn btn-primary', id: 'reg-save', text: t('reg.save', { version: o.version }), onclick: saveCase }));
      btns.appendChild(h('button', { type: 'button', class: o ? 'btn' : 'btn btn-primary', id: 'reg-create', text: t('reg.create'),
        'aria-expanded': R.creating ? 'true' : 'false', onclick: askCreate }));
      if (o) btns.appendChild(h('button', { type: 'button', class: 'btn', id: 'reg-close', text: t('reg.close'),
        onclick: function () { if (newCase(false)) panelMsg(t('guard.closed', { id: o.id })); } }));
      box.appendChild(btns);
      if (R.creating) box.appendChild(createBox());
    }
    box.appendChild(h('p', { id: 'reg-msg', class: 'ok-msg', role: 'status' }));
    if (!o) return;
    var evs = (o.document && o.document.events) || [];
    var evList = evs.length ? h('ul', { class: 'ev-list', id: 'ev-list' }, evs.map(function (e) {
      return h('li', null, h('strong', { text: t('event.' + e.type, null, pretty(e.type)) }), ' ',
        e.at ? fmtTime(e.at) : t('reg.hours_from', { h: fmtHours(e.hours_from_presentation) }));
    })) : h('p', { class: 'hint', text: t('reg.events_none') });
    var evBlock = h('section', { class: 'reg-sub', 'aria-labelledby': 'ev-h' }, h('h3', { id: 'ev-h', text: t('reg.events_heading') }), evList);
    if (clinical()) {
      var sel = h('select', { id: 'ev-type' }, h('option', { value: '', text: t('reg.event_choose') }),
        EVENT_TYPES.map(function (k) { return h('option', { value: k, text: t('event.' + k, null, pretty(k)) }); }));
      var when = h('input', { type: 'datetime-local', id: 'ev-at', value: localInputNow() });
      var f = h('form', { class: 'ev-form', id: 'ev-form', novalidate: true },
        h('div', { class: 'field' }, h('label', { for: 'ev-type', text: t('reg.event_type') }), sel),
        h('div', { class: 'field' }, h('label', { for: 'ev-at', text: t('reg.event_at') }), when),
        h('button', { type: 'submit', class: 'btn', id: 'ev-add', text: t('reg.event_add') }));
      f.addEventListener('submit', function (e) { e.preventDefault(); addEvent(sel.value, when.value); });
      evBlock.appendChild(f);
    }
    box.appendChild(evBlock);
    var vBlock = h('section', { class: 'reg-sub', 'aria-labelledby': 'ver-h' }, h('h3', { id: 'ver-h', text: t('reg.versions_heading') }));
    if (!R.versions) vBlock.appendChild(h('button', { type: 'button', class: 'btn', id: 'ver-show', text: t('reg.versions_show'), onclick: loadVersions }));
    else vBlock.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table', id: 'reg-versions', tabindex: '-1' },
      h('caption', { class: 'visually-hidden', text: t('reg.versions_heading') }),
      h('thead', null, h('tr', null, ['reg.col_version', 'reg.col_when', 'reg.col_who', 'reg.col_why'].map(function (k) { return h('th', { scope: 'col', text: t(k) }); }))),
      h('tbody', null, R.versions.map(function (v) {
        return h('tr', { class: v.deleted ? 'deleted' : null }, h('th', { scope: 'row', text: String(v.version) + (v.deleted ? ' ' + t('reg.tombstone') : '') }),
          h('td', { text: fmtTime(v.saved_at) }), h('td', { text: v.saved_by || '–' }), h('td', { text: v.reason || '–' }));
      })))));
    box.appendChild(vBlock);
    if (clinical()) {
      var why = h('input', { type: 'text', id: 'del-reason', required: true, maxlength: 4096, autocomplete: 'off' });
      var df = h('form', { class: 'del-form', novalidate: true },
        h('div', { class: 'field' }, h('label', { for: 'del-reason', text: t('reg.delete_reason') }), why),
        h('button', { type: 'submit', class: 'btn btn-danger', id: 'del-go', text: t('reg.delete_go', { id: o.id }) }));
      df.addEventListener('submit', function (e) {
        e.preventDefault();
        if (!why.value.trim()) { panelMsg(t('reg.delete_need_reason'), true); why.focus(); return; }
        if (!window.confirm(t('reg.delete_confirm', { id: o.id }))) return;
        deleteCase(why.value.trim());
      });
      box.appendChild(h('details', { class: 'reg-sub del' }, h('summary', { text: t('reg.delete_heading') }),
        h('p', { class: 'hint', text: t('reg.delete_hint') }), df));
    }
  }

  /* ---------- worklist ---------- */
  function loadWorklist() {
    var box = $('view-worklist');
    if (!clinical()) {
      clear(box);
      box.appendChild(h('h2', { id: 'worklist-h', text: t('reg.worklist_heading') }));
      box.appendChild(h('p', { class: 'hint', text: t('reg.worklist_role') }));
      return;
    }
    box.setAttribute('aria-busy', 'true');
    api('GET', '/worklist?hours=' + R.hours).then(function (r) {
      box.removeAttribute('aria-busy');
      R.work = r.status === 200 ? r.body : null;
      renderWorklist(r.status === 200 ? '' : errText(r));
    });
  }
  function renderWorklist(err) {
    var box = $('view-worklist');
    clear(box);
    box.appendChild(h('h2', { id: 'worklist-h', text: t('reg.worklist_heading') }));
    var sel = h('select', { id: 'wl-hours' }, [6, 12, 24, 72, 168].map(function (n) {
      return h('option', { value: n, text: t('reg.within_hours', { n: n }), selected: n === R.hours });
    }));
    sel.addEventListener('change', function () { R.hours = Number(sel.value); loadWorklist(); });
    box.appendChild(h('div', { class: 'row' }, h('label', { for: 'wl-hours', text: t('reg.worklist_window') }), sel,
      h('button', { type: 'button', class: 'btn', id: 'wl-refresh', text: t('reg.refresh'), onclick: loadWorklist })));
    if (err) { box.appendChild(h('p', { class: 'err', role: 'alert', text: err })); return; }
    var W = R.work, rows = [];
    /* one row per patient: the most pressing open target first, the others beside it */
    (W.cases || []).forEach(function (c) {
      var tg = (c.clock && c.clock.targets) || {}, open = [];
      TARGETS.forEach(function (k) {
        var x = tg[k];
        if (!x || (x.state !== 'pending' && x.state !== 'breached')) return;
        var st = x.state === 'breached' || x.hours_left < 0 ? 'breached' : x.hours_left <= W.hours ? 'due' : 'pending';
        open.push({ k: k, x: x, st: st });
      });
      if (!open.length) return;
      open.sort(function (a, b) { return a.x.hours_left - b.x.hours_left; });
      rows.push({ c: c, first: open[0], open: open });
    });
    rows.sort(function (a, b) { return a.first.x.hours_left - b.first.x.hours_left || a.c.id - b.c.id; });
    box.appendChild(h('p', { class: 'hint', id: 'wl-summary', text: t('reg.worklist_summary', { n: rows.length,
      scanned: W.cases_scanned, at: fmtTime(W.generated_at) }) }));
    if (!rows.length) { box.appendChild(h('p', { class: 'ok-msg', text: t('reg.worklist_none') })); return; }
    var head = ['reg.col_patient', 'reg.col_urgency', 'reg.col_targets', 'reg.col_open'];
    box.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table stack worklist', id: 'wl-table' },
      h('caption', { class: 'visually-hidden', text: t('reg.worklist_heading') }),
      h('thead', null, h('tr', null, head.map(function (k) { return h('th', { scope: 'col', text: t(k) }); }))),
      h('tbody', null, rows.map(function (r) {
        var ids = r.c.identifiers || {};
        return h('tr', { class: 'st-' + r.first.st, 'data-case': r.c.id, 'data-target': r.first.k },
          h('th', { scope: 'row', 'data-label': t(head[0]) }, h('span', null, h('span', { class: 'wl-name', text: ids.name || '–' }),
            h('span', { class: 'wl-meta', text: [ids.hospital_number, t('reg.case_no', { id: r.c.id })].filter(Boolean).join(' · ') }))),
          h('td', { 'data-label': t(head[1]) }, h('span', { class: 'pill pill-' + r.c.urgency, text: t('reg.urgency_' + r.c.urgency, null, r.c.urgency) })),
          h('td', { 'data-label': t(head[2]) }, h('ul', { class: 'wl-targets' }, r.open.map(function (o) {
            return h('li', { class: 'st-' + o.st, 'data-target': o.k, 'data-hours-left': String(o.x.hours_left) },
              h('strong', { text: t('target.' + o.k, null, o.k) + ': ' }),
              h('span', { class: 'state state-' + o.st, text: o.x.hours_left < 0 ? t('reg.overdue', { time: duration(-o.x.hours_left) })
                : t('reg.due_in', { time: duration(o.x.hours_left) }) }),
              h('span', { class: 'wl-due', text: ' (' + t('reg.due_at', { at: fmtTime(o.x.due_at) }) + ')' }));
          }))),
          h('td', { class: 'cell-open' }, h('button', { type: 'button', class: 'btn btn-small', text: t('reg.open'), 'aria-label': t('reg.open_case', { id: r.c.id }),
            onclick: function () { openCase(r.c.id); } })));
      })))));
  }
  /* a time span in words: "2 days 4 h", "3 h 58 min", "12 min" (plural forms through Intl) */
  function duration(hours) {
    var mins = Math.max(0, Math.round(hours * 60)), d = Math.floor(mins / 1440), hh = Math.floor((mins % 1440) / 60), mm = mins % 60;
    var pr = null;
    try { pr = new Intl.PluralRules(locale()); } catch (e) { pr = null; }
    function n(x) { return x.toLocaleString(locale()); }
    function days(x) { var f = pr ? pr.select(x) : (x === 1 ? 'one' : 'other'); return t(f === 'one' ? 'dur.day' : 'dur.days', { n: n(x) }); }
    if (d) return hh ? days(d) + ' ' + t('dur.h', { n: n(hh) }) : days(d);
    if (hh) return mm ? t('dur.h', { n: n(hh) }) + ' ' + t('dur.min', { n: n(mm) }) : t('dur.h', { n: n(hh) });
    return t('dur.min', { n: n(mm) });
  }

  /* ---------- admin: users and sites (the server's rules decide; its messages are shown as they are) ---------- */
  function loadAdmin() {
    var box = $('view-admin');
    if (!R.user || R.user.role !== 'admin') {
      clear(box);
      box.appendChild(h('h2', { id: 'admin-h', text: t('adm.heading') }));
      box.appendChild(h('p', { class: 'hint', text: t('adm.role') }));
      return Promise.resolve();
    }
    return Promise.all([api('GET', '/users'), api('GET', '/sites')]).then(function (rs) {
      R.users = rs[0].status === 200 ? rs[0].body.users || [] : null;
      R.sites = rs[1].status === 200 ? rs[1].body.sites || [] : R.sites;
      renderAdmin(rs[0].status === 200 ? '' : errText(rs[0]));
    });
  }
  function admMsg(text, bad) {
    R.admMsg = { text: text, bad: bad };
    var m = $('adm-msg');
    if (m) { m.textContent = text; m.className = bad ? 'err' : 'ok-msg'; }
    regSay(text);
  }
  function oneTime(user, pw) { /* shown once, never stored by the page */
    R.oneTime = { user: user, pw: pw };
  }
  function renderAdmin(err) {
    var box = $('view-admin');
    clear(box);
    box.appendChild(h('h2', { id: 'admin-h', text: t('adm.heading') }));
    box.appendChild(h('p', { id: 'adm-msg', role: 'status', class: R.admMsg && R.admMsg.bad ? 'err' : 'ok-msg', text: R.admMsg ? R.admMsg.text : '' }));
    if (R.oneTime) {
      box.appendChild(h('div', { class: 'onetime', id: 'adm-onetime', tabindex: '-1', role: 'alert' },
        h('p', { text: t('adm.onetime', { user: R.oneTime.user }) }),
        h('p', null, h('code', { id: 'adm-onetime-pw', text: R.oneTime.pw })),
        h('p', { class: 'hint', text: t('adm.onetime_hint') }),
        h('button', { type: 'button', class: 'btn btn-small', id: 'adm-onetime-done', text: t('adm.onetime_done'),
          onclick: function () { R.oneTime = null; renderAdmin(); } })));
    }
    if (err) { box.appendChild(h('p', { class: 'err', role: 'alert', text: err })); return; }
    var sites = (R.sites || []).map(function (x) { return x.code || x; });
    /* users */
    var users = R.users || [];
    box.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table stack', id: 'adm-users' },
      h('caption', { text: t('adm.users') }),
      h('thead', null, h('tr', null, ['adm.col_user', 'adm.col_role', 'reg.audit_site', 'adm.col_status', 'adm.col_actions'].map(function (k) {
        return h('th', { scope: 'col', text: t(k) }); }))),
      h('tbody', null, users.map(function (u) {
        var me = R.user && u.username === R.user.username;
        return h('tr', { 'data-user': u.username, class: u.active === false ? 'inactive' : null },
          h('th', { scope: 'row', 'data-label': t('adm.col_user') }, h('span', null, h('span', { class: 'wl-name', text: u.username }),
            u.display_name ? h('span', { class: 'wl-meta', text: u.display_name }) : null)),
          h('td', { 'data-label': t('adm.col_role'), text: t('role.' + u.role, null, u.role) }),
          h('td', { 'data-label': t('reg.audit_site'), text: u.site || t('reg.all_sites') }),
          h('td', { 'data-label': t('adm.col_status'), text: (u.active === false ? t('adm.inactive') : t('adm.active')) +
            (u.password_change_required ? ' · ' + t('adm.must_change') : '') }),
          h('td', { class: 'cell-open' }, me ? h('span', { class: 'hint', text: t('adm.you') }) : [
            h('button', { type: 'button', class: 'btn btn-small', 'data-act': u.active === false ? 'activate' : 'deactivate',
              text: u.active === false ? t('adm.activate') : t('adm.deactivate'),
              'aria-label': t(u.active === false ? 'adm.activate_user' : 'adm.deactivate_user', { user: u.username }),
              onclick: function () { userAct(u, u.active === false ? 'activate' : 'deactivate'); } }), ' ',
            h('button', { type: 'button', class: 'btn btn-small', 'data-act': 'reset', text: t('adm.reset'),
              'aria-label': t('adm.reset_user', { user: u.username }), onclick: function () { userAct(u, 'password'); } })]));
      })))));
    /* add a user */
    var un = h('input', { type: 'text', id: 'adm-username', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', required: true });
    var dn = h('input', { type: 'text', id: 'adm-display', autocomplete: 'off' });
    var role = h('select', { id: 'adm-role' }, ['clinician', 'coordinator', 'researcher', 'admin'].map(function (r) {
      return h('option', { value: r, text: t('role.' + r, null, r) }); }));
    var site = h('select', { id: 'adm-site' }, h('option', { value: '', text: t('adm.no_site') }),
      sites.map(function (x) { return h('option', { value: x, text: x }); }));
    var pw = h('input', { type: 'password', id: 'adm-password', autocomplete: 'new-password', 'aria-describedby': 'adm-password-hint' });
    var uf = h('form', { class: 'reg-form adm-form', id: 'adm-user-form', novalidate: true, 'aria-labelledby': 'adm-user-h' },
      h('h3', { id: 'adm-user-h', text: t('adm.add_user') }),
      h('div', { class: 'grid' },
        h('div', { class: 'field' }, h('label', { for: 'adm-username', text: t('reg.username') }), un),
        h('div', { class: 'field' }, h('label', { for: 'adm-display', text: t('adm.display') }), dn),
        h('div', { class: 'field' }, h('label', { for: 'adm-role', text: t('adm.col_role') }), role),
        h('div', { class: 'field' }, h('label', { for: 'adm-site', text: t('reg.audit_site') }), site),
        h('div', { class: 'field' }, h('label', { for: 'adm-password', text: t('adm.password') }), pw,
          h('p', { class: 'hint', id: 'adm-password-hint', text: t('adm.password_hint') }))),
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'adm-user-add', text: t('adm.add_user') }));
    uf.addEventListener('submit', function (e) {
      e.preventDefault();
      var body = { username: un.value.trim(), role: role.value };
      if (dn.value.trim()) body.display_name = dn.value.trim();
      if (site.value) body.site = site.value;
      if (pw.value) body.password = pw.value;
      api('POST', '/users', body).then(function (r) {
        if (r.status !== 201 && r.status !== 200) { admMsg(errText(r), true); return; }
        if (r.body && r.body.one_time_password) oneTime(body.username, r.body.one_time_password);
        R.admMsg = { text: t('adm.user_added', { user: body.username }), bad: false };
        loadAdmin().then(function () { var o = $('adm-onetime') || $('adm-msg'); if (o) o.focus(); });
      });
    });
    box.appendChild(uf);
    /* sites */
    box.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table', id: 'adm-sites' },
      h('caption', { text: t('adm.sites') }),
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: t('adm.site_code') }), h('th', { scope: 'col', text: t('adm.site_name') }))),
      h('tbody', null, (R.sites || []).map(function (x) {
        return h('tr', { 'data-site': x.code || x }, h('th', { scope: 'row', text: x.code || x }), h('td', { text: x.name || '' }));
      })))));
    var sc = h('input', { type: 'text', id: 'adm-site-code', autocomplete: 'off', autocapitalize: 'none', required: true });
    var sn = h('input', { type: 'text', id: 'adm-site-name', autocomplete: 'off', required: true });
    var sf = h('form', { class: 'reg-form adm-form', id: 'adm-site-form', novalidate: true, 'aria-labelledby': 'adm-site-h' },
      h('h3', { id: 'adm-site-h', text: t('adm.add_site') }),
      h('div', { class: 'grid' },
        h('div', { class: 'field' }, h('label', { for: 'adm-site-code', text: t('adm.site_code') }), sc),
        h('div', { class: 'field' }, h('label', { for: 'adm-site-name', text: t('adm.site_name') }), sn)),
      h('button', { type: 'submit', class: 'btn', id: 'adm-site-add', text: t('adm.add_site') }));
    sf.addEventListener('submit', function (e) {
      e.preventDefault();
      api('POST', '/sites', { code: sc.value.trim(), name: sn.value.trim() }).then(function (r) {
        if (r.status !== 201 && r.status !== 200) { admMsg(errText(r), true); return; }
        R.admMsg = { text: t('adm.site_added', { site: sc.value.trim() }), bad: false };
        loadAdmin().then(function () { var m = $('adm-msg'); if (m) m.focus(); });
      });
    });
    box.appendChild(sf);
  }
  function userAct(u, act) {
    var q = act === 'password' ? 'adm.reset_confirm' : act === 'deactivate' ? 'adm.deactivate_confirm' : null;
    if (q && !window.confirm(t(q, { user: u.username }))) return;
    api('POST', '/users/' + encodeURIComponent(u.username) + '/' + act).then(function (r) {
      if (r.status !== 200 && r.status !== 201) { admMsg(errText(r), true); return; }
      if (act === 'password' && r.body && r.body.one_time_password) oneTime(u.username, r.body.one_time_password);
      R.admMsg = { text: t('adm.done_' + act, { user: u.username }), bad: false };
      loadAdmin().then(function () { var o = $('adm-onetime') || $('adm-msg'); if (o) o.focus(); });
    });
  }

  /* ---------- audit report ---------- */
  function renderAudit() {
    var box = $('view-audit');
    if (!R.month) R.month = thisMonth();
    if (!R.sites) {
      R.sites = [];
      api('GET', '/sites').then(function (r) {
        if (r.status === 200) R.sites = r.body.sites || [];
        if (R.view === 'audit') renderAudit();
      });
    }
    clear(box);
    box.appendChild(h('h2', { id: 'audit-h', text: t('reg.audit_heading') }));
    var sites = R.sites.map(function (s) { return s.code || s; });
    if (clinical()) sites = [R.user.site];
    if (!R.site || sites.indexOf(R.site) < 0) R.site = clinical() ? R.user.site : '';
    var siteSel = h('select', { id: 'audit-site', disabled: clinical() },
      clinical() ? null : h('option', { value: '', text: t('reg.all_sites') }),
      sites.map(function (s) { return h('option', { value: s, text: s, selected: s === R.site }); }));
    var month = h('input', { type: 'month', id: 'audit-month', value: R.month, required: true });
    var f = h('form', { class: 'audit-form', id: 'audit-form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'audit-site', text: t('reg.audit_site') }), siteSel),
      h('div', { class: 'field' }, h('label', { for: 'audit-month', text: t('reg.audit_month') }), month),
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'audit-go', text: t('reg.audit_show') }));
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!/^\d{4}-\d{2}$/.test(month.value)) { regSay(t('reg.audit_month_bad')); month.focus(); return; }
      R.month = month.value; R.site = siteSel.value;
      api('GET', reportUrl()).then(function (r) {
        R.report = r.status === 200 ? r.body : { error: errText(r) };
        renderAudit();
        var o = $('audit-out'); if (o) o.focus();
        regSay(R.report.error || t('reg.audit_loaded', { month: R.month }));
      });
    });
    box.appendChild(f);
    if (R.report) box.appendChild(auditOut(R.report));
  }
  function reportUrl() { return '/audit/report?month=' + encodeURIComponent(R.month) + (R.site ? '&site=' + encodeURIComponent(R.site) : ''); }
  function auditOut(a) {
    var out = h('div', { id: 'audit-out', tabindex: '-1', class: 'audit-out' });
    if (a.error) { out.appendChild(h('p', { class: 'err', role: 'alert', text: a.error })); return out; }
    out.appendChild(h('h3', { text: t('reg.audit_for', { site: a.site || t('reg.all_sites'), month: a.month }) }));
    var bu = a.by_urgency || {};
    out.appendChild(h('dl', { class: 'counts', id: 'audit-counts' }, [
      ['reg.count_cases', a.cases], ['reg.urgency_emergency', bu.emergency], ['reg.urgency_urgent', bu.urgent],
      ['reg.urgency_routine', bu.routine], ['reg.count_treated', a.treated]].map(function (p) {
      return h('div', null, h('dt', { text: t(p[0]) }), h('dd', { text: String(p[1] === undefined ? '–' : p[1]) }));
    })));
    var tg = a.targets || {};
    out.appendChild(h('figure', { class: 'chart' }, chart(tg), h('figcaption', { text: t('reg.chart_caption') })));
    out.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table', id: 'audit-targets' },
      h('caption', { text: t('reg.targets_heading') }),
      h('thead', null, h('tr', null, ['reg.col_target', 'reg.col_num', 'reg.col_den', 'reg.col_share', 'reg.col_pending',
        'reg.col_missed', 'reg.col_breached'].map(function (k) { return h('th', { scope: 'col', text: t(k) }); }))),
      h('tbody', null, TARGETS.map(function (k) {
        var x = tg[k] || {};
        return h('tr', null, h('th', { scope: 'row', text: t('target.' + k, null, k) }),
          h('td', { class: 'num', text: String(x.numerator) }), h('td', { class: 'num', text: String(x.denominator) }),
          h('td', { class: 'num', text: pct(x.share) }), h('td', { class: 'num', text: String(x.pending) }),
          h('td', { class: 'num', text: String(x.missed) }), h('td', { class: 'num', text: String(x.breached) }));
      })))));
    var iv = a.intervals || {};
    out.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table', id: 'audit-intervals' },
      h('caption', { text: t('reg.intervals_heading') }),
      h('thead', null, h('tr', null, ['reg.col_interval', 'reg.col_n', 'reg.col_median', 'reg.col_q1', 'reg.col_q3'].map(function (k) {
        return h('th', { scope: 'col', text: t(k) }); }))),
      h('tbody', null, INTERVALS.map(function (k) {
        var x = iv[k] || {};
        return h('tr', null, h('th', { scope: 'row', text: t('interval.' + k, null, pretty(k)) }),
          h('td', { class: 'num', text: String(x.n === undefined ? 0 : x.n) }), h('td', { class: 'num', text: fmtHours(x.median_hours) }),
          h('td', { class: 'num', text: fmtHours(x.q1_hours) }), h('td', { class: 'num', text: fmtHours(x.q3_hours) }));
      })))));
    /* the cases behind each missed target (the site's own staff only: the server sends the list to them) */
    var nm = [];
    TARGETS.forEach(function (k) { ((tg[k] || {}).not_met_cases || []).forEach(function (x) { nm.push({ k: k, id: x.id, state: x.state }); }); });
    if (TARGETS.some(function (k) { return Array.isArray((tg[k] || {}).not_met_cases); })) {
      out.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table stack', id: 'audit-missed' },
        h('caption', { text: t('reg.missed_heading') }),
        h('thead', null, h('tr', null, ['reg.col_target', 'reg.col_patient', 'reg.col_state', 'reg.col_open'].map(function (k) {
          return h('th', { scope: 'col', text: t(k) }); }))),
        h('tbody', null, nm.length ? nm.map(function (x) {
          return h('tr', { 'data-case': x.id, 'data-target': x.k },
            h('th', { scope: 'row', 'data-label': t('reg.col_target'), text: t('target.' + x.k, null, x.k) }),
            h('td', { 'data-label': t('reg.col_patient'), text: t('reg.case_no', { id: x.id }) }),
            h('td', { 'data-label': t('reg.col_state') }, h('span', { class: 'state state-' + x.state, text: t('reg.state_' + x.state, null, x.state) })),
            h('td', { class: 'cell-open' }, h('button', { type: 'button', class: 'btn btn-small', text: t('reg.open'),
              'aria-label': t('reg.open_case', { id: x.id }), onclick: function () { openCase(x.id); } })));
        }) : h('tr', null, h('td', { colspan: 4, text: t('reg.missed_none') }))))));
    }
    var base = 'spinemets-audit-' + (a.site || 'all') + '-' + a.month;
    out.appendChild(h('p', { class: 'row' },
      h('a', { href: 'data:text/csv;charset=utf-8,' + encodeURIComponent(auditCsv(a, nm)), download: base + '.csv', id: 'audit-csv',
        class: 'btn', text: t('reg.audit_csv') }),
      h('a', { href: API + reportUrl(), download: base + '.json', id: 'audit-json', text: t('reg.audit_json') })));
    out.appendChild(h('p', { class: 'hint', text: t('reg.audit_note', { engine: a.engine_version || '', at: fmtTime(a.generated_at) }) }));
    return out;
  }
  /* the report as CSV (one block per table; numbers as the API gives them) */
  function auditCsv(a, nm) {
    function cell(v) { v = v === null || v === undefined ? '' : String(v); return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; }
    function line(xs) { return xs.map(cell).join(','); }
    var tg = a.targets || {}, iv = a.intervals || {}, L = [];
    L.push(line([t('reg.audit_site'), t('reg.audit_month'), t('reg.count_cases'), t('reg.count_treated')]));
    L.push(line([a.site || t('reg.all_sites'), a.month, a.cases, a.treated]), '');
    L.push(line(['target', t('reg.col_num'), t('reg.col_den'), t('reg.col_share'), t('reg.col_pending'), t('reg.col_missed'), t('reg.col_breached')]));
    TARGETS.forEach(function (k) { var x = tg[k] || {}; L.push(line([k, x.numerator, x.denominator, x.share, x.pending, x.missed, x.breached])); });
    L.push('', line(['interval', 'n', 'median_hours', 'q1_hours', 'q3_hours']));
    INTERVALS.forEach(function (k) { var x = iv[k] || {}; L.push(line([k, x.n, x.median_hours, x.q1_hours, x.q3_hours])); });
    if (nm.length) {
      L.push('', line(['target', 'case', 'state']));
      nm.forEach(function (x) { L.push(line([x.k, x.id, x.state])); });
    }
    return L.join('\r\n') + '\r\n';
  }
  function pct(x) { return x === null || x === undefined ? '–' : Math.round(x * 1000) / 10 + ' %'; }
  /* a hand-made horizontal bar chart of the share within target, per target */
  function chart(tg) {
    var W = 360, rowH = 34, left = 84, barW = W - left - 78, top = 8, H = top + TARGETS.length * rowH + 22;
    var desc = TARGETS.map(function (k) {
      var x = tg[k] || {};
      return t('target.' + k, null, k) + ': ' + (x.share === null || x.share === undefined ? t('reg.no_data') : pct(x.share) + ' (' + x.numerator + '/' + x.denominator + ')');
    }).join('; ');
    var svg = hs('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'bar-chart', id: 'audit-chart', role: 'img', 'aria-label': t('reg.chart_title') + ': ' + desc },
      hs('title', null, t('reg.chart_title')));
    [0, 50, 100].forEach(function (p) {
      var x = left + barW * p / 100;
      svg.appendChild(hs('line', { x1: x, x2: x, y1: top - 4, y2: H - 18, class: 'grid' }));
      svg.appendChild(hs('text', { x: x, y: H - 4, 'text-anchor': 'middle', class: 'axis' }, p + '%'));
    });
    TARGETS.forEach(function (k, i) {
      var x = tg[k] || {}, y = top + i * rowH;
      svg.appendChild(hs('text', { x: left - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'lab' }, t('target.' + k, null, k)));
      svg.appendChild(hs('rect', { x: left, y: y + 6, width: barW, height: rowH - 14, class: 'track' }));
      var has = x.share !== null && x.share !== undefined;
      if (has) svg.appendChild(hs('rect', { x: left, y: y + 6, width: Math.max(0, Math.min(1, x.share)) * barW, height: rowH - 14,
        class: 'bar ' + (x.share >= 0.9 ? 'bar-ok' : x.share >= 0.5 ? 'bar-mid' : 'bar-bad'), 'data-target': k }));
      svg.appendChild(hs('text', { x: left + barW + 6, y: y + rowH / 2 + 4, class: 'val' }, has ? pct(x.share) : t('reg.no_data')));
    });
    return svg;
  }

  function regRender() {
    renderAccount();
    showView(R.view, true);
  }
  function regStart() {
    document.querySelectorAll('.view-link').forEach(function (a) {
      a.addEventListener('click', function (e) { e.preventDefault(); showView(a.getAttribute('data-view')); });
    });
    window.addEventListener('hashchange', function () {
      var v = location.hash.slice(1);
      if (VIEWS.indexOf(v) >= 0 && v !== R.view) showView(v, true);
    });
    var want = location.hash.slice(1);
    R.view = VIEWS.indexOf(want) >= 0 ? want : 'assess';
    var known = null;
    try { known = localStorage.getItem('spinemets.user'); } catch (e) { /* ignore */ }
    /* ask the server only when this browser logged in before (no 401 noise otherwise) */
    var p = known ? api('GET', '/me').then(function (r) {
      if (r.status === 200) R.user = r.body.user;
      else if (r.status === 403 && r.body && r.body.error && r.body.error.code === 'password_change_required') { R.user = { username: known, role: '' }; R.pwChange = true; }
    }).catch(function () { /* offline registry: the assessment still works */ }) : Promise.resolve();
    return p.then(function () { renderAccount(); showView(R.view, true); });
  }

  /* ---------- language, examples, toolbar ---------- */
  function applyStatic() {
    document.querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = t(el.getAttribute('data-i18n')); });
    document.querySelectorAll('[data-i18n-label]').forEach(function (el) {
      el.setAttribute('aria-label', t(el.getAttribute('data-i18n-label')));
    });
    document.title = t('app.title') + ': ' + t('app.subtitle');
    $('footer').textContent = t('app.footer', { version: S.version });
    var ex = $('example-select'), keep = ex.value;
    clear(ex);
    ex.appendChild(h('option', { value: '', text: t('toolbar.example_choose') }));
    S.examples.forEach(function (e) { ex.appendChild(h('option', { value: e.id, text: t('example.' + e.id, null, e.id) })); });
    ex.value = keep;
    renderPrintHead();
  }

  function loadLanguage(code) {
    var meta = S.languages.filter(function (l) { return l.code === code; })[0] || S.languages[0];
    var p = meta.code === 'en' ? Promise.resolve(S.english) : getJSON('/i18n/' + meta.file);
    return p.then(function (strings) {
      S.strings = strings; S.lang = meta.code;
      document.documentElement.lang = meta.code;
      document.documentElement.dir = meta.dir || 'ltr';
      $('digits-wrap').hidden = !meta.digits; /* a language with its own digits: the reader may choose them */
      $('digits-native').checked = S.digits === 'native';
      try { localStorage.setItem('spinemets.lang', meta.code); } catch (e) { /* private mode */ }
      $('lang-select').value = meta.code;
    });
  }

  function rerender() {
    applyStatic();
    renderForm();
    renderResults();
    if (S.errors.length) showInvalid();
    regRender();
  }

  function loadCase(c) {
    S.kase = JSON.parse(JSON.stringify(c || {}));
    delete S.kase.schema;
    S.errors = []; S.local = {}; S.last = null; S.dirty = false;
    renderForm();
    renderResults();
    assess();
  }

  function bindToolbar() {
    $('example-load').addEventListener('click', function () {
      var id = $('example-select').value;
      var ex = S.examples.filter(function (e) { return e.id === id; })[0];
      if (!ex) { $('example-select').focus(); return; }
      if (!mayLeave()) return;
      var closed = R.open ? R.open.id : null;
      closeCase();
      /* an example is a teaching case: its pathway events (dated long ago) never reach the registry */
      var c = JSON.parse(JSON.stringify(ex.case));
      delete c.events;
      loadCase(c);
      renderPanel();
      say(t('example.loaded', { title: t('example.' + id) }) + (closed ? ' ' + t('guard.closed', { id: closed }) : ''));
    });
    $('new-case').addEventListener('click', function () { newCase(true); });
    $('print').addEventListener('click', function () { renderPrintHead(); window.print(); });
    $('handout').addEventListener('click', function () { showView('handout'); var hd = $('handout-h'); if (hd) { hd.setAttribute('tabindex', '-1'); hd.focus(); } });
    /* the printed report has the triage card in the results, whatever the screen width */
    window.addEventListener('beforeprint', function () { S.printing = true; renderPrintHead(); if (S.last) renderResults(); });
    window.addEventListener('afterprint', function () { S.printing = false; if (S.last) renderResults(); });
    $('digits-native').addEventListener('change', function () {
      S.digits = $('digits-native').checked ? 'native' : 'latn';
      try { localStorage.setItem('spinemets.digits', S.digits); } catch (e) { /* ignore */ }
      rerender();
    });
    $('lang-select').addEventListener('change', function () {
      loadLanguage($('lang-select').value).then(rerender);
    });
  }

  /* the wrong-patient guard: anything that replaces the form first asks when there are unsaved changes */
  function mayLeave() {
    if (!S.dirty) return true;
    return window.confirm(R.open ? t('guard.unsaved_open', { id: R.open.id }) : t('guard.unsaved_new'));
  }
  function closeCase() {
    R.open = null; R.conflict = null; R.versions = null; R.ids = {}; R.creating = false; R.reason = '';
  }
  function newCase(focus) {
    if (!mayLeave()) return false;
    $('example-select').value = '';
    closeCase();
    renderPanel();
    loadCase({});
    if (focus) {
      var first = document.querySelector('#form-body input, #form-body select, #form-body button');
      if (first) first.focus();
    }
    return true;
  }

  function start() {
    bindToolbar();
    try { S.digits = localStorage.getItem('spinemets.digits') || 'latn'; } catch (e) { S.digits = 'latn'; }
    if (WIDE) {
      var onWide = function () { if (document.body.getAttribute('data-ready') === 'true') { renderResults(); if (S.errors.length) showInvalid(); } };
      [WIDE, PRINT].forEach(function (m) {
        if (m.addEventListener) m.addEventListener('change', onWide); else if (m.addListener) m.addListener(onWide);
      });
    }
    Promise.all([getJSON('/i18n/index.json'), getJSON('/i18n/en.json'), getJSON(API + '/instruments'),
      getJSON('/examples.json')])
      .then(function (all) {
        S.languages = all[0].languages;
        S.english = all[1];
        all[2].instruments.forEach(function (i) { S.instruments[i.name] = i; });
        S.histologies = all[2].histologies;
        S.version = all[2].engine_version;
        S.examples = all[3].examples;
        var ls = $('lang-select');
        S.languages.forEach(function (l) { ls.appendChild(h('option', { value: l.code, text: l.name })); });
        var want = null;
        try { want = localStorage.getItem('spinemets.lang'); } catch (e) { /* ignore */ }
        if (!want) {
          var nav = (navigator.language || 'en').slice(0, 2);
          want = S.languages.some(function (l) { return l.code === nav; }) ? nav : 'en';
        }
        return loadLanguage(want);
      })
      .then(function () {
        applyStatic();
        renderForm();
        renderResults();
        return regStart();
      })
      .then(function () {
        document.body.setAttribute('data-ready', 'true');
        /* newer case keys: asked of the engine once the page is usable; the form gains them
           now if nothing was typed yet, else at the next render (an example, a new case) */
        /* the rules list (sections and sources behind "Details") is not needed to start */
        getJSON(API + '/rules').then(function (j) {
          j.rules.forEach(function (r) { S.rules[r.id] = r; });
          if (S.last) renderResults();
        }).catch(function () { /* the ids still show */ });
        probeKeys().then(function () {
          var any = Object.keys(S.knownKeys).some(function (k) { return S.knownKeys[k]; });
          if (any && !S.dirty && isEmptyCase()) renderForm();
        });
      })
      .catch(function (e) {
        $('form-body').textContent = (S.english['app.load_failed'] || '{error}').replace('{error}', e.message || String(e));
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
