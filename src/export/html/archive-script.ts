/**
 * The archive's one script: search. Pages read without it; it adds the search box's behaviour
 * and the search page. It builds every result with DOM text nodes (never HTML from data), reads
 * the index the export wrote (scripts beside the pages, which load from `file://` where `fetch`
 * cannot, or a JSON block inside a single-file archive) and reaches no network.
 *
 * Plain ES2020 in a string: the archive cannot load the app's bundle, and the same text is
 * written as `assets/archive.js` or inlined (with its hash in the page's CSP) in a single file.
 * The e2e test (e2e/export-archive.spec.ts) runs it in Chromium from `file://`.
 */
export const ARCHIVE_SCRIPT = String.raw`(function () {
  'use strict';
  var doc = document;
  var html = doc.documentElement;
  var rootPath = html.getAttribute('data-root') || '';
  var single = html.classList.contains('single');

  function fold(text) {
    return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  }
  function words(query) {
    return fold(query).split(/\s+/).filter(function (w) { return w.length > 0; });
  }
  function params() {
    var out = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var i = part.indexOf('=');
      if (i > 0) out[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1));
    });
    return out;
  }

  // ---- The index: chats, then parts of messages (loaded on the first search) ----
  var meta = null;
  var entries = [];
  var parts = 0;
  var loaded = 0;
  var loading = null;
  var waiting = [];

  function addShard(shard) {
    var pages = shard.p;
    for (var i = 0; i < shard.m.length; i++) {
      var m = shard.m[i];
      var page = pages[m[0]];
      entries.push({
        chat: page[0],
        href: single ? '#m' + m[1] : rootPath + page[1] + '#m' + m[1],
        at: m[2],
        sender: m[3],
        text: m[4],
        folded: fold(m[3] + '\n' + m[4])
      });
    }
    loaded++;
  }
  // search.html loads assets/search/index.js (which sets ckArchiveMeta) before this script; the
  // parts load on the first search and call ckArchiveShard.
  if (window.ckArchiveMeta) { meta = window.ckArchiveMeta; parts = meta.parts; }
  window.ckArchiveShard = addShard;

  function whenLoaded(progress, done) {
    if (loaded >= parts) { done(); return; }
    waiting.push(done);
    if (loading) return;
    loading = true;
    var next = function () {
      progress(loaded, parts);
      if (loaded >= parts) {
        var w = waiting; waiting = []; loading = null;
        w.forEach(function (f) { f(); });
        return;
      }
      var s = doc.createElement('script');
      s.src = rootPath + 'assets/search/part-' + String(loaded + 1).padStart(4, '0') + '.js';
      s.onload = next;
      s.onerror = function () {
        loaded++;
        next();
      };
      doc.head.appendChild(s);
    };
    next();
  }

  if (single) {
    var data = doc.getElementById('ck-search-data');
    if (data) {
      var parsed = JSON.parse(data.textContent || '{}');
      meta = parsed.meta;
      parts = 1;
      addShard(parsed.shard);
    }
  }

  // ---- The search box in every page's bar ----
  var barForm = doc.querySelector('form.archive-search');
  var panel = doc.getElementById('search-panel');
  if (barForm && !panel) {
    barForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var q = barForm.querySelector('input').value.trim();
      if (!q) return;
      // Every chat: the search page's "Search in" narrows it to one.
      location.href = rootPath + 'search.html#q=' + encodeURIComponent(q);
    });
  }
  if (!panel) return;

  // ---- The search panel (search.html, or the #search section of a single file) ----
  var input = panel.querySelector('input[type=search]');
  var chatSelect = panel.querySelector('select');
  var status = panel.querySelector('.search-status');
  var list = panel.querySelector('.search-hits');
  var more = panel.querySelector('.search-more');
  var form = panel.querySelector('form');
  var shown = 0;
  var hits = [];
  var PAGE = 100;
  var timer = null;
  var dateFormat;

  function initMeta() {
    if (!meta || chatSelect.options.length > 1) return;
    meta.chats.forEach(function (c, i) {
      var o = doc.createElement('option');
      o.value = String(i);
      o.textContent = c.t;
      chatSelect.appendChild(o);
    });
    try {
      dateFormat = new Intl.DateTimeFormat(meta.locale || undefined,
        { timeZone: meta.timeZone, dateStyle: 'medium', timeStyle: 'short' });
    } catch (e) {
      dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    }
  }

  /** The text around the first match, with every match marked, as DOM nodes. */
  function snippet(text, ws) {
    var chars = Array.from(text);
    var foldedParts = chars.map(function (c) { return fold(c); });
    var flat = foldedParts.join('');
    var owner = [];
    foldedParts.forEach(function (f, i) { for (var k = 0; k < f.length; k++) owner.push(i); });
    var marks = [];
    ws.forEach(function (w) {
      var at = flat.indexOf(w);
      while (at >= 0 && marks.length < 50) {
        marks.push([owner[at], owner[at + w.length - 1] + 1]);
        at = flat.indexOf(w, at + w.length);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var first = marks.length ? marks[0][0] : 0;
    var start = Math.max(0, first - 40);
    var end = Math.min(chars.length, start + 220);
    var out = doc.createDocumentFragment();
    var at2 = start;
    if (start > 0) out.appendChild(doc.createTextNode('…'));
    marks.forEach(function (m) {
      var s = Math.max(m[0], at2);
      var e = Math.min(m[1], end);
      if (e <= s) return;
      if (s > at2) out.appendChild(doc.createTextNode(chars.slice(at2, s).join('')));
      var mark = doc.createElement('mark');
      mark.textContent = chars.slice(s, e).join('');
      out.appendChild(mark);
      at2 = e;
    });
    if (at2 < end) out.appendChild(doc.createTextNode(chars.slice(at2, end).join('')));
    if (end < chars.length) out.appendChild(doc.createTextNode('…'));
    return out;
  }

  function showMore(ws) {
    var stop = Math.min(hits.length, shown + PAGE);
    for (; shown < stop; shown++) {
      var e = hits[shown];
      var li = doc.createElement('li');
      li.className = 'search-hit';
      var a = doc.createElement('a');
      a.href = e.href;
      var top = doc.createElement('span');
      top.className = 'search-hit-top';
      var who = doc.createElement('span');
      who.textContent = meta.chats[e.chat].t + ' · ' + e.sender;
      var when = doc.createElement('time');
      when.dateTime = new Date(e.at).toISOString();
      when.textContent = dateFormat.format(e.at);
      top.appendChild(who);
      top.appendChild(when);
      var body = doc.createElement('span');
      body.className = 'search-hit-text';
      body.setAttribute('dir', 'auto');
      body.appendChild(snippet(e.text, ws));
      a.appendChild(top);
      a.appendChild(body);
      li.appendChild(a);
      list.appendChild(li);
    }
    more.hidden = shown >= hits.length;
  }

  function run() {
    var q = input.value.trim();
    var chat = chatSelect.value;
    try {
      history.replaceState(null, '', '#q=' + encodeURIComponent(q) +
        (chat ? '&chat=' + encodeURIComponent(chat) : ''));
    } catch (e) {
      // Some browsers refuse history changes on file:// pages; the search still runs.
    }
    list.textContent = '';
    shown = 0;
    hits = [];
    more.hidden = true;
    var ws = words(q);
    if (ws.length === 0) { status.textContent = 'Type a word to search every message in this archive.'; return; }
    whenLoaded(function (n, total) {
      status.textContent = 'Loading the search index (' + n + ' of ' + total + ')…';
    }, function () {
      initMeta();
      var want = chat === '' ? -1 : Number(chat);
      for (var i = 0; i < entries.length; i++) {
        var e = entries[i];
        if (want >= 0 && e.chat !== want) continue;
        var ok = true;
        for (var k = 0; k < ws.length; k++) if (e.folded.indexOf(ws[k]) < 0) { ok = false; break; }
        if (ok) hits.push(e);
      }
      hits.sort(function (a, b) { return b.at - a.at; });
      status.textContent = hits.length === 0 ? 'No messages found.' :
        hits.length === 1 ? '1 message found.' : hits.length.toLocaleString() + ' messages found.';
      showMore(ws);
    });
  }

  form.addEventListener('submit', function (event) { event.preventDefault(); run(); });
  input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(run, 250); });
  chatSelect.addEventListener('change', run);
  more.addEventListener('click', function () { showMore(words(input.value)); });
  if (barForm) {
    barForm.addEventListener('submit', function (event) {
      event.preventDefault();
      input.value = barForm.querySelector('input').value;
      run();
      panel.scrollIntoView();
      input.focus();
    });
  }
  initMeta();
  var p = params();
  if (p.chat !== undefined) chatSelect.value = p.chat;
  if (p.q) { input.value = p.q; run(); }
})();
`;
