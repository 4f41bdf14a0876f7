/// The report's inline stylesheet and its one small script (sorting the index tables).
enum ReportStyle {
    static let css = """
    :root { color-scheme: light; --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --soft: #f8fafc;
      --accent: #0b5cad; --tok: #fde68a; --tok-medoid: #f59e0b; --mono: ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', Menlo, Consolas, monospace; }
    * { box-sizing: border-box; }
    html { scroll-padding-top: 3.2rem; }
    body { margin: 0; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
      color: var(--ink); background: #f1f5f9; }
    a { color: var(--accent); text-decoration: none; }
    a:hover { text-decoration: underline; }
    code { font-family: var(--mono); font-size: 0.92em; background: #eef2f7; padding: 0.05em 0.35em; border-radius: 4px; }
    header.top { background: #0f172a; color: #e2e8f0; padding: 1.4rem 2rem 1.1rem; }
    header.top .kicker { font-size: 0.8rem; letter-spacing: 0.08em; text-transform: uppercase; color: #94a3b8; }
    header.top h1 { margin: 0.15rem 0 0.7rem; font-size: 1.6rem; font-weight: 650; color: #fff; word-break: break-all; }
    dl.facts { display: flex; flex-wrap: wrap; gap: 0.4rem 2.2rem; margin: 0; }
    dl.facts div { min-width: 6rem; }
    dl.facts dt { font-size: 0.75rem; color: #94a3b8; text-transform: uppercase; letter-spacing: 0.05em; }
    dl.facts dd { margin: 0; font-size: 1.02rem; color: #f8fafc; word-break: break-word; }
    nav.bar { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; gap: 0.25rem; padding: 0.45rem 2rem;
      background: rgba(255,255,255,0.96); border-bottom: 1px solid var(--line); box-shadow: 0 1px 3px rgba(15,23,42,0.06); }
    nav.bar a { padding: 0.2rem 0.7rem; border-radius: 999px; color: #334155; font-weight: 550; white-space: nowrap; }
    nav.bar a:hover { background: #e0ecf8; text-decoration: none; }
    nav.bar a small { margin-left: 0.4rem; font-weight: 400; color: var(--muted); font-family: var(--mono); font-size: 0.78em; }
    main { max-width: 1380px; margin: 0 auto; padding: 1rem 2rem 3rem; }
    section.panel, section.layer { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.4rem 1.3rem; margin: 1.2rem 0; }
    section.layer { background: transparent; border: 0; padding: 0; }
    section.layer > h2 { margin: 2rem 0 0.4rem; font-size: 1.35rem; padding-bottom: 0.3rem; border-bottom: 2px solid #cbd5e1; }
    section.layer > h3 { margin: 1.2rem 0 0.3rem; font-size: 1.05rem; }
    h2 { margin: 0 0 0.6rem; font-size: 1.2rem; }
    h2 code { font-size: 0.7em; font-weight: 500; vertical-align: middle; }
    .note { color: var(--muted); margin: 0.2rem 0 0.6rem; max-width: 62rem; }
    .stats { display: flex; flex-wrap: wrap; gap: 0.3rem 1.1rem; color: var(--muted); font-size: 0.88rem; }
    .stats b { color: var(--ink); font-weight: 600; }
    .table-wrap { overflow-x: auto; }
    table.data { border-collapse: collapse; width: 100%; background: #fff; font-size: 0.9rem; }
    section.layer table.data { border: 1px solid var(--line); border-radius: 8px; }
    table.data th, table.data td { padding: 0.32rem 0.7rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
    table.data th { background: var(--soft); font-weight: 600; color: #334155; font-size: 0.82rem; white-space: nowrap; }
    table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
    table.data tbody tr:hover { background: #f5f9ff; }
    table.measures tr.primary td:first-child { font-weight: 600; }
    table.measures td.best { font-weight: 700; color: #065f46; }
    table.sortable th[data-sort] { cursor: pointer; user-select: none; }
    table.sortable th[data-sort]::after { content: ' ↕'; color: #cbd5e1; font-weight: 400; }
    table.sortable th[aria-sort=ascending]::after { content: ' ↑'; color: var(--accent); }
    table.sortable th[aria-sort=descending]::after { content: ' ↓'; color: var(--accent); }
    table.index th:not(:last-child), table.index td:not(:last-child) { width: 1%; white-space: nowrap; padding-right: 1.2rem; }
    table.index td, table.index th { padding-top: 0.22rem; padding-bottom: 0.22rem; }
    .table-wrap.tall { max-height: 34rem; overflow-y: auto; border: 1px solid var(--line); border-radius: 8px; }
    .table-wrap.tall table.data { border: 0; }
    .table-wrap.tall thead th { position: sticky; top: 0; z-index: 1; box-shadow: inset 0 -1px 0 var(--line); }
    table.index td:first-child a { font-weight: 650; font-variant-numeric: tabular-nums; }
    .meter { display: inline-block; width: 3.2rem; height: 0.45rem; margin-right: 0.45rem; background: #e2e8f0; border-radius: 3px; overflow: hidden; vertical-align: middle; }
    .meter span { display: block; height: 100%; background: #0d9488; }
    .chips { display: inline-flex; flex-wrap: wrap; gap: 0.25rem; }
    .chip { font-family: var(--mono); font-size: 0.82rem; background: #fef3c7; border: 1px solid #fde68a; color: #451a03; border-radius: 5px; padding: 0 0.35rem; white-space: pre; }
    .chip small { margin-left: 0.35rem; color: #92400e; font-family: system-ui, sans-serif; font-size: 0.72rem; }
    .ws { color: #a8a29e; }
    mark.tok .ws { color: #b45309; }
    .cards { display: grid; gap: 0.9rem; margin-top: 1rem; }
    article.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 0.7rem 1rem 0.8rem; }
    article.card:target { outline: 3px solid #93c5fd; }
    article.card > header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.3rem 1rem; margin-bottom: 0.45rem; }
    article.card h4 { margin: 0; font-size: 1.05rem; }
    article.card .up { margin-left: auto; font-size: 0.82rem; }
    .card-body { display: flex; gap: 1rem; align-items: flex-start; }
    .card-main { flex: 1; min-width: 0; }
    .card-main > .chips { margin-bottom: 0.45rem; }
    table.kwic { width: 100%; table-layout: fixed; border-collapse: collapse; font-family: var(--mono); font-size: 12.5px; }
    table.kwic col.c-d { width: 2.6rem; } table.kwic col.c-s { width: 8.5rem; }
    table.kwic td { padding: 0.12rem 0; border-bottom: 1px dotted #eef2f7; white-space: pre; overflow: hidden; }
    table.kwic td.d { text-align: right; padding-right: 0.7rem; color: var(--muted); font-variant-numeric: tabular-nums; font-size: 11.5px; }
    table.kwic td.l div { display: flex; justify-content: flex-end; overflow: hidden; }
    table.kwic td.l div > span { flex: none; }
    table.kwic td.r div { overflow: hidden; text-overflow: clip; }
    table.kwic td.s { padding-left: 0.7rem; color: #94a3b8; font-family: system-ui, sans-serif; font-size: 11px; text-overflow: ellipsis; }
    table.kwic td.l { color: #475569; }
    table.kwic td.r { color: #475569; }
    mark.tok { background: var(--tok); color: #1c1917; border-radius: 3px; padding: 0 1px; margin: 0 1px; font-weight: 600; }
    table.kwic tr.medoid td { background: #fffbeb; border-bottom: 1px solid #fde68a; }
    table.kwic tr.medoid td.d { color: #b45309; font-weight: 700; }
    table.kwic tr.medoid td.d::before { content: '★ '; }
    table.kwic tr.medoid mark.tok { background: var(--tok-medoid); color: #fff; }
    table.kwic tr.medoid mark.tok .ws { color: #fef3c7; }
    .cut { color: #cbd5e1; }
    details { margin-top: 0.2rem; }
    details > summary { cursor: pointer; color: var(--accent); font-size: 0.85rem; padding: 0.15rem 0; }
    p.more { margin: 0.3rem 0 0; color: var(--muted); font-size: 0.8rem; }
    figure { margin: 0; }
    figure.hist { flex: none; width: 250px; }
    figure.hist figcaption { font-size: 0.75rem; color: var(--muted); text-align: center; }
    .figures { display: flex; flex-wrap: wrap; gap: 1rem; }
    .figures svg { max-width: 100%; height: auto; }
    footer { text-align: center; color: var(--muted); font-size: 0.8rem; padding: 1rem 2rem 2rem; }
    @media (max-width: 900px) { .card-body { flex-direction: column; } main { padding: 0.6rem; } nav.bar, header.top { padding-left: 0.8rem; padding-right: 0.8rem; } }
    @media print { nav.bar { position: static; } .table-wrap.tall { max-height: none; } details { display: block; } article.card { break-inside: avoid; } }

    """

    /// Sorts `table.sortable` by a clicked heading with `data-sort`, using each cell's
    /// `data-v` (numbers) or its text. Holds no report data, so nothing from the corpus
    /// ever reaches a script context.
    static let script = """
    (function () {
      function key(row, i) {
        var cell = row.children[i];
        var v = cell ? cell.getAttribute('data-v') : null;
        var x = v === null ? NaN : parseFloat(v);
        return isNaN(x) ? -Infinity : x;
      }
      document.querySelectorAll('table.sortable').forEach(function (table) {
        var heads = table.querySelectorAll('th[data-sort]');
        heads.forEach(function (th) {
          th.tabIndex = 0;
          function sort() {
            var i = Array.prototype.indexOf.call(th.parentNode.children, th);
            var down = th.getAttribute('aria-sort') !== 'descending';
            heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
            th.setAttribute('aria-sort', down ? 'descending' : 'ascending');
            var body = table.tBodies[0];
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) { var x = key(a, i), y = key(b, i); var d = x < y ? -1 : x > y ? 1 : 0; return down ? -d : d; });
            rows.forEach(function (r) { body.appendChild(r); });
          }
          th.addEventListener('click', sort);
          th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
        });
      });
    })();

    """
}
