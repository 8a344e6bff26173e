// faultline report: the page's code.  Reads the data block (#fl-data, made
// by emu/trace/reportdata.c: deflated, base64; a JSON dictionary then
// delta-coded int32 columns), then draws the timeline, the memory panel,
// the filters, the process tree and the tables.  Plain JS, no library.
'use strict';

const COLOURS = ['#4e79a7', '#59a14f', '#8cd17d', '#e15759', '#ff9d9a', '#b07aa1',
  '#f28e2b', '#bab0ac', '#9c755f', '#000000', '#edc948'];
const LABEL_W = 200;      // band labels, CSS px
const AXIS_H = 22;        // the x axis under the timeline
const LANE_HEAD = 16;     // a lane's title
const $ = (id) => document.getElementById(id);

const S = {               // the page's state
  meta: null, n: 0, c: null,       // dictionaries, event count, columns
  pidx: null, frac: null,          // per event: process index, place in its band (0..1)
  kindOn: null, procOn: null, areaOn: null,
  pass: null, memSum: null,        // per event: shown?, resident pages of shown processes
  counts: null,
  v0: 0, v1: 1, smin: 0, smax: 1,  // the view and the whole, in seq
  bandTop: null, bandH: 0, lanes: [], plotH: 0,
  grid: null, gw: 0, gh: 0, dpr: 1,
  pinned: -1, hover: -1, drag: null, queued: false,
};

async function decode() {
  const text = $('fl-data').textContent.trim();
  const bin = atob(text);
  const u8 = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
  const stream = new Blob([u8]).stream().pipeThrough(new DecompressionStream('deflate'));
  const buf = await new Response(stream).arrayBuffer();
  const jlen = new DataView(buf).getUint32(0, true);
  const meta = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, jlen)));
  const head = 4 + ((jlen + 3) & ~3), n = meta.events, c = {};
  meta.cols.forEach((name, k) => {
    const a = new Int32Array(buf, head + k * n * 4, n);
    let acc = 0;
    for (let i = 0; i < n; i++) { acc = (acc + a[i]) | 0; a[i] = acc; }
    c[name] = a;
  });
  return { meta, n, c };
}

function fmt(x) { return String(x); }
function hex12(v) { return '0x' + v.toString(16).padStart(12, '0'); }
function vpn(i) { return (S.c.vpn_hi[i] >>> 0) * 4294967296 + (S.c.vpn_lo[i] >>> 0); }
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) {
    if (k === 'class') e.className = attrs[k]; else if (k.startsWith('on')) e.addEventListener(k.slice(2), attrs[k]);
    else e.setAttribute(k, attrs[k]);
  }
  for (const k of kids) e.append(k);
  return e;
}

// --- set-up ----------------------------------------------------------------------------

function prepare() {
  const { meta, n, c } = S;
  let maxPid = 0;
  for (const p of meta.procs) maxPid = Math.max(maxPid, p.pid);
  const byPid = new Int32Array(maxPid + 1).fill(-1);
  meta.procs.forEach((p, k) => { byPid[p.pid] = k; });
  S.byPid = byPid;
  S.pidx = new Int32Array(n);
  S.frac = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    S.pidx[i] = byPid[c.pid[i]];
    const b = meta.bands[c.band[i]];
    S.frac[i] = (vpn(i) - b[2] + 0.5) / (b[3] - b[2]);
  }
  S.kindOn = new Uint8Array(meta.kinds.length).fill(1);
  S.procOn = new Uint8Array(meta.procs.length).fill(1);
  S.areaOn = new Uint8Array(meta.areas.length).fill(1);
  S.pass = new Uint8Array(n);
  S.memSum = new Int32Array(n);
  S.smin = n ? c.seq[0] : 0;
  S.smax = n ? c.seq[n - 1] + 1 : 1;
  S.v0 = S.smin; S.v1 = S.smax;
  S.exits = meta.records.filter((r) => r.kind === 'exit');
}

