//! The site's inline CSS and JavaScript (no external assets: pages open from disk).

/// Shared style of the index and the document pages.
pub const STYLE: &str = r#"
body{font-family:system-ui,"Noto Sans CJK JP","IPAexGothic",sans-serif;margin:1em 1.5em;color:#222}
h1{font-size:1.35em;margin:.2em 0} h2{font-size:1.1em;margin:1.5em 0 .4em;border-bottom:1px solid #ccc}
a{color:#0645ad} code{font-size:.9em}
.note{color:#666} .failed{color:#a00}
table.counts{border-collapse:collapse;margin:.4em 0} table.counts td,table.counts th{border:1px solid #ccc;padding:2px 8px;text-align:right}
table.counts th{background:#f4f4f4}
.controls{position:sticky;top:0;background:#fff;padding:.4em 0;border-bottom:1px solid #ddd;z-index:5}
.controls label{margin-right:1.2em}
table.docs{border-collapse:collapse;width:100%}
table.docs th{cursor:pointer;text-align:left;background:#f4f4f4;border-bottom:2px solid #ccc;padding:3px 6px;user-select:none;font-size:.9em;vertical-align:bottom}
table.docs th.sorted-asc::after{content:" \25B2"} table.docs th.sorted-desc::after{content:" \25BC"}
table.docs td{border-bottom:1px solid #eee;padding:2px 6px;vertical-align:top}
table.docs td.n{text-align:right;font-variant-numeric:tabular-nums}
table.docs td.why{font-size:.85em;color:#444;max-width:32em}
table.docs td.path{word-break:break-all;max-width:30em}
tr.tier-0 td.tier{color:#fff;background:#b00} tr.tier-1 td.tier{background:#ffb3a8}
tr.tier-2 td.tier{background:#ffe28a} tr.tier-3 td.tier{background:#dff5df}
.pager a{margin-right:.1em} .pager a.here{font-weight:600}
.pair{display:flex;gap:1em;align-items:flex-start}
.imgcol{flex:0 0 42%;position:sticky;top:3.2em;max-height:calc(100vh - 4em);overflow:auto}
.textcol{flex:1 1 auto;min-width:0}
.imgwrap{position:relative;display:inline-block;width:100%;line-height:0;border:1px solid #ccc}
.imgwrap img{width:100%;height:auto;display:block}
.box{position:absolute;border:1.5px solid #d08000;background:rgba(255,200,0,.12);cursor:pointer;box-sizing:border-box}
.box.unres{border-color:#55f;background:rgba(80,80,255,.15)}
.box.under{border-color:#d00;background:rgba(255,0,0,.15)}
.box.sel{border:2px solid #06f;background:rgba(0,120,255,.12);box-shadow:0 0 0 2px rgba(0,102,255,.35)}
.noimg{border:1px dashed #aaa;padding:1em;color:#666;line-height:1.4}
table.lines{border-collapse:collapse;width:100%;table-layout:fixed}
table.lines td{border-top:1px solid #eee;padding:3px 6px;vertical-align:top}
table.lines td.no{width:2.6em;color:#888;text-align:right;font-size:.85em}
tr.line{cursor:pointer} tr.line.sel{background:#e6f0ff;outline:2px solid #06f}
tr.line.has-under td.no{background:#ffd0c8;color:#900}
.txt{white-space:pre-wrap;word-break:break-all}
.orig{background:#fff5f5} .rep{background:#f3fff3}
.lbl{display:inline-block;width:4.5em;color:#999;font-size:.75em}
ul.items{margin:.2em 0 .1em;padding-left:1.1em;font-size:.85em;color:#333}
li.item.under{color:#b00;font-weight:600} li.item.under::before{content:"under threshold · "}
mark.span{background:#ffe28a;border-radius:2px} mark.span.under{background:#ff9c8a;outline:1px solid #c00}
mark.run{background:#e8f0ff} mark.unres{background:#d8d8ff}
.ctl{font-size:.7em;color:#a00;border:1px solid #a00}
body.only-under tr.line:not(.has-under){display:none}
body.only-under .box:not(.under){display:none}
kbd{border:1px solid #aaa;border-radius:3px;padding:0 3px;font-size:.85em}
details.fulltext{margin:.4em 0;font-size:.85em} details.fulltext summary{cursor:pointer;color:#555}
table.full{border-collapse:collapse;width:100%;table-layout:fixed}
table.full td{padding:0 6px;vertical-align:top} table.full td.no{width:2.6em;color:#999;text-align:right}
tr.tline{cursor:pointer} tr.tline.sel{background:#e6f0ff;outline:2px solid #06f}
.box.text{border-style:dashed}
"#;

/// The index's script: sorting by any column, a text filter, the attention filter, and the
/// shown count, all driven by the URL hash too (`#q=TEXT&sort=COL&dir=asc|desc&attention=1`)
/// so that a headless browser's DOM dump shows the result.
pub const INDEX_SCRIPT: &str = r#"
(function(){
  var table = document.getElementById('docs'), body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById('filter'), att = document.getElementById('only-attention');
  var state = {sort: null, dir: 'asc'};
  function params(){
    var p = {};
    location.hash.replace(/^#/, '').split('&').forEach(function(kv){
      var i = kv.indexOf('='); if (i > 0) p[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1));
    });
    return p;
  }
  function key(r, col){
    var c = r.cells[col], v = c.getAttribute('data-v');
    return v === null ? c.textContent.toLowerCase() : parseFloat(v);
  }
  function sort(){
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) ths[i].classList.remove('sorted-asc', 'sorted-desc');
    // Written in the default order: re-append rows only when sorted by a column.
    if (state.sort === null && !body.hasAttribute('data-resorted')) return;
    body.setAttribute('data-resorted', '1');
    var sorted = rows.slice();
    if (state.sort !== null) {
      var col = state.sort, sign = state.dir === 'desc' ? -1 : 1;
      sorted.sort(function(a, b){
        var x = key(a, col), y = key(b, col);
        if (x < y) return -sign; if (x > y) return sign;
        return parseInt(a.getAttribute('data-order')) - parseInt(b.getAttribute('data-order'));
      });
      ths[col].classList.add(state.dir === 'desc' ? 'sorted-desc' : 'sorted-asc');
    }
    sorted.forEach(function(r){ body.appendChild(r); });
  }
  function filter(){
    var text = q.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function(r){
      var ok = (!text || r.textContent.toLowerCase().indexOf(text) >= 0) &&
               (!att.checked || r.getAttribute('data-tier') !== '3');
      r.hidden = !ok; if (ok) shown++;
    });
    document.getElementById('js-shown').textContent = shown;
    document.body.setAttribute('data-shown', shown);
  }
  function colOf(name){
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) if (ths[i].getAttribute('data-col') === name) return i;
    return null;
  }
  function fromHash(){
    var p = params();
    q.value = p.q || '';
    att.checked = p.attention === '1';
    state.sort = p.sort ? colOf(p.sort) : null;
    state.dir = p.dir === 'desc' ? 'desc' : 'asc';
    sort(); filter();
  }
  function toHash(){
    var parts = [];
    if (q.value) parts.push('q=' + encodeURIComponent(q.value));
    if (att.checked) parts.push('attention=1');
    if (state.sort !== null) parts.push('sort=' + table.tHead.rows[0].cells[state.sort].getAttribute('data-col'), 'dir=' + state.dir);
    history.replaceState(null, '', '#' + parts.join('&'));
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function(th, i){
    th.addEventListener('click', function(){
      state.dir = state.sort === i && state.dir === 'asc' ? 'desc' : 'asc';
      state.sort = i; sort(); toHash();
    });
  });
  q.addEventListener('input', function(){ filter(); toHash(); });
  att.addEventListener('change', function(){ filter(); toHash(); });
  window.addEventListener('hashchange', fromHash);
  fromHash();
  document.body.setAttribute('data-ready', '1');
  // Milliseconds from navigation to the script's end and to the load event (measurements).
  document.body.setAttribute('data-ready-ms', Math.round(performance.now()));
  window.addEventListener('load', function(){
    document.body.setAttribute('data-load-ms', Math.round(performance.now()));
  });
})();
"#;

/// A document page's script: the confidence threshold (flags items, lines and boxes under
/// it; optionally hides the rest), line ↔ box selection, keyboard navigation, and live
/// counts — read from the URL hash too (`#threshold=0.95&only=under&line=p1-l3`, where a
/// line that is not one to review is opened in the page's text; `click=ID` and `keys=jk…`
/// replay a click and key presses, for headless checks).
pub const DOC_SCRIPT: &str = r#"
(function(){
  var thr = document.getElementById('threshold'), range = document.getElementById('threshold-range');
  var only = document.getElementById('only-under');
  var lines = Array.prototype.slice.call(document.querySelectorAll('tr.line'));
  var sel = null;
  function params(){
    var p = {};
    location.hash.replace(/^#/, '').split('&').forEach(function(kv){
      var i = kv.indexOf('='); if (i > 0) p[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1));
    });
    return p;
  }
  function boxOf(row){ return document.getElementById('box-' + row.id); }
  // A row of a page's text (a search hit's line): its folded text opened, and its box on the
  // page image drawn from its data-box (left, top, width, height in percent).
  function reveal(row){
    var d = row.closest('details'); if (d) d.open = true;
    var bx = row.getAttribute('data-box'), wrap = row.closest('section.page');
    wrap = wrap && wrap.querySelector('.imgwrap');
    if (!bx || !wrap || boxOf(row)) return;
    var v = bx.split(','), b = document.createElement('div');
    b.className = 'box text'; b.id = 'box-' + row.id; b.setAttribute('data-row', row.id);
    b.style.left = v[0] + '%'; b.style.top = v[1] + '%'; b.style.width = v[2] + '%'; b.style.height = v[3] + '%';
    b.addEventListener('click', function(){ select(row, true, false); toHash(); });
    wrap.appendChild(b);
  }
  function apply(){
    var t = parseFloat(thr.value); if (isNaN(t)) t = 0;
    var under = 0, items = 0, visible = 0;
    lines.forEach(function(row){
      var any = false;
      row.querySelectorAll('[data-conf]').forEach(function(el){
        var u = parseFloat(el.getAttribute('data-conf')) < t;
        el.classList.toggle('under', u);
        if (el.tagName === 'LI') { items++; if (u) { under++; any = true; } }
      });
      row.classList.toggle('has-under', any);
      var b = boxOf(row); if (b) b.classList.toggle('under', any);
    });
    document.body.classList.toggle('only-under', only.checked);
    lines.forEach(function(row){ if (row.getClientRects().length > 0) visible++; });
    document.getElementById('js-items').textContent = items;
    document.getElementById('js-under').textContent = under;
    document.getElementById('js-visible').textContent = visible;
    document.body.setAttribute('data-threshold', t);
    document.body.setAttribute('data-under', under);
    document.body.setAttribute('data-visible', visible);
  }
  function select(row, scrollText, scrollBox){
    if (sel) { sel.classList.remove('sel'); var ob = boxOf(sel); if (ob) ob.classList.remove('sel'); }
    sel = row; if (!row) return;
    if (row.classList.contains('tline')) reveal(row);
    row.classList.add('sel');
    var b = boxOf(row);
    if (b) { b.classList.add('sel'); if (scrollBox) b.scrollIntoView({block: 'nearest'}); }
    if (scrollText) row.scrollIntoView({block: 'center'});
    document.body.setAttribute('data-selected', row.id);
  }
  function toHash(){
    var parts = ['threshold=' + thr.value];
    if (only.checked) parts.push('only=under');
    if (sel) parts.push('line=' + sel.id);
    history.replaceState(null, '', '#' + parts.join('&'));
  }
  lines.forEach(function(row){
    row.addEventListener('click', function(){ select(row, false, true); toHash(); });
  });
  document.querySelectorAll('tr.tline').forEach(function(row){
    row.addEventListener('click', function(){ select(row, false, true); toHash(); });
  });
  document.querySelectorAll('.box').forEach(function(b){
    b.addEventListener('click', function(){
      var row = document.getElementById(b.getAttribute('data-row'));
      if (row) { select(row, true, false); toHash(); }
    });
  });
  thr.addEventListener('input', function(){ range.value = thr.value; apply(); toHash(); });
  range.addEventListener('input', function(){ thr.value = range.value; apply(); toHash(); });
  only.addEventListener('change', function(){ apply(); toHash(); });
  function step(d){
    var vis = lines.filter(function(r){ return r.getClientRects().length > 0; });
    if (!vis.length) return;
    var i = sel ? vis.indexOf(sel) : -1;
    i = i < 0 ? (d > 0 ? 0 : vis.length - 1) : Math.max(0, Math.min(vis.length - 1, i + d));
    select(vis[i], true, true); toHash();
  }
  function page(d){
    var pages = Array.prototype.slice.call(document.querySelectorAll('section.page'));
    if (!pages.length) return;
    var cur = sel ? pages.indexOf(sel.closest('section.page')) : -1;
    // Past the first or last page of this file: the previous or next part of the document.
    var link = document.getElementById(d > 0 ? 'next-part' : 'prev-part');
    if (link && cur >= 0 && (cur + d < 0 || cur + d >= pages.length)) { location.href = link.href; return; }
    var i = Math.max(0, Math.min(pages.length - 1, cur + d));
    var first = pages[i].querySelector('tr.line');
    if (first) select(first, true, true); else pages[i].scrollIntoView();
    toHash();
  }
  document.addEventListener('keydown', function(e){
    if (e.target.tagName === 'INPUT' || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'j') step(1); else if (e.key === 'k') step(-1);
    else if (e.key === 'n') page(1); else if (e.key === 'p') page(-1);
  });
  var p = params();
  if (p.threshold !== undefined && !isNaN(parseFloat(p.threshold))) thr.value = p.threshold;
  range.value = thr.value;
  only.checked = p.only === 'under';
  apply();
  // A line to review is selected as it is; any other line (a search hit's) in the page text.
  if (p.line) {
    var r = document.getElementById(p.line) || document.getElementById('t-' + p.line);
    if (r) select(r, true, true);
  }
  // Replays a click on an element (`click=ID`) and key presses (`keys=jjk`), in that order:
  // what a reader does, for headless checks that cannot click or type.
  if (p.click) { var c = document.getElementById(p.click); if (c) c.click(); }
  (p.keys || '').split('').forEach(function(k){
    document.dispatchEvent(new KeyboardEvent('keydown', {key: k}));
  });
  document.body.setAttribute('data-ready', '1');
  // Milliseconds from navigation to the script's end and to the load event (measurements).
  document.body.setAttribute('data-ready-ms', Math.round(performance.now()));
  window.addEventListener('load', function(){
    document.body.setAttribute('data-load-ms', Math.round(performance.now()));
  });
})();
"#;
