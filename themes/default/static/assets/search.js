// The page /search/: reads ?q=, &year= and &region=, looks the words up in the index that
// `nianbao build` wrote under search/index/ (src/search.rs describes its files), and lists the
// reports found, best first. Only files of this site are fetched. Without this script the page
// says so and links to the agency and year indexes.
(function () {
  'use strict';
  var PAGE = 10;
  var MAX_WORD = 40;

  // --- the tokenizer: the same as `terms` in src/search.rs ---
  function fold(c) {
    var n = c.codePointAt(0);
    if (n >= 0xff01 && n <= 0xff5e) c = String.fromCodePoint(n - 0xfee0);
    else if (n === 0x3000) c = ' ';
    return c >= 'A' && c <= 'Z' ? c.toLowerCase() : c;
  }
  function isHan(c) {
    var n = c.codePointAt(0);
    return (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) ||
      (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x3ffff);
  }
  var WORD = /^[\p{Alphabetic}\p{N}]$/u;
  function foldText(text) {
    var out = [];
    for (var c of text) out.push(fold(c));
    return out;
  }
  // The terms of a query: words, pairs of Han characters, a lone Han character.
  function terms(text) {
    var out = [];
    var han = [];
    var word = [];
    function put(t) { if (out.indexOf(t) < 0) out.push(t); }
    function flushHan() {
      if (han.length === 1) put(han[0]);
      for (var i = 0; i + 1 < han.length; i++) put(han[i] + han[i + 1]);
      han = [];
    }
    function flushWord() {
      if (word.length) put(word.join(''));
      word = [];
    }
    foldText(text).forEach(function (c) {
      if (isHan(c)) {
        flushWord();
        han.push(c);
      } else if (WORD.test(c)) {
        flushHan();
        if (word.length < MAX_WORD) word.push(c);
      } else {
        flushHan();
        flushWord();
      }
    });
    flushHan();
    flushWord();
    return out;
  }
  function termHash(term) {
    var bytes = new TextEncoder().encode(term);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h;
  }

  // --- reading the index ---
  var cache = {};
  function get(url, kind) {
    if (!cache[url]) {
      cache[url] = fetch(url, kind === 'entry' ? { cache: 'no-cache' } : {}).then(function (r) {
        if (!r.ok) throw new Error(r.status + ' ' + url);
        return kind === 'bytes' ? r.arrayBuffer().then(function (b) { return new Uint8Array(b); })
          : kind === 'text' ? r.text() : r.json();
      });
      cache[url].catch(function () { delete cache[url]; });
    }
    return cache[url];
  }
  function varint(b, pos) {
    var n = 0;
    var mul = 1;
    for (;;) {
      if (pos.i >= b.length) throw new Error('索引文件不完整');
      var byte = b[pos.i++];
      n += (byte & 0x7f) * mul;
      if (byte < 0x80) return n;
      mul *= 128;
    }
  }
  // The postings of a term in a shard: [[report, weight], …].
  function postings(b, term) {
    var want = new TextEncoder().encode(term);
    var pos = { i: 0 };
    while (pos.i < b.length) {
      var len = varint(b, pos);
      var same = len === want.length;
      for (var k = 0; same && k < len; k++) same = b[pos.i + k] === want[k];
      pos.i += len;
      var df = varint(b, pos);
      var out = same ? [] : null;
      var doc = 0;
      for (var j = 0; j < df; j++) {
        doc += varint(b, pos);
        var w = b[pos.i++];
        if (out) out.push([doc, w]);
      }
      if (out) return out;
    }
    return [];
  }

  function search(dir, entry, q, year, region) {
    var wanted = terms(q);
    var gen = entry.generation;
    var shard = function (t) { return dir + 's' + (termHash(t) & (entry.shards - 1)) + '.' + gen + '.bin'; };
    var filtering = year !== '' || region !== '';
    return Promise.all(wanted.map(function (t) { return get(shard(t), 'bytes'); }).concat(
      filtering ? [get(dir + 'm.' + gen + '.bin', 'bytes')] : []
    )).then(function (files) {
      var scores = null;
      wanted.forEach(function (t, i) {
        var list = postings(files[i], t);
        var idf = Math.log(1 + entry.reports / Math.max(list.length, 1));
        var next = new Map();
        list.forEach(function (p) {
          var tf = p[1] & 15;
          var s = idf * ((p[1] & 16 ? 3 : 0) + tf / (tf + 1));
          if (scores === null) next.set(p[0], s);
          else if (scores.has(p[0])) next.set(p[0], scores.get(p[0]) + s);
        });
        scores = next;
      });
      var found = Array.from(scores || new Map());
      if (filtering) {
        var meta = files[files.length - 1];
        var pos = { i: 0 };
        var years = [];
        var regions = [];
        for (var d = 0; d < entry.reports; d++) {
          years.push(varint(meta, pos));
          regions.push(varint(meta, pos));
        }
        var y = year === '' ? -1 : entry.years.indexOf(Number(year));
        // A region takes in the regions below it: their names begin with its name.
        var inRegion = entry.regions.map(function (name) {
          return region === '' || name.slice(0, region.length) === region;
        });
        found = found.filter(function (f) {
          return (y < 0 || years[f[0]] === y) && (region === '' || inRegion[regions[f[0]] - 1] === true);
        });
        if (year !== '' && y < 0) found = [];
      }
      found.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      return found.map(function (f) { return f[0]; });
    });
  }

  // --- showing the results ---
  function excerpt(text, words) {
    var chars = Array.from(text);
    var folded = foldText(text).join('');
    var foldedChars = Array.from(folded);
    // Positions (in characters) of every occurrence of a query word.
    var hits = [];
    words.forEach(function (w) {
      var from = 0;
      var wl = Array.from(w).length;
      for (;;) {
        var at = folded.indexOf(w, from);
        if (at < 0 || !w) break;
        var start = Array.from(folded.slice(0, at)).length;
        hits.push([start, start + wl]);
        from = at + w.length;
      }
    });
    hits.sort(function (a, b) { return a[0] - b[0]; });
    var first = hits.length ? hits[0][0] : 0;
    var start = Math.max(0, first - 30);
    var end = Math.min(foldedChars.length, start + 100);
    var p = document.createElement('p');
    p.className = 'excerpt';
    if (start > 0) p.appendChild(document.createTextNode('…'));
    var at = start;
    hits.forEach(function (h) {
      if (h[0] < at || h[1] > end) return;
      p.appendChild(document.createTextNode(chars.slice(at, h[0]).join('')));
      var mark = document.createElement('mark');
      mark.textContent = chars.slice(h[0], h[1]).join('');
      p.appendChild(mark);
      at = h[1];
    });
    p.appendChild(document.createTextNode(chars.slice(at, end).join('').replace(/\n/g, ' ')));
    if (end < chars.length) p.appendChild(document.createTextNode('…'));
    // Line breaks of the record read as spaces.
    p.normalize();
    Array.prototype.forEach.call(p.childNodes, function (n) {
      if (n.nodeType === 3) n.nodeValue = n.nodeValue.replace(/\n/g, ' ');
    });
    return p;
  }

  function item(base, rec, words) {
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.href = base + rec.url;
    a.textContent = rec.title;
    var h = document.createElement('p');
    h.className = 'result-title';
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement('p');
    meta.className = 'result-meta';
    meta.textContent = rec.agency + ' · ' + rec.year + ' 年度' + (rec.region ? ' · ' + rec.region : '');
    li.appendChild(meta);
    li.appendChild(excerpt(rec.text, words));
    return li;
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = document.querySelector('form.search-form');
    if (!form) return;
    var nojs = document.getElementById('search-nojs');
    var status = document.getElementById('search-status');
    var list = document.getElementById('search-results');
    var more = document.getElementById('search-more');
    var input = document.getElementById('search-q');
    var yearSel = document.getElementById('search-year');
    var regionSel = document.getElementById('search-region');
    if (nojs) nojs.hidden = true;
    var params = new URLSearchParams(window.location.search);
    var q = (params.get('q') || '').trim();
    var year = params.get('year') || '';
    var region = params.get('region') || '';
    input.value = q;
    if (yearSel) yearSel.value = year;
    if (regionSel) regionSel.value = region;
    if (!regionSel) region = '';
    // Filters apply as soon as they change.
    [yearSel, regionSel].forEach(function (sel) {
      if (sel) sel.addEventListener('change', function () { if (input.value.trim()) form.submit(); });
    });
    if (!q) {
      input.focus();
      return;
    }
    var dir = form.getAttribute('data-index');
    var base = form.getAttribute('data-base');
    var words = foldText(q).join('').split(/\s+/).filter(Boolean);
    status.textContent = '正在搜索…';
    get(dir + 'entry.json', 'entry').then(function (entry) {
      if (!terms(q).length) return { entry: entry, docs: [] };
      return search(dir, entry, q, year, region).then(function (docs) {
        return { entry: entry, docs: docs };
      });
    }).then(function (res) {
      var docs = res.docs;
      var scope = (year ? year + ' 年度' : '') + (year && region ? '、' : '') + region;
      scope = scope ? '（' + scope + '）' : '';
      if (!docs.length) {
        status.textContent = '没有找到包含“' + q + '”的报告' + scope + '。可以换一个词语，或按机关、按年度浏览。';
        return;
      }
      var shown = 0;
      function showMore(focus) {
        var page = docs.slice(shown, shown + PAGE);
        var chunk = res.entry.chunk;
        return Promise.all(page.map(function (d) {
          var k = Math.floor(d / chunk);
          return get(dir + 'd' + k + '.' + res.entry.generation + '.txt', 'text').then(function (t) {
            var path = t.split('\n')[d % chunk];
            return get(base + path, 'json');
          });
        })).then(function (recs) {
          var firstNew = null;
          recs.forEach(function (rec) {
            var li = item(base, rec, words);
            firstNew = firstNew || li.querySelector('a');
            list.appendChild(li);
          });
          shown += page.length;
          more.hidden = shown >= docs.length;
          if (focus && firstNew) firstNew.focus();
        });
      }
      more.addEventListener('click', function () {
        showMore(true).catch(fail);
      });
      // Announced once the first results are there to read.
      return showMore(false).then(function () {
        status.textContent = '找到 ' + docs.length + ' 份包含“' + q + '”的报告' + scope + '。';
      });
    }).catch(fail);
    function fail(e) {
      status.textContent = '搜索失败：无法读取搜索索引（' + e.message + '）。请稍后再试，或按机关、按年度浏览。';
    }
  });
})();