// One pass over the events: which are shown, the counts each filter shows
// (events that pass the other two filters), the tables, the memory sums.
function recount() {
  const { meta, n, c, pidx, kindOn, procOn, areaOn } = S;
  const K = meta.kinds.length, P = meta.procs.length, A = meta.areas.length;
  const ck = new Float64Array(K), cp = new Float64Array(P), ca = new Float64Array(A);
  const ak = new Float64Array(A * K), kk = new Float64Array(K);
  const rss = new Float64Array(P);
  let shown = 0, sum = 0, x = 0;
  const exits = S.exits;
  for (let i = 0; i < n; i++) {
    const k = c.kind[i], p = pidx[i], a = c.area[i];
    const ok = kindOn[k], op = procOn[p], oa = areaOn[a];
    if (op && oa) ck[k]++;
    if (ok && oa) cp[p]++;
    if (ok && op) ca[a]++;
    const pass = ok & op & oa;
    S.pass[i] = pass;
    if (pass) { shown++; ak[a * K + k]++; kk[k]++; }
    while (x < exits.length && exits[x].at < c.seq[i]) {   // a process's pages go at its exit
      const q = S.byPid[exits[x++].pid];
      if (q >= 0 && procOn[q]) { sum -= rss[q]; rss[q] = 0; }
    }
    if (op && c.pid[i]) { sum += c.rss[i] - rss[p]; rss[p] = c.rss[i]; }
    S.memSum[i] = sum;
  }
  S.counts = { ck, cp, ca, ak, kk, shown };
}

// --- filters -------------------------------------------------------------------------------

function filterRow(group, k, name, colour, title) {
  const box = el('input', { type: 'checkbox', 'data-group': group, 'data-index': String(k) });
  box.checked = true;
  box.addEventListener('change', () => { S[group + 'On'][k] = box.checked ? 1 : 0; refilter(); });
  const row = el('label', { title: title || name }, box);
  if (colour) row.append(el('span', { class: 'sw', style: 'background:' + colour }));
  row.append(el('span', { class: 'name' }, name), el('span', { class: 'count' }, ''));
  return row;
}

function buildFilters() {
  const { meta } = S;
  const fk = $('f-kind'), fp = $('f-proc'), fa = $('f-area');
  meta.kinds.forEach((name, k) => {
    const r = filterRow('kind', k, name, COLOURS[k]);
    r.querySelector('input').dataset.kind = name;
    fk.append(r);
  });
  meta.procs.forEach((p, k) => fp.append(filterRow('proc', k, p.pid ? `${p.pid} ${p.name}` : 'page cache (no process)')));
  // areas by their events, most first
  const tot = new Float64Array(meta.areas.length);
  for (let i = 0; i < S.n; i++) tot[S.c.area[i]]++;
  const order = meta.areas.map((_, k) => k).sort((a, b) => tot[b] - tot[a] || (meta.areas[a] < meta.areas[b] ? -1 : 1));
  for (const k of order) {
    const r = filterRow('area', k, meta.areas[k]);
    r.querySelector('input').dataset.area = meta.areas[k];
    fa.append(r);
  }
  $('area-search').addEventListener('input', (e) => {
    const q = e.target.value.toLowerCase();
    for (const row of fa.children) row.hidden = q !== '' && !row.textContent.toLowerCase().includes(q);
  });
  for (const t of document.querySelectorAll('.tools')) {
    const g = t.dataset.group;
    t.querySelector('[data-all]').addEventListener('click', () => setGroup(g, 1));
    t.querySelector('[data-none]').addEventListener('click', () => setGroup(g, 0));
  }
}

function setGroup(g, on, only) {
  const arr = S[g + 'On'];
  for (let k = 0; k < arr.length; k++) arr[k] = only === undefined ? on : (k === only ? 1 : 0);
  for (const box of document.querySelectorAll(`input[data-group="${g}"]`)) {
    // a hidden area row keeps its state when "all" or "none" is for the shown ones
    box.checked = !!arr[+box.dataset.index];
  }
  refilter();
}

