// The console's behaviour: reads the gateway's read API and draws it. No framework, no build step.
// Safety rules kept throughout: every value from the API is written with textContent / createTextNode / setAttribute
// (never parsed as markup), and changes are POSTs carrying X-Requested-With (the server's CrossSiteGuard wants it).
'use strict';
(function () {
  const API = '/api/whatsapp';
  const state = {
    settings: { whatsappServer: false, outputs: [] },
    sessions: [],
    page: null,
    generation: 0,
    linkSession: null,
    shownQrAt: null,
    qrUrl: null,
    eventsOffset: 0,
    eventsLimit: 25,
    eventsNext: null,
  };

  // --- small helpers -----------------------------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  /** An element with text children only: strings become text nodes, so markup in data stays text. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (value === undefined || value === null) return;
      if (name === 'class') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.substring(2), value);
      else node.setAttribute(name, String(value));
    });
    children.forEach((child) => node.append(child instanceof Node ? child : document.createTextNode(child == null ? '' : String(child))));
    return node;
  }

  function badge(text) { return el('span', { class: 'badge ' + String(text || '') }, text || '-'); }

  function time(iso) {
    if (!iso) return '-';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    const today = new Date().toDateString() === d.toDateString();
    return today ? d.toLocaleTimeString() : d.toLocaleString();
  }

  function ago(iso) {
    if (!iso) return '';
    const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    return Math.round(s / 3600) + ' h ago';
  }

  function connection(text, bad) {
    const node = $('connection');
    node.textContent = text;
    node.className = bad ? 'bad' : '';
  }

  class ApiProblem extends Error {
    constructor(status, body, retryAfter) {
      super((body && body.message) || ('HTTP ' + status));
      this.status = status;
      this.body = body;
      this.retryAfter = retryAfter;
    }
  }

  /**
   * One call to the gateway. The browser adds the admin credentials it remembers from its Basic prompt; the page
   * never sees the key. POSTs carry X-Requested-With, which a foreign site cannot send without a CORS preflight.
   */
  async function api(path, method) {
    const headers = { Accept: 'application/json' };
    if (method && method !== 'GET') headers['X-Requested-With'] = 'wagateway-console';
    const response = await fetch(path, { method: method || 'GET', headers, credentials: 'same-origin', cache: 'no-store' });
    if (response.status === 401) {
      connection('Not signed in: reload the page and give the admin key as the password.', true);
    }
    const type = response.headers.get('Content-Type') || '';
    const body = type.includes('json') ? await response.json() : null;
    if (!response.ok) throw new ApiProblem(response.status, body, Number(response.headers.get('Retry-After')) || 0);
    connection('Live · ' + new Date().toLocaleTimeString(), false);
    return body;
  }

  /**
   * Repeats fn every ms while its page is shown; one call at a time, none after the page changes. A 401 stops it
   * (polling with credentials that are refused would only add failed sign-ins); a 429 waits as long as it is told.
   */
  function every(ms, fn) {
    const generation = state.generation;
    const tick = async () => {
      if (generation !== state.generation) return;
      let wait = ms;
      try {
        await fn();
      } catch (e) {
        if (e instanceof ApiProblem && e.status === 401) return;
        if (e instanceof ApiProblem && e.status === 429) {
          wait = Math.max(ms, (e.retryAfter || 30) * 1000);
          connection('Too many requests: trying again in ' + Math.round(wait / 1000) + ' s', true);
        } else {
          connection('Cannot reach the gateway: ' + e.message, true);
        }
      }
      if (generation === state.generation) setTimeout(tick, wait);
    };
    tick();
  }

  // --- pages -------------------------------------------------------------------------------------------------

  const pages = {
    sessions: () => every(1000, refreshSessions),
    link: (arg) => {
      if (arg) state.linkSession = arg;
      state.shownQrAt = null;
      every(1000, refreshLink);
    },
    events: () => every(5000, () => (state.eventsOffset === 0 ? loadEvents() : Promise.resolve())),
    outputs: () => every(2000, refreshOutputs),
    throughput: () => every(10000, refreshThroughput),
  };

  function route() {
    const [name, ...rest] = (location.hash.replace(/^#/, '') || 'sessions').split('/');
    const page = pages[name] ? name : 'sessions';
    state.generation += 1;
    state.page = page;
    document.querySelectorAll('.page').forEach((section) => { section.hidden = section.id !== 'page-' + page; });
    document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === page));
    pages[page](rest.length ? decodeURIComponent(rest.join('/')) : null);
  }

  // Sessions ------------------------------------------------------------------------------------------------

  async function loadSessions() {
    const body = await api(API + '/sessions?limit=200');
    state.sessions = body.items;
    return body.items;
  }

  async function refreshSessions() {
    const sessions = await loadSessions();
    const rows = sessions.map((s) => el('tr', { 'data-session': s.sessionId },
      el('td', null, s.sessionId),
      el('td', { class: 'status' }, badge(s.status)),
      el('td', null, s.state || '-'),
      el('td', { title: s.updatedAt }, time(s.updatedAt) + ' (' + ago(s.updatedAt) + ')'),
      el('td', { class: 'num' }, s.messageCount),
      el('td', { class: 'num' }, s.callCount),
      el('td', { class: 'num' }, s.eventCount),
      el('td', null, s.status === 'qr_pending'
        ? el('a', { href: '#link/' + encodeURIComponent(s.sessionId) }, 'Show QR')
        : el('a', { href: '#events', onclick: () => { $('event-filters').elements.session.value = s.sessionId; } }, 'Events'))));
    $('sessions-table').tBodies[0].replaceChildren(...rows);
    $('sessions-empty').hidden = rows.length > 0;
  }

  // Link a phone --------------------------------------------------------------------------------------------

  async function refreshLink() {
    $('start-form').hidden = !state.settings.whatsappServer;
    const sessions = await loadSessions();
    if (!state.linkSession) {
      const waiting = sessions.find((s) => s.status === 'qr_pending');
      state.linkSession = waiting ? waiting.sessionId : (sessions[0] && sessions[0].sessionId) || null;
    }
    const select = $('link-session');
    const ids = sessions.map((s) => s.sessionId);
    if (state.linkSession && !ids.includes(state.linkSession)) ids.unshift(state.linkSession);
    if (select.options.length !== ids.length || ids.some((id, i) => select.options[i].value !== id)) {
      select.replaceChildren(...ids.map((id) => el('option', { value: id }, id)));
    }
    select.value = state.linkSession || '';

    const session = sessions.find((s) => s.sessionId === state.linkSession);
    const qr = $('qr');
    const text = $('link-state');
    text.className = 'big';
    if (!session) {
      qr.hidden = true;
      text.textContent = state.linkSession ? 'Waiting for the WhatsApp server to send a QR code…' : 'No session yet.';
      return;
    }
    if (session.status === 'qr_pending' && session.qrPending) {
      if (session.qrAt !== state.shownQrAt) await showQr(session);
      qr.hidden = false;
      text.textContent = 'Scan this code with the phone (' + session.sessionId + ')';
      return;
    }
    qr.hidden = true;
    state.shownQrAt = null;
    if (session.status === 'ready') {
      text.textContent = 'Linked: ' + session.sessionId + ' is ready';
      text.className = 'big linked';
    } else if (session.status === 'authenticated') {
      text.textContent = 'Scanned: linking ' + session.sessionId + '…';
    } else {
      text.textContent = session.sessionId + ': ' + session.status + (session.lastReason ? ' (' + session.lastReason + ')' : '');
    }
  }

  /** The QR as the gateway renders it (qr.png), fetched with the page's credentials and shown from a blob: URL. */
  async function showQr(session) {
    const response = await fetch(API + '/sessions/' + encodeURIComponent(session.sessionId) + '/qr.png?at='
      + encodeURIComponent(session.qrAt || ''), { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) return;
    const url = URL.createObjectURL(await response.blob());
    const qr = $('qr');
    qr.src = url;
    qr.setAttribute('data-qr-at', session.qrAt || '');
    if (state.qrUrl) URL.revokeObjectURL(state.qrUrl);
    state.qrUrl = url;
    state.shownQrAt = session.qrAt;
  }

  async function startSession(event) {
    event.preventDefault();
    const id = $('start-session').value.trim();
    const out = $('start-result');
    out.className = '';
    out.textContent = 'Starting ' + id + '…';
    try {
      const body = await api(API + '/sessions/' + encodeURIComponent(id) + '/start', 'POST');
      out.className = 'good';
      out.textContent = 'Started ' + id + ': ' + (body.message || 'ok') + '. The QR code appears below when the server sends it.';
      location.hash = '#link/' + encodeURIComponent(id);
    } catch (e) {
      out.className = 'bad';
      out.textContent = 'Could not start ' + id + ': ' + e.message;
    }
  }

  // Events --------------------------------------------------------------------------------------------------

  function eventQuery() {
    const form = $('event-filters').elements;
    const params = new URLSearchParams({ limit: state.eventsLimit, offset: state.eventsOffset });
    ['session', 'event', 'status'].forEach((name) => { if (form[name].value.trim()) params.set(name, form[name].value.trim()); });
    ['since', 'until'].forEach((name) => {
      if (form[name].value) params.set(name, new Date(form[name].value).toISOString());
    });
    return params;
  }

  async function loadEvents() {
    let body;
    try {
      body = await api(API + '/events?' + eventQuery());
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 400) {
        $('events-page').textContent = e.message;
        return;
      }
      throw e;
    }
    state.eventsNext = body.nextOffset;
    const rows = body.items.map((e) => el('tr', { class: 'clickable', 'data-event': e.eventId, onclick: () => openEvent(e.eventId) },
      el('td', { title: e.receivedAt }, time(e.receivedAt)),
      el('td', null, e.sessionId),
      el('td', null, e.event),
      el('td', null, badge(e.status)),
      el('td', { class: 'error' }, e.error || '')));
    $('events-table').tBodies[0].replaceChildren(...rows);
    $('events-empty').hidden = rows.length > 0;
    $('events-page').textContent = body.items.length
      ? (state.eventsOffset + 1) + '–' + (state.eventsOffset + body.items.length) : '';
    $('events-newer').disabled = state.eventsOffset === 0;
    $('events-older').disabled = body.nextOffset == null;
  }

  async function openEvent(id) {
    const e = await api(API + '/events/' + encodeURIComponent(id));
    $('event-detail-id').textContent = e.eventId;
    const fields = [['Session', e.sessionId], ['Type', e.event], ['Status', e.status], ['Received', time(e.receivedAt)],
      ['Processed', time(e.processedAt)], ['Format', e.format], ['Source', e.sourceIp], ['Authenticated by', e.authMethod],
      ['Delivery id', e.deliveryId]];
    $('event-detail-fields').replaceChildren(...fields.flatMap(([k, v]) => [el('dt', null, k), el('dd', null, v == null ? '-' : v)]));
    $('event-detail-error').textContent = e.error || '(none)';
    $('event-detail-data').textContent = JSON.stringify(e.data, null, 2);
    $('event-detail').hidden = false;
  }

  // Outputs -------------------------------------------------------------------------------------------------

  async function refreshOutputs() {
    const [outputs, letters] = await Promise.all([
      api(API + '/outputs'), api(API + '/dead-letters?status=pending&limit=200')]);
    const rows = outputs.items.map((o) => el('tr', { 'data-output': o.name },
      el('td', null, o.name),
      el('td', null, o.type),
      el('td', { class: 'state', title: o.state === 'disabled' ? (o.disabledReason || '') : (o.lastError ? 'last error: ' + o.lastError : '') },
        badge(o.state), o.state === 'disabled' ? ' since ' + time(o.disabledAt) : (o.failingSince ? ' failing since ' + time(o.failingSince) : '')),
      el('td', null, badge(o.circuit)),
      el('td', { class: 'num' }, o.sent),
      el('td', { class: 'num' }, o.failedAttempts),
      el('td', { class: 'num' }, o.deadLettered),
      el('td', { class: 'num' }, o.pendingDeadLetters),
      el('td', { class: 'num' }, o.backlog),
      el('td', { title: o.oldestWaiting || '' }, o.oldestWaiting ? time(o.oldestWaiting) + ' (' + ago(o.oldestWaiting) + ')' : '-'),
      el('td', null, o.state === 'disabled'
        ? el('button', { type: 'button', class: 'enable', onclick: () => enableOutput(o.name) }, 'Enable') : '',
        o.pendingDeadLetters > 0
          ? el('button', { type: 'button', class: 'replay-all', onclick: () => replayAll(o.name) }, 'Replay all') : '')));
    $('outputs-table').tBodies[0].replaceChildren(...rows);
    $('outputs-empty').hidden = rows.length > 0;

    const letterRows = letters.items.map((d) => el('tr', { 'data-dead-letter': d.id },
      el('td', { title: d.createdAt }, time(d.createdAt)),
      el('td', null, d.output),
      el('td', null, d.sessionId),
      el('td', null, d.event),
      el('td', { class: 'num' }, d.attempts),
      el('td', { class: 'error' }, d.error || ''),
      el('td', null, el('button', { type: 'button', class: 'replay', onclick: () => replayOne(d.id) }, 'Replay'))));
    $('dead-letters-table').tBodies[0].replaceChildren(...letterRows);
    $('dead-letters-empty').hidden = letterRows.length > 0;
  }

  function replayResult(text, good) {
    const out = $('replay-result');
    out.textContent = text;
    out.className = good ? 'good' : 'bad';
  }

  async function replayOne(id) {
    replayResult('Replaying ' + id + '…', true);
    try {
      await api(API + '/dead-letters/' + encodeURIComponent(id) + '/replay', 'POST');
      replayResult('Delivered: dead letter ' + id + ' is resolved', true);
    } catch (e) {
      replayResult('Failed again: ' + id + ' stays pending (' + e.message + ')', false);
    }
    await refreshOutputs();
  }

  // An output disabled for failing: on again, its waiting deliveries go out in order.
  async function enableOutput(output) {
    const out = $('output-result');
    out.textContent = 'Enabling ' + output + '…';
    out.className = 'good';
    try {
      const r = await api(API + '/outputs/' + encodeURIComponent(output) + '/enable', 'POST');
      out.textContent = output + ' enabled: ' + r.backlog + ' waiting deliveries go out now';
    } catch (e) {
      out.textContent = 'Enabling ' + output + ' failed: ' + e.message;
      out.className = 'bad';
    }
    await refreshOutputs();
  }

  async function replayAll(output) {
    replayResult('Replaying the pending dead letters of ' + output + '…', true);
    try {
      const s = await api(API + '/dead-letters/replay?limit=500&output=' + encodeURIComponent(output), 'POST');
      replayResult(output + ': ' + s.attempted + ' replayed, ' + s.delivered + ' delivered, ' + s.failed + ' failed again', s.failed === 0);
    } catch (e) {
      replayResult('Replay of ' + output + ' failed: ' + e.message, false);
    }
    await refreshOutputs();
  }

  // Throughput ----------------------------------------------------------------------------------------------

  const COLOURS = ['#128c7e', '#d63638', '#2271b1', '#dba617', '#8c5fbf', '#00a32a', '#e26f56', '#3c434a', '#72aee6', '#a7aaad'];
  const SVG = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, String(v)));
    if (text != null) node.textContent = String(text);
    return node;
  }

  async function refreshThroughput() {
    const body = await api(API + '/throughput?minutes=60');
    const start = new Date(body.from).getTime();
    const minutes = body.minutes;
    const types = [...new Set(body.items.map((i) => i.event))].sort();
    const counts = types.map(() => new Array(minutes).fill(0));
    body.items.forEach((i) => {
      const slot = Math.round((new Date(i.minuteAt).getTime() - start) / 60000);
      if (slot >= 0 && slot < minutes) counts[types.indexOf(i.event)][slot] += i.events;
    });
    const totals = new Array(minutes).fill(0).map((_, m) => counts.reduce((sum, c) => sum + c[m], 0));
    const max = Math.max(1, ...totals);
    const left = 50, top = 10, width = 890, height = 270, bar = width / minutes;
    const chart = $('chart');
    const parts = [svg('line', { x1: left, y1: top + height, x2: left + width, y2: top + height, stroke: '#a7aaad' })];
    [0, 0.5, 1].forEach((f) => {
      const y = top + height - f * height;
      parts.push(svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, Math.round(f * max)));
      parts.push(svg('line', { x1: left, y1: y, x2: left + width, y2: y, stroke: '#f0f0f1' }));
    });
    for (let m = 0; m < minutes; m += 10) {
      parts.push(svg('text', { x: left + m * bar, y: top + height + 16 }, new Date(start + m * 60000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })));
    }
    for (let m = 0; m < minutes; m++) {
      let y = top + height;
      types.forEach((type, t) => {
        const n = counts[t][m];
        if (!n) return;
        const h = (n / max) * height;
        y -= h;
        const rect = svg('rect', { x: left + m * bar + 1, y, width: Math.max(1, bar - 2), height: h, fill: COLOURS[t % COLOURS.length], 'data-event': type });
        rect.append(svg('title', {}, type + ': ' + n + ' at ' + new Date(start + m * 60000).toLocaleTimeString()));
        parts.push(rect);
      });
    }
    chart.replaceChildren(...parts);
    $('chart-legend').replaceChildren(...types.map((type, t) => {
      const swatch = el('span');
      swatch.style.background = COLOURS[t % COLOURS.length];
      const total = counts[t].reduce((a, b) => a + b, 0);
      return el('li', null, swatch, type + ' (' + total + ')');
    }));
  }

  // --- start ---------------------------------------------------------------------------------------------------

  async function boot() {
    $('start-form').addEventListener('submit', startSession);
    $('link-session').addEventListener('change', (e) => { location.hash = '#link/' + encodeURIComponent(e.target.value); });
    $('event-filters').addEventListener('submit', (e) => { e.preventDefault(); state.eventsOffset = 0; $('event-detail').hidden = true; loadEvents(); });
    $('events-older').addEventListener('click', () => { if (state.eventsNext != null) { state.eventsOffset = state.eventsNext; loadEvents(); } });
    $('events-newer').addEventListener('click', () => { state.eventsOffset = Math.max(0, state.eventsOffset - state.eventsLimit); loadEvents(); });
    try {
      // First call, and the one that makes the browser send its credentials to /api/whatsapp/ (see routes/console.yaml).
      state.settings = await api(API + '/console');
    } catch (e) {
      if (!(e instanceof ApiProblem && e.status === 401)) connection('Cannot reach the gateway: ' + e.message, true);
    }
    window.addEventListener('hashchange', route);
    route();
  }

  boot();
}());
