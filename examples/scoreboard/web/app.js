// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// The live scoreboard page. It loads the matches from /matches.json, then
// follows each match's channel with one centrifuge-js Subscription. Every
// publication carries the full state of its match, so any single one
// renders the card; the stream offset orders them against the snapshot.
'use strict';

(() => {
  const VIEWERS_POLL_MS = 5000;
  const SNAPSHOT_RETRY_MS = 2000;
  const QUIET_EVENTS = new Set(['clock']);

  const board = document.getElementById('board');
  const placeholder = document.getElementById('placeholder');
  const banner = document.getElementById('banner');
  const bannerText = document.getElementById('banner-text');
  const connection = document.getElementById('connection');
  const connectionText = document.getElementById('connection-text');
  const template = document.getElementById('card-template');

  // id -> { el, state, offset, epoch, sub, viewers }
  const cards = new Map();
  let everConnected = false;

  // --- state --------------------------------------------------------------

  async function fetchJson(path) {
    const response = await fetch(path, { cache: 'no-store' });
    if (!response.ok) {
      throw new Error(`${path}: HTTP ${response.status}`);
    }
    return response.json();
  }

  // A publication may carry only some fields (someone publishing through
  // the server API by hand): keep what it does not mention.
  function mergeState(old, incoming) {
    const base = old || {};
    const next = { ...base, ...incoming };
    for (const key of ['home', 'away', 'score']) {
      next[key] = { ...(base[key] || {}), ...(incoming[key] || {}) };
    }
    const cards = incoming.cards || {};
    const baseCards = base.cards || {};
    next.cards = {
      home: { ...(baseCards.home || {}), ...(cards.home || {}) },
      away: { ...(baseCards.away || {}), ...(cards.away || {}) },
    };
    return next;
  }

  // A snapshot entry replaces the card only when it is not older than what
  // the card shows: live publications may have overtaken it.
  function applySnapshotEntry(entry) {
    const card = cards.get(entry.id) || createCard(entry.id);
    const newer = card.epoch !== entry.epoch || entry.offset >= card.offset;
    if (card.state && !newer) {
      return;
    }
    card.state = entry.state;
    card.offset = entry.offset;
    card.epoch = entry.epoch;
    render(card, null);
  }

  // Subscriptions ask together after a reconnect: one fetch serves every
  // request made before it started, and one more runs for those made
  // while it was in flight.
  let reloading = null;
  let reloadAgain = false;

  function reloadSnapshot(reason) {
    console.info(`reloading /matches.json: ${reason}`);
    if (reloading) {
      reloadAgain = true;
      return reloading;
    }
    reloading = (async () => {
      // Let the other subscriptions of the same frame ask first.
      await new Promise((resolve) => setTimeout(resolve, 0));
      do {
        reloadAgain = false;
        try {
          const snapshot = await fetchJson('/matches.json');
          snapshot.matches.forEach(applySnapshotEntry);
        } catch (err) {
          console.warn('cannot reload the matches', err);
        }
      } while (reloadAgain);
      reloading = null;
    })();
    return reloading;
  }

  function onPublication(card, ctx) {
    const hasOffset = typeof ctx.offset === 'number';
    if (hasOffset && ctx.offset <= card.offset) {
      return;
    }
    const data = ctx.data && typeof ctx.data === 'object' ? ctx.data : {};
    const incoming = data.state && typeof data.state === 'object' ? data.state : data;
    card.state = mergeState(card.state, incoming);
    if (hasOffset) {
      card.offset = ctx.offset;
    }
    render(card, data.event || null);
  }

  function onSubscribed(card, ctx) {
    card.live = true;
    setStale(card, false);
    refreshViewers(card);

    const pos = ctx.streamPosition;
    if (ctx.wasRecovering && !ctx.recovered) {
      // The stream could not replay what was missed (new epoch after a
      // server restart, or too much missed): the snapshot is the truth.
      if (pos) {
        card.epoch = pos.epoch;
        card.offset = pos.offset;
      }
      reloadSnapshot(`${ctx.channel} was not recovered`);
    } else if (pos && (pos.epoch !== card.epoch || pos.offset > card.offset)) {
      reloadSnapshot(`${ctx.channel} moved on since the snapshot`);
    }
  }

  // --- rendering ----------------------------------------------------------

  function createCard(id) {
    const el = template.content.firstElementChild.cloneNode(true);
    el.dataset.match = id;
    board.appendChild(el);
    placeholder.hidden = true;
    const card = {
      id, el, state: null, offset: 0, epoch: '', sub: null, viewers: null, live: false,
    };
    cards.set(id, card);
    return card;
  }

  function statusLabel(state) {
    switch (state.status) {
      case 'live':
        return `Live ${state.minute}'`;
      case 'half-time':
        return 'Half-time';
      case 'full-time':
        return 'Full-time';
      case 'scheduled':
        return state.countdown > 0 ? `Kick-off in ${state.countdown}` : 'Kick-off soon';
      default:
        return String(state.status || '');
    }
  }

  function safeColor(color) {
    return /^#[0-9a-f]{3,8}$/i.test(color || '') ? color : '#8a94a6';
  }

  function renderTeam(row, team, goals, cardsShown) {
    row.style.setProperty('--team', safeColor(team.color));
    row.querySelector('.team-name').textContent = team.name || team.short || '?';
    row.querySelector('.score').textContent = Number.isFinite(goals) ? goals : '–';

    const shown = row.querySelector('.cards-shown');
    shown.replaceChildren();
    for (const [kind, count] of [['yellow', cardsShown.yellow], ['red', cardsShown.red]]) {
      if (count > 0) {
        const badge = document.createElement('span');
        badge.className = `card-badge ${kind}`;
        badge.title = `${count} ${kind} card${count > 1 ? 's' : ''}`;
        badge.textContent = count > 1 ? String(count) : '';
        shown.appendChild(badge);
      }
    }
  }

  function renderEvents(list, events) {
    list.replaceChildren();
    for (const event of events) {
      const item = document.createElement('li');
      item.className = `event ${event.type || ''}`;
      const minute = document.createElement('span');
      minute.className = 'event-minute';
      minute.textContent = `${event.minute ?? ''}'`;
      item.append(minute, ` ${event.text || event.type || ''}`);
      list.appendChild(item);
    }
  }

  function sameEvent(a, b) {
    return a.type === b.type && a.minute === b.minute && a.text === b.text;
  }

  function flash(el) {
    el.classList.remove('flash');
    void el.offsetWidth; // restart the animation
    el.classList.add('flash');
  }

  function render(card, event) {
    const { el, state } = card;
    const score = state.score || {};
    const cardsShown = state.cards || {};
    const homeRow = el.querySelector('.team.home');
    const awayRow = el.querySelector('.team.away');
    const before = [homeRow, awayRow].map((r) => r.querySelector('.score').textContent);

    el.dataset.status = state.status || '';
    el.querySelector('.status').textContent = statusLabel(state);
    el.querySelector('.fixture').textContent = `Match ${card.id} · game ${state.fixture ?? 1}`;
    renderTeam(homeRow, state.home || {}, score.home, cardsShown.home || {});
    renderTeam(awayRow, state.away || {}, score.away, cardsShown.away || {});

    // The headline is the newest notable event; the list below holds the
    // ones before it.
    const recent = Array.isArray(state.events) ? state.events : [];
    const latest = event && !QUIET_EVENTS.has(event.type) ? event : recent[0];
    const older = latest && recent[0] && sameEvent(latest, recent[0]) ? recent.slice(1) : recent;
    el.querySelector('.last-event').textContent = latest ? latest.text || latest.type : '';
    renderEvents(el.querySelector('.events'), older.slice(0, 3));

    const offset = el.querySelector('.offset-value');
    offset.textContent = String(card.offset);
    el.dataset.offset = String(card.offset);

    [homeRow, awayRow].forEach((row, i) => {
      if (before[i] !== '' && row.querySelector('.score').textContent !== before[i]) {
        flash(row);
      }
    });
  }

  function renderViewers(card) {
    const text = card.viewers === null
      ? '– viewers'
      : `${card.viewers} viewer${card.viewers === 1 ? '' : 's'}`;
    card.el.querySelector('.viewers').textContent = text;
  }

  function setStale(card, stale) {
    card.el.classList.toggle('stale', stale);
  }

  // --- connection ---------------------------------------------------------

  function showConnection(state, text) {
    connection.dataset.state = state;
    connectionText.textContent = text;
  }

  function showBanner(text, kind) {
    bannerText.textContent = text;
    banner.dataset.kind = kind;
    banner.hidden = false;
    cards.forEach((card) => setStale(card, true));
  }

  async function refreshViewers(card) {
    if (!card.sub || card.sub.state !== 'subscribed') {
      return;
    }
    try {
      const stats = await card.sub.presenceStats();
      card.viewers = stats.numClients;
    } catch (err) {
      card.viewers = null;
      console.warn(`presence stats of match:${card.id}`, err);
    }
    renderViewers(card);
  }

  function subscribe(centrifuge, card) {
    const sub = centrifuge.newSubscription(`match:${card.id}`, { recoverable: true });
    sub.on('publication', (ctx) => onPublication(card, ctx));
    // The first 'subscribing' comes before any data: nothing is stale yet.
    sub.on('subscribing', () => setStale(card, card.live));
    sub.on('subscribed', (ctx) => onSubscribed(card, ctx));
    sub.on('unsubscribed', (ctx) => {
      setStale(card, true);
      console.warn(`match:${card.id} unsubscribed: ${ctx.reason}`);
    });
    sub.on('error', (ctx) => console.warn(`match:${card.id}`, ctx.error));
    card.sub = sub;
    sub.subscribe();
  }

  function connect(auth) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const options = {};
    if (auth === 'token') {
      options.getToken = async () => (await fetchJson('/token')).token;
    }
    const centrifuge = new Centrifuge(`${scheme}://${location.host}/connection/websocket`,
      options);

    centrifuge.on('connecting', (ctx) => {
      showConnection('connecting', everConnected ? 'Reconnecting…' : 'Connecting…');
      if (everConnected) {
        showBanner('Reconnecting… the scores below may be out of date.', 'reconnecting');
      }
      console.info(`connecting: ${ctx.code} ${ctx.reason}`);
    });
    centrifuge.on('connected', () => {
      everConnected = true;
      banner.hidden = true;
      showConnection('connected', 'Live');
    });
    centrifuge.on('disconnected', (ctx) => {
      showConnection('disconnected', 'Disconnected');
      showBanner(`Disconnected (${ctx.reason}). Reload the page to try again.`,
        'disconnected');
    });

    cards.forEach((card) => subscribe(centrifuge, card));
    centrifuge.connect();
    setInterval(() => cards.forEach(refreshViewers), VIEWERS_POLL_MS);
  }

  async function start() {
    if (typeof Centrifuge !== 'function') {
      placeholder.textContent =
        'The centrifuge-js bundle did not load (/vendor/centrifuge.js). ' +
        'Run `npm ci` in the example directory.';
      return;
    }
    let snapshot = null;
    while (snapshot === null) {
      try {
        snapshot = await fetchJson('/matches.json');
      } catch (err) {
        placeholder.textContent = `Cannot load the matches (${err.message}); retrying…`;
        await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_RETRY_MS));
      }
    }
    snapshot.matches.forEach(applySnapshotEntry);
    connect(snapshot.auth);
  }

  start();
})();