function showCounts() {
  const { ck, cp, ca, shown } = S.counts;
  const put = (id, counts) => {
    for (const row of $(id).children) {
      const k = +row.querySelector('input').dataset.index;
      row.querySelector('.count').textContent = fmt(counts[k]);
      row.classList.toggle('zero', counts[k] === 0);
    }
  };
  put('f-kind', ck); put('f-proc', cp); put('f-area', ca);
  $('shown').textContent = fmt(shown);
}

function refilter() {
  recount();
  showCounts();
  layout();
  tables();
  redraw();
}

// --- layout of the timeline --------------------------------------------------------------------

// Lanes of the shown processes (the page cache last), bands of the shown
// areas in each, highest address on top.
function layout() {
  const { meta } = S;
  const lanes = [];
  const order = meta.procs.map((p, k) => k).filter((k) => S.procOn[k] && meta.procs[k].events > 0);
  order.sort((a, b) => (meta.procs[a].pid === 0) - (meta.procs[b].pid === 0) || meta.procs[a].pid - meta.procs[b].pid);
  let nb = 0;
  for (const k of order) {
    const pid = meta.procs[k].pid, bands = [];
    meta.bands.forEach((b, i) => { if (b[0] === pid && S.areaOn[b[1]]) bands.push(i); });
    if (!bands.length) continue;
    bands.reverse();
    lanes.push({ k, bands });
    nb += bands.length;
  }
  const avail = Math.max(240, Math.min(620, window.innerHeight - 260)) - lanes.length * LANE_HEAD;
  S.bandH = Math.max(7, Math.min(44, Math.floor(avail / Math.max(1, nb))));
  S.bandTop = new Float64Array(meta.bands.length).fill(-1);
  let y = 4;
  for (const lane of lanes) {
    lane.top = y;
    y += LANE_HEAD;
    for (const b of lane.bands) { S.bandTop[b] = y; y += S.bandH; }
    lane.bottom = y;
    y += 4;
  }
  S.lanes = lanes;
  S.plotH = Math.max(y, 60);
}

// --- drawing -----------------------------------------------------------------------------------

function lowerBound(a, v) {
  let lo = 0, hi = a.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (a[m] < v) lo = m + 1; else hi = m; }
  return lo;
}

function redraw() {
  if (S.queued) return;
  S.queued = true;
  requestAnimationFrame(() => { S.queued = false; drawTimeline(); drawMemory(); showRange(); });
}

function showRange() {
  const a = Math.max(S.smin, Math.ceil(S.v0)), b = Math.min(S.smax - 1, Math.ceil(S.v1) - 1);
  $('range').textContent = `${fmt(a)}–${fmt(b)}`;
}

function canvasSize(cv, cssH) {
  const dpr = window.devicePixelRatio || 1, w = cv.clientWidth || 800;
  cv.style.height = cssH + 'px';
  if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(cssH * dpr)) {
    cv.width = Math.round(w * dpr); cv.height = Math.round(cssH * dpr);
  }
  return { w, h: cssH, dpr };
}

function rgb(hex) { return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)]; }
const RGB = COLOURS.map(rgb);

// Each event lands on a cell of the device-pixel grid (the last one drawn
// there wins, and is what a hover finds); cells are then painted as
// squares whose size shrinks as the view holds more events.
function drawTimeline() {
  const cv = $('timeline');
  const { w, h, dpr } = canvasSize(cv, S.plotH + AXIS_H);
  const ctx = cv.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, cv.width, cv.height);
  const gx = Math.round(LABEL_W * dpr), gw = Math.max(1, cv.width - gx - Math.round(8 * dpr));
  const gh = Math.round(S.plotH * dpr);
  if (!S.grid || S.grid.length < gw * gh) { S.grid = new Int32Array(gw * gh); S.cells = new Int32Array(gw * gh); }
  const grid = S.grid, cells = S.cells;
  grid.fill(0, 0, gw * gh);
  S.gw = gw; S.gh = gh; S.gx = gx; S.dpr = dpr;
  const { c, pass, frac, bandTop, bandH } = S;
  const lo = lowerBound(c.seq, Math.floor(S.v0)), hi = lowerBound(c.seq, Math.ceil(S.v1));
  const span = S.v1 - S.v0, sx = gw / span;
  let drawn = 0, used = 0;
  for (let i = lo; i < hi; i++) {
    if (!pass[i]) continue;
    const top = bandTop[c.band[i]];
    if (top < 0) continue;
    const px = ((c.seq[i] - S.v0 + 0.5) * sx) | 0;
    const py = ((top + 2 + (bandH - 4) * (1 - frac[i])) * dpr) | 0;
    if (px < 0 || px >= gw || py < 0 || py >= gh) continue;
    const cell = py * gw + px;
    if (!grid[cell]) cells[used++] = cell;
    grid[cell] = i + 1;
    drawn++;
  }
  const m = Math.max(1, Math.round((drawn < 3000 ? 4 : drawn < 60000 ? 3 : 2) * dpr));
  if (!S.img || S.img.width !== gw || S.img.height !== gh) S.img = ctx.createImageData(gw, gh);
  const img = S.img, px8 = img.data;
  px8.fill(0);
  const off = m >> 1;
  for (let u = 0; u < used; u++) {
    const cell = cells[u], x = cell % gw, y = (cell - x) / gw;
    const col = RGB[c.kind[grid[cell] - 1]];
    const y0 = Math.max(0, y - off), y1 = Math.min(gh, y - off + m);
    const x0 = Math.max(0, x - off), x1 = Math.min(gw, x - off + m);
    for (let yy = y0; yy < y1; yy++) {
      for (let o = (yy * gw + x0) * 4, e = (yy * gw + x1) * 4; o < e; o += 4) {
        px8[o] = col[0]; px8[o + 1] = col[1]; px8[o + 2] = col[2]; px8[o + 3] = 255;
      }
    }
  }
  ctx.scale(dpr, dpr);
  drawBands(ctx, w);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  // putImageData replaces pixels: the marks go through a second canvas so
  // that the bands stay under them
  if (!S.off) S.off = document.createElement('canvas');
  if (S.off.width !== gw || S.off.height !== gh) { S.off.width = gw; S.off.height = gh; }
  S.off.getContext('2d').putImageData(img, 0, 0);
  ctx.drawImage(S.off, gx, 0);
  ctx.scale(dpr, dpr);
  drawAxis(ctx, LABEL_W, S.plotH, w - LABEL_W - 8);
  const mark = S.pinned >= 0 ? S.pinned : S.hover;
  if (mark >= 0 && pass[mark] && bandTop[c.band[mark]] >= 0) {
    const x = LABEL_W + (c.seq[mark] - S.v0 + 0.5) * sx / dpr;
    const y = bandTop[c.band[mark]] + 2 + (bandH - 4) * (1 - frac[mark]);
    ctx.strokeStyle = '#1d2330'; ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.arc(x, y, 6, 0, 2 * Math.PI); ctx.stroke();
  }
}

function drawBands(ctx, w) {
  const { meta } = S;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (const lane of S.lanes) {
    const p = meta.procs[lane.k];
    ctx.fillStyle = '#1d2330';
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.fillText(p.pid ? `pid ${p.pid}  ${p.name}` : 'page cache', 4, lane.top + LANE_HEAD / 2 + 1);
    ctx.font = '11px system-ui, sans-serif';
    lane.bands.forEach((b, j) => {
      const y = S.bandTop[b];
      ctx.fillStyle = j % 2 ? '#f3f5f8' : '#e7ebf1';
      ctx.fillRect(LABEL_W, y, w - LABEL_W - 8, S.bandH);
      if (S.bandH >= 10) {
        ctx.fillStyle = '#445';
        const name = meta.areas[meta.bands[b][1]];
        ctx.fillText(name.length > 30 ? name.slice(0, 29) + '…' : name, 12, y + S.bandH / 2);
      }
    });
  }
}

function tickStep(span, px) {
  const raw = span / Math.max(1, px / 90), p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function drawAxis(ctx, x0, y0, width) {
  const span = S.v1 - S.v0, step = Math.max(1, tickStep(span, width));
  ctx.fillStyle = '#667085'; ctx.strokeStyle = '#c4c9d2'; ctx.lineWidth = 1;
  ctx.textBaseline = 'top'; ctx.textAlign = 'center';
  for (let s = Math.ceil(S.v0 / step) * step; s < S.v1; s += step) {
    const x = x0 + (s - S.v0 + 0.5) / span * width;
    ctx.beginPath(); ctx.moveTo(x, y0); ctx.lineTo(x, y0 + 4); ctx.stroke();
    ctx.fillText(fmt(s), x, y0 + 6);
  }
  ctx.textAlign = 'left';
}

// Resident pages of the shown processes and swap slots in use: per pixel
// column the highest value any event there left.
function drawMemory() {
  const cv = $('memory');
  const { w, h, dpr } = canvasSize(cv, 150);
  const ctx = cv.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  if (S.meta.columns < 18) {
    ctx.fillStyle = '#667085'; ctx.font = '12px system-ui, sans-serif';
    ctx.fillText('This log has no rss and swap columns (a log of format 2 has them).', LABEL_W, h / 2);
    return;
  }
  const width = w - LABEL_W - 8, top = 10, ph = h - 20;
  const cols = Math.max(1, Math.round(width));
  const memMax = new Float64Array(cols).fill(-1), swapMax = new Float64Array(cols).fill(-1);
  const { c } = S;
  const lo = lowerBound(c.seq, Math.floor(S.v0)), hi = lowerBound(c.seq, Math.ceil(S.v1));
  const span = S.v1 - S.v0;
  let vmax = 1;
  for (let i = lo; i < hi; i++) {
    const x = Math.min(cols - 1, ((c.seq[i] - S.v0 + 0.5) / span * cols) | 0);
    if (x < 0) continue;
    if (S.memSum[i] > memMax[x]) memMax[x] = S.memSum[i];
    if (c.swap[i] > swapMax[x]) swapMax[x] = c.swap[i];
  }
  for (let x = 0; x < cols; x++) vmax = Math.max(vmax, memMax[x], swapMax[x]);
  const series = (vals, colour, dash) => {
    ctx.strokeStyle = colour; ctx.lineWidth = 1.5; ctx.setLineDash(dash);
    ctx.beginPath();
    let started = false, last = lo > 0 ? null : 0;
    for (let x = 0; x < cols; x++) {
      let v = vals[x];
      if (v < 0) { if (last === null) continue; v = last; }
      const X = LABEL_W + x + 0.5, Y = top + ph - v / vmax * ph;
      if (!started) { ctx.moveTo(X, Y); started = true; } else ctx.lineTo(X, Y);
      last = v;
    }
    ctx.stroke(); ctx.setLineDash([]);
  };
  series(memMax, '#2f5fb3', []);
  series(swapMax, '#b07aa1', [5, 3]);
  ctx.fillStyle = '#667085'; ctx.font = '11px system-ui, sans-serif'; ctx.textBaseline = 'middle';
  ctx.fillText(`${fmt(vmax)} pages`, 8, top + 4);
  ctx.fillText('0', 8, top + ph);
  ctx.strokeStyle = '#d8dce3'; ctx.beginPath(); ctx.moveTo(LABEL_W, top + ph + 0.5); ctx.lineTo(LABEL_W + width, top + ph + 0.5); ctx.stroke();
}

// --- the record of one event ----------------------------------------------------------------------

function record(i) {
  const { meta, c } = S;
  const acc = c.accmode[i] & 255, mode = c.accmode[i] >> 8;
  const modeName = mode === 117 ? 'user' : mode === 107 ? 'kernel' : '-';
  const p = meta.procs[S.pidx[i]];
  const rows = [
    ['seq', fmt(c.seq[i] >>> 0)], ['event', meta.kinds[c.kind[i]]],
    ['pid', c.pid[i] ? `${c.pid[i]} (${p.name})` : '- (page cache)'],
    ['tid', c.tid[i] ? fmt(c.tid[i]) : '-'],
    ['vpage', hex12(vpn(i) * 4096)], ['access', String.fromCharCode(acc)], ['mode', modeName],
    ['area', meta.areas[c.area[i]]], ['frame', c.frame[i] ? fmt(c.frame[i] - 1) : '-'],
    ['detail', meta.details[c.detail[i]]],
  ];
  if (meta.columns >= 18) {
    const site = meta.sites[c.site[i]] || [null, null, null, null, null];
    rows.push(['ip', site[0] || '-'], ['call', site[1] || '-'], ['cause', c.cause[i] ? fmt(c.cause[i] >>> 0) : '-'],
      ['object', site[2] || '-'], ['function', site[3] || '-'], ['line', site[4] || '-'],
      ['rss', fmt(c.rss[i])], ['swap', fmt(c.swap[i])]);
  }
  return rows;
}

function showRecord(i) {
  const box = $('record');
  box.replaceChildren();
  if (i < 0) { box.append(el('span', { class: 'note' }, 'Hover over an event; click to keep it here.')); return; }
  const t = el('table');
  for (const [k, v] of record(i)) t.append(el('tr', {}, el('td', {}, k), el('td', {}, v)));
  box.append(t);
}

// The event drawn nearest to (x, y), CSS px in the canvas; -1 for none.
function pick(x, y) {
  const gx = Math.round((x - LABEL_W) * S.dpr), gy = Math.round(y * S.dpr), r = Math.round(6 * S.dpr);
  let best = -1, bd = Infinity;
  for (let yy = Math.max(0, gy - r); yy <= Math.min(S.gh - 1, gy + r); yy++) {
    for (let xx = Math.max(0, gx - r); xx <= Math.min(S.gw - 1, gx + r); xx++) {
      const v = S.grid[yy * S.gw + xx];
      if (!v) continue;
      const d = (xx - gx) ** 2 + (yy - gy) ** 2;
      if (d < bd) { bd = d; best = v - 1; }
    }
  }
  return best;
}

// --- zoom and pan -------------------------------------------------------------------------------------

function setView(v0, v1) {
  const whole = S.smax - S.smin, span = Math.max(Math.min(v1 - v0, whole), Math.min(20, whole));
  v0 = Math.max(S.smin, Math.min(v0, S.smax - span));
  S.v0 = v0; S.v1 = v0 + span;
  redraw();
}

function zoomAt(frac, factor) {
  const span = S.v1 - S.v0, at = S.v0 + frac * span, ns = span * factor;
  setView(at - frac * ns, at - frac * ns + ns);
}

function plotFrac(x) {
  const width = $('timeline').clientWidth - LABEL_W - 8;
  return Math.max(0, Math.min(1, (x - LABEL_W) / width));
}

function wire() {
  const cv = $('timeline'), wrap = $('tl-wrap'), tip = $('tip');
  cv.addEventListener('wheel', (e) => {
    e.preventDefault();
    zoomAt(plotFrac(e.offsetX), e.deltaY > 0 ? 1.25 : 0.8);
  }, { passive: false });
  cv.addEventListener('mousedown', (e) => { S.drag = { x: e.offsetX, v0: S.v0, v1: S.v1, moved: false }; });
  window.addEventListener('mouseup', () => { setTimeout(() => { S.drag = null; }, 0); });
  cv.addEventListener('mousemove', (e) => {
    if (S.drag && (e.buttons & 1)) {
      const dx = e.offsetX - S.drag.x;
      if (Math.abs(dx) > 2) S.drag.moved = true;
      const per = (S.drag.v1 - S.drag.v0) / (cv.clientWidth - LABEL_W - 8);
      setView(S.drag.v0 - dx * per, S.drag.v1 - dx * per);
      tip.hidden = true;
      return;
    }
    const i = pick(e.offsetX, e.offsetY);
    if (i !== S.hover) { S.hover = i; redraw(); }
    if (i < 0) { tip.hidden = true; return; }
    tip.textContent = record(i).map(([k, v]) => `${k.padEnd(8)} ${v}`).join('\n');
    tip.hidden = false;
    const left = e.offsetX + 16 + tip.offsetWidth > wrap.clientWidth ? e.offsetX - 16 - tip.offsetWidth : e.offsetX + 16;
    tip.style.left = left + 'px'; tip.style.top = Math.max(0, e.offsetY - 20) + 'px';
    if (S.pinned < 0) showRecord(i);
  });
  cv.addEventListener('mouseleave', () => { tip.hidden = true; S.hover = -1; redraw(); });
  cv.addEventListener('click', (e) => {
    if (S.drag && S.drag.moved) return;
    const i = pick(e.offsetX, e.offsetY);
    S.pinned = i;
    showRecord(i);
    redraw();
  });
  wrap.addEventListener('keydown', (e) => {
    const span = S.v1 - S.v0;
    if (e.key === '+' || e.key === '=') zoomAt(0.5, 0.5);
    else if (e.key === '-' || e.key === '_') zoomAt(0.5, 2);
    else if (e.key === 'ArrowLeft') setView(S.v0 - span * 0.2, S.v1 - span * 0.2);
    else if (e.key === 'ArrowRight') setView(S.v0 + span * 0.2, S.v1 + span * 0.2);
    else if (e.key === '0' || e.key === 'Home') setView(S.smin, S.smax);
    else if (e.key === 'Escape') { S.pinned = -1; showRecord(-1); redraw(); }
    else return;
    e.preventDefault();
  });
  window.addEventListener('resize', () => { layout(); redraw(); });
}

// --- process tree and tables --------------------------------------------------------------------------

function exitText(p) {
  if (!p.exited) return '';
  return p.status & 0x7f ? `killed by signal ${p.status & 0x7f}` : `exit ${(p.status >> 8) & 255}`;
}

function buildTree() {
  const { meta } = S, box = $('tree');
  const procs = meta.procs.filter((p) => p.pid !== 0);
  const pids = new Set(procs.map((p) => p.pid)), kids = new Map();
  for (const p of procs) {
    const parent = pids.has(p.ppid) ? p.ppid : 0;
    if (!kids.has(parent)) kids.set(parent, []);
    kids.get(parent).push(p);
  }
  const node = (p) => {
    const execs = meta.records.filter((r) => r.pid === p.pid && r.kind === 'exec');
    const only = el('a', { title: 'show only this process', onclick: () => setGroup('proc', 1, S.byPid[p.pid]) }, `${p.pid} ${p.name}`);
    const li = el('li', {}, only, ` — ${fmt(p.events)} events`);
    const parts = [];
    if (p.ppid > 0 && !pids.has(p.ppid)) parts.push(`parent ${p.ppid}`);
    for (const r of execs) parts.push(`exec ${r.comm} after event ${r.at}`);
    if (p.exited) parts.push(exitText(p));
    if (parts.length) li.append(el('span', { class: 'exec' }, ' · ' + parts.join(' · ')));
    const sub = kids.get(p.pid);
    if (sub) li.append(el('ul', {}, ...sub.map(node)));
    return li;
  };
  box.replaceChildren(el('ul', {}, ...(kids.get(0) || []).map(node)));
  if (!meta.records.length) {
    box.append(el('p', { class: 'note' }, 'This log has no #process lines (faultline run --trace-procs, or --report, writes them): parents, execs and exits are unknown, names come from the code each process ran.'));
  }
}

function tables() {
  const { meta } = S, { kk, ak, shown } = S.counts, K = meta.kinds.length;
  const share = (v) => shown ? (100 * v / shown).toFixed(1) + '%' : '-';
  const tk = $('t-kind');
  tk.replaceChildren(el('tr', {}, el('th', {}, 'event'), el('th', {}, 'count'), el('th', {}, 'share')));
  meta.kinds.forEach((name, k) => tk.append(el('tr', {}, el('td', {}, name), el('td', {}, fmt(kk[k])), el('td', {}, share(kk[k])))));
  const used = [];
  for (let k = 0; k < K; k++) if (kk[k]) used.push(k);
  const rows = [];
  for (let a = 0; a < meta.areas.length; a++) {
    let t = 0;
    for (let k = 0; k < K; k++) t += ak[a * K + k];
    if (t) rows.push([a, t]);
  }
  rows.sort((x, y) => y[1] - x[1] || (meta.areas[x[0]] < meta.areas[y[0]] ? -1 : 1));
  const ta = $('t-area');
  ta.replaceChildren(el('tr', {}, el('th', {}, 'area'), el('th', {}, 'events'), ...used.map((k) => el('th', {}, meta.kinds[k]))));
  const top = rows.slice(0, 40), rest = rows.slice(40);
  for (const [a, t] of top) {
    ta.append(el('tr', {}, el('td', {}, meta.areas[a]), el('td', {}, fmt(t)), ...used.map((k) => el('td', {}, fmt(ak[a * K + k])))));
  }
  if (rest.length) {
    const sum = (k) => rest.reduce((s, [a]) => s + ak[a * K + k], 0);
    ta.append(el('tr', {}, el('td', {}, `(${rest.length} others)`), el('td', {}, fmt(rest.reduce((s, r) => s + r[1], 0))), ...used.map((k) => el('td', {}, fmt(sum(k))))));
  }
}

// --- start ------------------------------------------------------------------------------------------------

async function main() {
  const t0 = performance.now();
  $('title').textContent = document.title;
  Object.assign(S, await decode());
  $('total').textContent = fmt(S.n);
  if (!S.n) { $('shown').textContent = '0'; $('range').textContent = '-'; $('record').textContent = 'This log has no events.'; return; }
  prepare();
  buildFilters();
  buildTree();
  wire();
  refilter();
  const legend = $('mem-legend');
  if (S.meta.columns >= 18) {
    legend.append(el('span', {}, el('i', { style: 'background:#2f5fb3' }), 'resident pages of the shown processes'),
      el('span', {}, el('i', { style: 'background:#b07aa1' }), 'swap slots in use'));
  }
  requestAnimationFrame(() => { document.body.dataset.ready = String(Math.round(performance.now() - t0)); });
}

// For scripts driving the page (the browser test): where the event of a
// seq is drawn, in CSS px of the page, or null when it is not shown.
window.faultlineReport = {
  locate(seq) {
    const i = lowerBound(S.c.seq, seq);
    if (i >= S.n || S.c.seq[i] !== seq || !S.pass[i] || S.bandTop[S.c.band[i]] < 0) return null;
    const r = $('timeline').getBoundingClientRect(), width = r.width - LABEL_W - 8;
    if (seq < S.v0 || seq >= S.v1) return null;
    return { x: r.left + LABEL_W + (seq - S.v0 + 0.5) / (S.v1 - S.v0) * width,
      y: r.top + S.bandTop[S.c.band[i]] + 2 + (S.bandH - 4) * (1 - S.frac[i]) };
  },
  view() { return [S.v0, S.v1]; },
  procIndex(pid) { return S.byPid[pid]; },
  // milliseconds of one whole redraw (timeline and memory panel) now
  timeRedraw() { const t = performance.now(); layout(); drawTimeline(); drawMemory(); return performance.now() - t; },
  // ... and of one filter change (the counting pass, tables and redraw)
  timeRefilter() { const t = performance.now(); recount(); showCounts(); layout(); tables(); drawTimeline(); drawMemory(); return performance.now() - t; },
};

main().catch((e) => {
  const box = $('error');
  box.hidden = false;
  box.textContent = 'This report could not be shown: ' + e;
  throw e;
});
