// papersearch web page: search as you type with a cited answer above the results, a paper view with its
// cross-reference drawing and what to read before and after it, and a timeline of the eras; "Cite" copies BibTeX. Plain DOM;
// data only ever reaches the page through textContent/attributes.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const els = {
    form: $("search-form"), q: $("q"), era: $("era"), from: $("year-from"), to: $("year-to"), mode: $("mode"),
    clear: $("clear"), status: $("status"), notice: $("notice"), main: $("main"), timeline: $("view-timeline"),
    resultsView: $("view-results"), results: $("results"), paper: $("view-paper"), indexInfo: $("index-info"),
    understood: $("understood"), noMatch: $("no-match"), answer: $("answer"),
  };
  const PARTS = ["time", "intent", "names", "order"]; // parts of how a query is read that a person can take back
  const DEBOUNCE_MS = 250;
  const PAGE = 10;
  const HOOD_MAX = 3; // neighbours of each kind on a result card
  const NARROW = 600; // px: below it the drawing stacks vertically
  const MAX_K = 100; // the most entries one request may ask for (the API's cap on k)
  const YEAR_MIN = 1800;
  const YEAR_MAX = 2100;
  const state = {
    eras: [], eraById: new Map(), papers: new Map(), version: "", listLoaded: false,
    searchCtl: null, answerCtl: null, paperCtl: null, timer: 0, routed: null, paper: null, k: PAGE, lastSearch: "",
    cache: new Map(),
  };

  // ------------------------------------------------------------ DOM helpers (text only, never HTML)
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    for (const c of children.flat()) if (c != null && c !== false) el.append(c);
    return el;
  }
  function svg(tag, attrs, ...children) {
    const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
    setAttrs(el, attrs);
    for (const c of children.flat()) if (c != null && c !== false) el.append(c);
    return el;
  }
  function setAttrs(el, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") el.setAttribute("class", v);
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  const clip = (text, n) => (text.length > n ? text.slice(0, n - 1).trimEnd() + "…" : text);
  const paperHref = (id) => "#/paper/" + encodeURIComponent(id);

  // A paper's authors as core.names.authors_line lists them: the names (a count such as "over 100 additional
  // authors" is none), then "et al." when more go unnamed (the record's et_al, such a count) or unshown.
  const UNNAMED = /^(?:over|and|plus)\s+\d+/i;
  function authorNames(rec) {
    const all = rec.authors || [];
    const names = all.filter((a) => !UNNAMED.test(a));
    return { names, unnamed: Boolean(rec.et_al) || names.length !== all.length };
  }
  function allAuthors(rec) {
    const { names, unnamed } = authorNames(rec);
    return names.length ? names.join(", ") + (unnamed ? " et al." : "") : "unknown authors";
  }
  function shortAuthors(rec) {
    const { names, unnamed } = authorNames(rec);
    if (names.length <= 3) return allAuthors(rec);
    return unnamed ? `${names.slice(0, 3).join(", ")} et al.` : `${names.slice(0, 2).join(", ")} and ${names.length - 2} others`;
  }

  // A paper's kind of work as its meta line says it: a thesis's degree ("Master's thesis") as the record gives it,
  // else its CSL type in words (the words of corpus/venues.py KIND_WORDS, which a test holds them to); null for a
  // paper of neither (every paper of the list itself).
  const KINDS = {
    "article-journal": "journal article", "paper-conference": "conference paper", chapter: "book chapter",
    book: "book", thesis: "thesis", report: "report", article: "preprint",
  };
  function kindWords(rec) {
    return rec.genre || KINDS[rec.type] || rec.type || "";
  }
  function kindOfWork(rec) {
    const words = kindWords(rec);
    return words ? h("span", { class: "kind", text: words }) : null;
  }
  // The meta line of a hit or a paper: its year, its era (a link), and its kind of work when known.
  function metaLine(rec, eraLink) {
    const kind = kindOfWork(rec);
    return h("p", { class: "meta" }, h("span", { class: "year", text: String(rec.year) }), " · ", eraLink,
      ...(kind ? [" · ", kind] : []));
  }

  // ------------------------------------------------------------ API
  async function api(path, signal) {
    const res = await fetch(path, { signal, headers: { Accept: "application/json" } });
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    if (!res.ok) {
      const err = new Error(body?.error?.message || `The server answered ${res.status}.`);
      err.param = body?.error?.param || null;
      err.status = res.status;
      throw err;
    }
    return body;
  }

  // The text of a citation endpoint (BibTeX): an error comes back as the one JSON body, said in its own words.
  async function apiText(path) {
    const res = await fetch(path, { headers: { Accept: "application/x-bibtex, text/plain" } });
    if (res.ok) return res.text();
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    throw new Error(body?.error?.message || `The server answered ${res.status}.`);
  }

  // ------------------------------------------------------------ URL state: #/search?q=..., #/paper/<id>, #/era/<id>, #/
  function parseHash() {
    const raw = location.hash.replace(/^#/, "") || "/";
    const cut = raw.indexOf("?");
    const path = cut < 0 ? raw : raw.slice(0, cut);
    const params = new URLSearchParams(cut < 0 ? "" : raw.slice(cut + 1));
    for (const view of ["paper", "era"]) {
      if (!path.startsWith(`/${view}/`)) continue;
      let id = path.slice(view.length + 2);
      try { id = decodeURIComponent(id); } catch { /* a malformed escape: ask for it as written */ }
      return { view, id };
    }
    return {
      view: path === "/search" ? "search" : "timeline",
      q: params.get("q") || "", era: params.get("era") || "", from: params.get("from") || "",
      to: params.get("to") || "", mode: params.get("mode") || "hybrid",
      ignore: (params.get("ignore") || "").split(",").filter((p) => PARTS.includes(p)),
      understand: params.get("understand") !== "0",
    };
  }
  function searchHash(s) {
    const p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    if (s.era) p.set("era", s.era);
    if (s.from) p.set("from", s.from);
    if (s.to) p.set("to", s.to);
    if (s.mode && s.mode !== "hybrid") p.set("mode", s.mode);
    if (s.ignore?.length) p.set("ignore", s.ignore.join(","));
    if (s.understand === false) p.set("understand", "0");
    const qs = p.toString();
    return qs ? "#/search?" + qs : "#/";
  }
  function yearValue(input) {
    const v = input.value.trim();
    const ok = v === "" || (/^\d{4}$/.test(v) && +v >= YEAR_MIN && +v <= YEAR_MAX);
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    return ok ? v : null;
  }
  function readForm() {
    const from = yearValue(els.from);
    const to = yearValue(els.to);
    if (from === null || to === null) return null;
    // a new question is read afresh; the same one keeps the parts of its reading a person took back
    const now = parseHash();
    const same = now.view === "search" && now.q.trim() === els.q.value.trim();
    return {
      q: els.q.value.trim(), era: els.era.value, from, to, mode: els.mode.value,
      ignore: same ? now.ignore : [], understand: same ? now.understand : true,
    };
  }
  function writeForm(s) {
    if (els.q.value.trim() !== s.q.trim()) els.q.value = s.q;
    els.era.value = state.eraById.has(s.era) ? s.era : "";
    els.from.value = s.from;
    els.to.value = s.to;
    els.mode.value = ["hybrid", "dense", "lexical"].includes(s.mode) ? s.mode : "hybrid";
    els.clear.hidden = !(s.era || s.from || s.to || s.mode !== "hybrid");
    for (const el of [els.q, els.era, els.from, els.to]) el.setAttribute("aria-invalid", "false");
  }
  function commit(push) {
    const s = readForm();
    if (!s) { setStatus("Years run from 1800 to 2100."); return; }
    const hash = searchHash(s);
    if (hash !== location.hash) {
      // a new entry when asked (Enter) or when leaving another view; typing only rewrites the current one
      if (push || parseHash().view !== "search") history.pushState(null, "", hash);
      else history.replaceState(null, "", hash);
    }
    route();
  }

  // ------------------------------------------------------------ views
  function show(view) {
    for (const v of [els.timeline, els.resultsView, els.paper]) v.hidden = v !== view;
  }
  function setStatus(text) { els.status.textContent = text; }
  function setNotice(text) {
    els.notice.hidden = !text;
    els.notice.textContent = text || "";
  }

  // A view's own notice goes with the view; the list's failure stays said until the list loads.
  function listNotice() {
    return state.listLoaded || !state.listError ? "" : `Cannot load the reading list: ${state.listError}`;
  }

  function route() {
    state.routed = location.hash;
    const r = parseHash();
    setNotice(listNotice());
    if (r.view === "paper") { renderPaper(r.id); return; }
    if (r.view === "era") { renderEra(r.id); return; }
    writeForm(r);
    if (r.q.trim()) runSearch(r);
    else renderTimeline(r);
  }

  // ------------------------------------------------------------ search results
  async function runSearch(r) {
    const key = searchHash(r);
    if (key !== state.lastSearch) state.k = PAGE;
    state.lastSearch = key;
    const params = new URLSearchParams({ q: r.q, k: String(state.k), mode: els.mode.value });
    if (r.era) params.set("era", r.era);
    if (r.from) params.set("year_from", r.from);
    if (r.to) params.set("year_to", r.to);
    if (r.ignore.length) params.set("ignore", r.ignore.join(","));
    if (!r.understand) params.set("understand", "false");
    const url = "/search?" + params;
    state.searchCtl?.abort();
    state.answerCtl?.abort();
    const cached = state.cache.get(url);
    if (cached) { renderResults(cached, true); runAnswer(params, cached); return; }
    const ctl = (state.searchCtl = new AbortController());
    els.resultsView.setAttribute("aria-busy", "true");
    setStatus("Searching…");
    try {
      const data = await api(url, ctl.signal);
      state.cache.set(url, data);
      if (state.cache.size > 50) state.cache.delete(state.cache.keys().next().value);
      if (!ctl.signal.aborted) { renderResults(data); runAnswer(params, data); }
    } catch (err) {
      if (err.name === "AbortError") return;
      show(els.resultsView);
      els.answer.hidden = true;
      els.results.replaceChildren();
      setStatus("");
      setNotice(err.message);
      const field = { q: els.q, era: els.era, year_from: els.from, year_to: els.to }[err.param];
      field?.setAttribute("aria-invalid", "true");
    } finally {
      if (state.searchCtl === ctl) els.resultsView.removeAttribute("aria-busy");
    }
  }

  // ``again``: the page had these results already. Either way a repeated question says it came from a cache
  // (the server's says ``cached``) rather than showing the "0 ms" of a dictionary lookup.
  function renderResults(data, again = false) {
    show(els.resultsView);
    document.title = `${data.query} — papersearch`;
    const n = data.results.length;
    const where = data.filters.era ? ` in ${state.eraById.get(data.filters.era)?.name || data.filters.era}` : "";
    const years = data.filters.year_from || data.filters.year_to
      ? ` from ${data.filters.year_from || "the start"} to ${data.filters.year_to || "today"}` : "";
    const asked = data.corrected_query || data.query;
    const fixed = data.corrected_query ? ` (you typed “${data.query}”)` : "";
    const took = again || data.cached ? "from the cache" : data.took_ms < 1 ? "under 1 ms" : `${Math.round(data.took_ms)} ms`;
    setStatus(n ? `${n} paper${n === 1 ? "" : "s"} for “${asked}”${fixed}${where}${years} · ${took}` : "");
    if (!n) setNotice(`No paper matches “${data.query}”${where}${years}. Try other words or clear the filters.`);
    renderUnderstood(data.understood);
    els.noMatch.hidden = !(n && data.no_match);
    els.noMatch.textContent = els.noMatch.hidden ? ""
      : `Nothing in the reading list seems to match “${asked}”. These are the nearest papers:`;
    els.results.replaceChildren(...data.results.map(resultItem));
    if (n === data.k && data.k < 50) {
      els.results.append(h("li", { class: "more" }, h("button", {
        type: "button", class: "link-button", text: "Show more results",
        onclick: () => { state.k += PAGE; runSearch(parseHash()); },
      })));
    }
  }

  // ------------------------------------------------------------ the cited answer, above the results
  // Asked once the results are in: the server's ranking of the same question is then a cache hit. Every
  // sentence is the list's own, word for word; the page adds only its fixed labels.
  async function runAnswer(searchParams, results) {
    const params = new URLSearchParams(searchParams);
    params.set("k", String(PAGE)); // "show more" keeps the same answer
    const url = "/answer?" + params;
    const key = url;
    const shown = els.answer.dataset.url === url && !els.answer.hidden;
    if (shown) return;
    els.answer.hidden = true;
    els.answer.dataset.url = "";
    const cached = state.cache.get(key);
    if (cached) { renderAnswer(cached, results, url); return; }
    const ctl = (state.answerCtl = new AbortController());
    try {
      const data = await api(url, ctl.signal);
      state.cache.set(key, data);
      if (!ctl.signal.aborted) renderAnswer(data, results, url);
    } catch (err) {
      if (err.name !== "AbortError") els.answer.hidden = true; // the results already say what went wrong
    }
  }

  function renderAnswer(a, results, url) {
    els.answer.dataset.url = url;
    if (!results.results.length || (a.declined && results.no_match)) { els.answer.hidden = true; return; }
    const label = h("p", { class: "answer-label", text: "Answer from the reading list" });
    if (a.declined) {
      els.answer.replaceChildren(label, h("p", { class: "answer-declined",
        text: "The reading list does not seem to cover this question. The nearest papers are below." }));
      els.answer.dataset.declined = "true";
      els.answer.hidden = false;
      return;
    }
    delete els.answer.dataset.declined;
    const text = h("div", { class: "answer-text" });
    let para = null, last = null;
    for (const s of a.sentences) {
      if (s.source !== last) { para = h("p"); text.append(para); last = s.source; }
      para.append(h("span", { class: s.kind === "question" ? "sentence question-sentence" : "sentence", text: s.text }),
        " ", h("a", { class: "cite", href: paperHref(s.id), "data-source": String(s.source),
          title: "Open the paper", text: `${s.citation} [${s.source}]` }), " ");
    }
    const sources = h("ol", { class: "sources" }, a.sources.map((src) => h("li", { value: String(src.number) },
      h("a", { href: paperHref(src.id), text: src.title }), h("span", { class: "muted",
        text: ` (${src.year}) · ${shortAuthors(src)} · ${src.era_name}` +
          (kindWords(src) ? ` · ${kindWords(src)}` : "") }))));
    const order = h("ol", { class: "reading-order" }, a.reading_order.map((step) => h("li", null,
      h("span", { class: "year", text: String(step.year) }), " ",
      h("a", { href: paperHref(step.id), text: step.title }),
      step.source != null ? h("span", { class: "muted", text: ` [${step.source}]` })
        : h("span", { class: "muted read-first", title: step.evidence ? `“${step.evidence}”` : null,
          text: " — read first: " + step.needed_for.map((id) => `[${a.sources.find((x) => x.id === id)?.number ?? "?"}]`).join(", ")
            + " builds on it" }))));
    const ids = a.sources.map((src) => encodeURIComponent(src.id)).join(",");
    const cited = h("div", null, h("h2", { class: "answer-h", text: "Sources" }), sources,
      h("p", { class: "cite-bar" }, h("button", { type: "button", class: "link-button cite-sources",
        text: "Cite these sources", title: "Copy the sources as BibTeX",
        onclick: (ev) => copyCitation(`/cite?ids=${ids}&format=bibtex`,
          ev.currentTarget.parentElement, "BibTeX of the sources") })));
    // the program's own lines (a choice's side the list holds no paper for): set apart from the quotes
    const notes = (a.notes || []).map((note) => h("p", { class: "answer-note", title: "Not a quote from the list", text: note }));
    els.answer.replaceChildren(label, text, ...notes,
      h("div", { class: "answer-foot" },
        cited,
        h("div", null, h("h2", { class: "answer-h", text: "Read in this order" }), order)),
      h("p", { class: "answer-meta", text: `${a.order === "time" ? "Earliest first" : "Best first"} · `
        + `confidence ${a.confidence.toFixed(2)} · every sentence is quoted from the list` }));
    els.answer.hidden = false;
  }

  // How the server read the query, as chips: each × re-runs the query without that part.
  function renderUnderstood(u) {
    const r = parseHash();
    const rerun = (change) => {
      history.pushState(null, "", searchHash({ ...r, ...change }));
      route();
    };
    const chip = (part, label) => h("li", { class: "chip", "data-part": part },
      h("span", { text: label }),
      h("button", { type: "button", class: "chip-x", "aria-label": `Search without “${label}”`, title: "Remove",
        text: "×", onclick: () => rerun({ ignore: [...r.ignore, part] }) }));
    const chips = [];
    if (u?.time) chips.push(chip("time", u.time));
    if (u?.intent === "origin") chips.push(chip("intent", "who did it first"));
    if (u?.intent === "history") chips.push(chip("intent", "how it developed"));
    if (u?.names.length) chips.push(chip("names", "by or citing " + u.names.join(", ")));
    if (u?.order) chips.push(chip("order", u.order.label)); // "the oldest first", "what came after …"
    const parts = [];
    if (chips.length) {
      parts.push(h("span", { class: "understood-label", text: "Reading this as" }), h("ul", { class: "chips" }, ...chips),
        h("button", { type: "button", class: "link-button", text: "Search the words as typed",
          onclick: () => rerun({ understand: false, ignore: [] }) }));
    } else if (!r.understand) {
      parts.push(h("button", { type: "button", class: "link-button", text: "Read times, names and intent from the query",
        onclick: () => rerun({ understand: true, ignore: [] }) }));
    }
    els.understood.replaceChildren(...parts);
    els.understood.hidden = !parts.length;
  }

  function resultItem(r) {
    return h("li", { class: "result", "data-id": r.id },
      metaLine(r, h("a", { class: "era-link", href: searchHash({ ...parseHash(), era: r.era }), text: r.era_name,
        title: `Search within ${r.era_name}` })),
      h("h2", { class: "title" }, h("a", { href: paperHref(r.id), text: r.title })),
      h("p", { class: "authors", title: r.authors.length > 3 ? allAuthors(r) : null, text: shortAuthors(r) }),
      r.question ? h("p", { class: "question", text: r.question }) : null,
      r.why.sentence ? h("p", { class: "why" }, highlight(r.why.sentence, r.why.terms)) : null,
      r.why.concepts.length ? h("p", { class: "concepts", text: "Concepts: " + r.why.concepts.join(", ") }) : null,
      neighbourhood(r.neighbours, false, r.id));
  }

  // Query words the server matched (by stem) get <mark>; a tiny stemmer finds their forms in the sentence.
  function stem(word) {
    let w = word.toLowerCase().replace(/['’]s$/, "");
    if (w.length > 4 && w.endsWith("ies")) return w.slice(0, -3) + "y";
    for (const suffix of ["ing", "ed", "es", "s"]) {
      if (w.length > suffix.length + 2 && w.endsWith(suffix) && !w.endsWith("ss")) { w = w.slice(0, -suffix.length); break; }
    }
    return w;
  }
  function highlight(text, terms) {
    const wanted = new Set(terms.map(stem));
    const parts = text.split(/([\p{L}\p{N}]+(?:['’][\p{L}]+)?)/u);
    return parts.filter(Boolean).map((part, i) => (wanted.has(stem(part)) && /[\p{L}\p{N}]/u.test(part)
      ? h("mark", { text: part }) : document.createTextNode(part)));
  }

  function neighbourLink(n) {
    const how = n.kind === "cites" ? "Names it" : "Mentions its idea";
    return h("a", { class: `nb nb-${n.kind}`, href: paperHref(n.id), title: `${n.title} (${n.year}). ${how}: “${n.evidence}”` },
      clip(n.title, 64), h("span", { class: "nb-year", text: ` ${n.year}` }));
  }
  function neighbourhood(nb, withEvidence, paperId) {
    const rows = [];
    const row = (label, items) => {
      if (!items.length) return;
      rows.push(h("div", { class: "hood-row" }, h("span", { class: "hood-label", text: label }),
        h("ul", { class: "hood-items" }, items)));
    };
    const item = (n) => h("li", null, neighbourLink(n),
      withEvidence ? h("q", { class: "evidence", text: n.evidence }) : null);
    const ext = (x) => h("li", null,
      h("span", { class: "ext", title: `“${x.evidence}”`, tabindex: "0", text: x.ref }),
      withEvidence ? h("q", { class: "evidence", text: x.evidence }) : null);
    // the rest of a side the record leaves out (it lists the strongest 100), a page a click
    const more = (side, offset, total) => {
      const button = h("button", { class: "nb-more", type: "button", text: `${total - offset} more` });
      const li = h("li", null, button);
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          const page = await api(`/papers/${encodeURIComponent(paperId)}/neighbours?side=${side}&offset=${offset}`);
          const end = offset + page.results.length;
          const next = page.results.map(item);
          if (page.results.length && end < page.total) next.push(more(side, end, page.total));
          li.replaceWith(...next);
        } catch (err) {
          button.disabled = false;
          button.textContent = `${total - offset} more (could not load: ${err.message})`;
        }
      });
      return li;
    };
    // a result card shows the first few of each; the paper view shows all, with their evidence
    const few = (items, make, total = items.length, side = null) => {
      if (withEvidence) {
        const shown = items.map(make);
        if (side && total > items.length) shown.push(more(side, items.length, total));
        return shown;
      }
      if (total <= HOOD_MAX + 1) return items.map(make);
      return [...items.slice(0, HOOD_MAX).map(make),
        h("li", null, h("a", { class: "nb-more", href: paperHref(paperId), text: `${total - HOOD_MAX} more` }))];
    };
    row("Builds on", few(nb.cites, item, nb.cites_total ?? nb.cites.length, "cites"));
    row("Built upon by", few(nb.cited_by, item, nb.cited_by_total ?? nb.cited_by.length, "cited_by"));
    row("Cites outside the list", few(nb.external, ext));
    return rows.length ? h("div", { class: "hood" }, rows) : null;
  }

  // ------------------------------------------------------------ paper view
  async function renderPaper(id) {
    state.paperCtl?.abort();
    state.searchCtl?.abort();
    const ctl = (state.paperCtl = new AbortController());
    setStatus("Loading…");
    const url = "/papers/" + encodeURIComponent(id);
    const path = (direction) => api(`${url}/path?direction=${direction}&k=8`, ctl.signal).catch(() => null);
    const extras = () => Promise.all([api(`${url}/similar?k=5`, ctl.signal).catch(() => null), path("before"), path("after")]);
    try {
      // a paper of the list: its four requests at once; any other id asks for the paper alone, and one 404 ends it
      const early = state.papers.has(id) ? extras() : null;
      const paper = await api(url, ctl.signal);
      const [similar, before, after] = await (early || extras());
      if (ctl.signal.aborted) return;
      setStatus("");
      paperView(paper, similar, before, after);
    } catch (err) {
      if (err.name === "AbortError") return;
      setStatus("");
      show(els.paper);
      if (err.status === 404) {
        els.paper.replaceChildren(...notFound("No such paper", `The reading list has no paper with the id “${id}”.`,
          h("a", { href: searchHash({ q: id.replace(/[-_]+/g, " ") }), text: `Search for “${id.replace(/[-_]+/g, " ")}”` })));
        document.title = "No such paper — papersearch";
      } else {
        els.paper.replaceChildren(backLink());
        setNotice(err.message);
      }
    }
  }

  // A page for an address that names nothing: what was asked for, and the ways on (the last results, every era).
  function notFound(title, text, ...ways) {
    return [backLink(), h("h1", { class: "not-found", tabindex: "-1", text: title }), h("p", { text }),
      h("ul", { class: "ways-on" }, [...ways, h("a", { href: "#/", text: "Browse the eras" })].map((a) => h("li", null, a)))];
  }

  // #/era/<id>: the timeline of one era (as the era filter shows it); an id the list has no era for says so, with
  // the eras it has. No request: the eras came with the page; when they could not be loaded, no id is said to be
  // wrong: the page says so and offers to load them again.
  function renderEra(id) {
    const era = state.eraById.get(id);
    if (!era && !state.listLoaded) {
      state.paperCtl?.abort();
      setStatus("");
      show(els.paper);
      const retry = h("button", { type: "button", class: "retry", text: "Try again",
        onclick: async () => { retry.disabled = true; await loadList(); route(); } });
      els.paper.replaceChildren(backLink(), h("h1", { class: "not-found", tabindex: "-1", text: "Could not load the eras" }),
        h("p", { text: `The reading list's eras could not be loaded (${state.listError || "no answer"}), so the era “${id}” cannot be shown yet.` }),
        h("p", null, retry));
      document.title = "Could not load the eras — papersearch";
      return;
    }
    if (era) {
      const r = { view: "timeline", q: "", era: id, from: "", to: "", mode: "hybrid", ignore: [], understand: true };
      writeForm(r);
      renderTimeline(r);
      document.title = `${era.name} — papersearch`;
      return;
    }
    state.paperCtl?.abort();
    setStatus("");
    show(els.paper);
    els.paper.replaceChildren(...notFound("No such era", `The reading list has no era with the id “${id}”. Its eras are:`,
      ...state.eras.map((e) => h("a", { href: "#/era/" + encodeURIComponent(e.id), text: `${e.start}–${e.end} ${e.name}` }))));
    document.title = "No such era — papersearch";
  }

  function backLink() {
    const target = state.lastSearch || "#/";
    return h("nav", { class: "crumbs" }, h("a", { href: target, text: state.lastSearch ? "← Back to results" : "← All eras" }));
  }

  function paperView(p, similar, before, after) {
    state.paper = p;
    show(els.paper);
    document.title = `${p.title} — papersearch`;
    const heading = h("h1", { tabindex: "-1", text: p.title });
    els.paper.replaceChildren(...[ // a part the paper has nothing for is null: left out, never written as "null"
      backLink(),
      metaLine(p, h("a", { class: "era-link", href: "#/search?era=" + encodeURIComponent(p.era), text: p.era_name })),
      heading,
      h("p", { class: "authors", text: allAuthors(p) }),
      identifiers(p),
      citeBar(p),
      p.question ? h("p", { class: "question lead", text: p.question }) : null,
      p.summary.trim()
        ? h("div", { class: "summary" }, p.summary.split(/\n\s*\n/).map((para) => h("p", { text: para.trim() })))
        : h("p", { class: "muted no-summary", text: "The list has no summary of this paper yet." }),
      p.concepts.length ? h("section", { class: "section" }, h("h2", { text: "Concepts" }),
        h("ul", { class: "chips" }, p.concepts.map((c) => h("li", {
          title: c.aliases.length ? "Also: " + c.aliases.join(", ") : null, text: c.name,
        })))) : null,
      h("section", { class: "section" }, h("h2", { text: "Cross-references" }),
        hoodFigure(p),
        neighbourhood(p.references, true, p.id) || h("p", { class: "muted", text: "No links to other papers of the list." })),
      readingSection("Read before", "read-before", before, "It builds on no other paper of the list."),
      readingSection("Read after", "read-after", after, "No paper of the list builds on it."),
      similar?.results.length ? h("section", { class: "section" }, h("h2", { text: "Closest in meaning" }),
        h("ol", { class: "similar" }, similar.results.map((s) => h("li", null,
          h("span", { class: "year", text: String(s.year) }), " ", h("a", { href: paperHref(s.id), text: s.title }))))) : null,
    ].filter((part) => part != null));
    window.scrollTo(0, 0);
    heading.focus({ preventScroll: true });
  }

  // Where the paper was published and where to read it. Only https links are made: a DOI or an arXiv id becomes
  // an address on doi.org or arxiv.org, built here; a URL of the paper's own is a link only when it parses as
  // https (anything else, a plain http address included, is shown as text, never as a link).
  const pathPart = (text) => text.split("/").map(encodeURIComponent).join("/");
  function httpsHref(text) {
    try { const u = new URL(text); return u.protocol === "https:" ? u.href : null; } catch { return null; }
  }
  function identifiers(p) {
    const out = (href, text) => h("a", { class: "ident", href, rel: "noopener noreferrer", text });
    const items = [];
    if (p.venue) items.push(h("span", { class: "venue", text: p.venue }));
    if (p.doi) items.push(out("https://doi.org/" + pathPart(p.doi), "doi:" + p.doi));
    if (p.arxiv) items.push(out("https://arxiv.org/abs/" + pathPart(p.arxiv), "arXiv:" + p.arxiv));
    if (p.url) {
      const href = httpsHref(p.url);
      items.push(href ? out(href, clip(p.url.replace(/^https:\/\//i, ""), 60)) : h("span", { class: "url", text: p.url }));
    }
    return items.length ? h("p", { class: "identifiers" }, items.flatMap((x, i) => (i ? [" · ", x] : [x]))) : null;
  }

  // "Cite" copies the paper's BibTeX; RIS, CSL-JSON and a text reference are downloads of the same endpoint.
  function citeBar(p) {
    const base = `/papers/${encodeURIComponent(p.id)}/cite?format=`;
    const bar = h("p", { class: "cite-bar" });
    const other = (format, label, ext) => h("a", { href: base + format, download: `${p.id}.${ext}`, text: label });
    bar.append(h("button", { type: "button", class: "cite-button", text: "Cite", title: "Copy this paper as BibTeX",
      onclick: () => copyCitation(base + "bibtex", bar, "BibTeX") }),
      h("span", { class: "cite-more" }, " BibTeX · or download ", other("ris", "RIS", "ris"), " · ",
        other("csl-json", "CSL-JSON", "json"), " · ", other("text&style=harvard", "text", "txt")));
    return bar;
  }

  // The clipboard is there only in a secure context (https, or http on this machine); elsewhere, or when the
  // browser refuses, the text is shown in a box, selected, to copy by hand.
  async function copyCitation(url, where, what) {
    for (const old of where.querySelectorAll(".cite-status, .cite-fallback")) old.remove();
    const say = (text) => where.append(h("span", { class: "cite-status", role: "status", text }));
    let text;
    try { text = await apiText(url); } catch (err) { say(err.message); return; }
    try {
      if (!window.isSecureContext || !navigator.clipboard) throw new Error("no clipboard here");
      await navigator.clipboard.writeText(text);
      say(`${what} copied to the clipboard`);
    } catch {
      const box = h("textarea", { class: "cite-box", readonly: true, spellcheck: "false",
        rows: String(Math.min(12, text.split("\n").length + 1)), "aria-label": `${what}, to copy` });
      box.value = text;
      where.append(h("span", { class: "cite-fallback" },
        h("span", { class: "cite-status", role: "status", text: `This page cannot reach the clipboard: copy the ${what} below.` }), box));
      box.focus();
      box.select();
    }
  }

  // What to read before (or after) the paper: each entry with the hops that tie it, in reading order (chains of
  // citations, then what the paper mentions, then the closest in meaning). "Show the path" lights up the way in the
  // drawing (the neighbour it goes through) and spells the chain out below it; "Show all" fetches every entry.
  const TIES = {
    cites: ["cites", "A chain of citations ties it to this paper"],
    mentions: ["mentions", "Tied through a mention of its idea"],
    similar: ["by meaning", "Close in meaning, not a reference: no edge of the graph ties it this way"],
    time: ["by time", "Not tied to it: nothing in the graph or near in meaning is, so the papers nearest in time"],
  };
  function readingSection(title, cls, path, none) {
    if (!path) return null;
    const section = h("section", { class: `section reading ${cls}` });
    const fill = (list) => {
      const order = "citations first, then what it mentions, then the closest in meaning.";
      const shown = list.results.length;
      const most = Math.min(list.total, MAX_K); // the API gives at most MAX_K of a list, from its start
      const count = shown < 2 ? null : shown === list.total
        ? h("p", { class: "reading-count muted", text: `All ${shown}: ${order}` })
        : shown >= most
        ? h("p", { class: "reading-count muted", text: `The first ${shown} of ${list.total} (one request gives at most ${MAX_K}): ${order}` })
        : h("p", { class: "reading-count muted" }, `${shown} of ${list.total}: ${order} `, h("button", {
          type: "button", class: "link-button show-all", text: most === list.total ? `Show all ${list.total}` : `Show the first ${most}`,
          onclick: async (ev) => {
            const button = ev.currentTarget;
            button.disabled = true;
            const url = `/papers/${encodeURIComponent(list.id)}/path?direction=${list.direction}&k=${most}`;
            try {
              fill(await api(url, state.paperCtl?.signal));
              section.querySelectorAll(".reading-list > li > a")[shown]?.focus(); // the first entry not shown before
            } catch (err) {
              if (err.name !== "AbortError") { setNotice(err.message); button.disabled = false; }
            }
          },
        }));
      const items = list.results.map((item) => readingItem(item, list.direction));
      section.replaceChildren(...[h("h2", { text: title }), count,
        items.length ? h("ol", { class: "reading-list" }, items) : h("p", { class: "muted", text: none })].filter(Boolean));
    };
    fill(path);
    return section;
  }

  function readingItem(item, direction) {
    const near = direction === "before" ? item.hops[item.hops.length - 1] : item.hops[0];
    const chain = [item.hops[0].earlier, ...item.hops.map((x) => x.later)]; // in time order
    const tie = direction === "before" ? item.hops[0] : item.hops[item.hops.length - 1];
    const via = chain.slice(1, -1).map((id) => state.papers.get(id)?.title || id);
    const [label, why] = TIES[item.tie] || [item.tie, ""];
    return h("li", { "data-id": item.id, "data-tie": item.tie },
      h("span", { class: "year", text: String(item.year) }), " ",
      h("a", { href: paperHref(item.id), text: item.title }), " ",
      h("span", { class: `tie tie-${item.tie}`, title: why, text: label }),
      via.length ? h("span", { class: "muted", text: ` — via ${via.join(" → ")}` }) : null,
      tie.kind === "time" ? h("span", { class: "evidence", text: "nearest in time, not tied to it" })
      : tie.kind === "similar"
        ? h("span", { class: "evidence", text: "≈ close in meaning, not a reference" })
        : h("q", { class: "evidence", title: tie.kind === "cites" ? "Names it" : "Mentions its idea", text: tie.evidence }),
      h("button", { type: "button", class: "link-button path-toggle", "aria-pressed": "false",
        text: "Show the path", onclick: (ev) => highlightPath(near, direction, item.hops, ev.currentTarget) }));
  }

  function highlightPath(near, direction, hops, button) {
    const wasOn = button.getAttribute("aria-pressed") === "true";
    for (const el of els.paper.querySelectorAll(".on-path")) el.classList.remove("on-path");
    for (const b of els.paper.querySelectorAll(".path-toggle")) b.setAttribute("aria-pressed", "false");
    const caption = els.paper.querySelector(".path-caption");
    caption.hidden = true;
    if (wasOn) return;
    button.setAttribute("aria-pressed", "true");
    const neighbour = direction === "before" ? near.earlier : near.later;
    for (const el of els.paper.querySelectorAll(`.hood-svg [data-id="${CSS.escape(neighbour)}"], .hood-svg .node-centre`)) {
      el.classList.add("on-path");
    }
    const name = (id) => { const x = state.papers.get(id); return x ? `${x.title} (${x.year})` : id; };
    caption.textContent = "Path: " + name(hops[0].earlier)
      + hops.map((x) => ({ similar: " ≈ ", time: " · " }[x.kind] || " → ") + name(x.later)).join("")
      + (hops.some((x) => x.kind === "similar") ? " (≈: close in meaning, not a reference)" : "");
    caption.hidden = false;
  }

  function hoodFigure(p) {
    const drawing = hoodDrawing(p);
    const narrow = drawing.dataset.layout === "narrow";
    const [before, after] = narrow ? ["Above", "Below"] : ["Left", "Right"];
    const sample = (kind, text) => h("span", { class: "legend-item", "data-kind": kind },
      svg("svg", { class: "legend-line", viewBox: "0 0 34 10", width: "34", height: "10", "aria-hidden": "true" },
        svg("line", { x1: 1, y1: 5, x2: 33, y2: 5, class: `edge edge-${kind}` })), " ", text);
    return h("figure", { class: "hood-figure" }, drawing,
      h("p", { class: "hood-legend" }, sample("cites", narrow ? "names the paper (outer rail)" : "names the paper"),
        sample("mentions", narrow ? "mentions its idea (inner rail)" : "mentions its idea")),
      h("figcaption", {
        text: `${before}: earlier papers of the list it builds on. ${after}: later papers that build on it.`,
      }), h("p", { class: "path-caption", role: "status", hidden: true }));
  }

  // The paper in the centre, what it builds on to the left, what builds on it to the right (by year).
  // Below NARROW pixels the same drawing stacks: builds-on above, built-upon-by below, joined along the left by two
  // rails, an outer one for citations (solid) and an inner one for mentions (dashed), each meeting the centre apart.
  function hoodDrawing(p) {
    const left = [...p.references.cites].sort((a, b) => a.year - b.year);
    const right = [...p.references.cited_by].sort((a, b) => a.year - b.year);
    const narrow = els.main.clientWidth < NARROW;
    const L = narrow ? narrowLayout(left.length, right.length) : wideLayout(left.length, right.length);
    const drawing = svg("svg", {
      class: "hood-svg", viewBox: `0 0 ${L.W} ${L.H}`, role: "img", "data-layout": narrow ? "narrow" : "wide",
      "aria-label": `${p.title}: builds on ${left.length} papers of the list; ${right.length} build on it`,
    });
    drawing.append(svg("defs", null, svg("marker", {
      id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse",
    }, svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }))));
    const c = L.centre;
    const node = (n, box) => svg("a", { href: paperHref(n.id), class: "node", "data-id": n.id },
      svg("title", { text: `${n.title} (${n.year}) — “${n.evidence}”` }),
      svg("rect", { x: box.x, y: box.y, width: box.w, height: box.h, rx: 8 }),
      svg("text", { x: box.x + 12, y: box.y + 19, class: "node-year", text: String(n.year) }),
      wrap(n.title, L.chars, 2).map((line, i) => svg("text", { x: box.x + 12, y: box.y + 36 + i * 16, class: "node-title", text: line })));
    const edge = (n, d) => svg("path", { class: `edge edge-${n.kind}`, "marker-end": "url(#arrow)", "data-id": n.id, d });
    left.forEach((n, i) => { const b = L.left(i); drawing.append(edge(n, L.inEdge(b, n.kind)), node(n, b)); });
    right.forEach((n, i) => { const b = L.right(i); drawing.append(edge(n, L.outEdge(b, n.kind)), node(n, b)); });
    const lines = wrap(p.title, L.centreChars, 3);
    const textTop = c.y + (c.h - (22 + lines.length * 17)) / 2; // centre the year and title in the box
    const centre = svg("g", { class: "node node-centre" },
      svg("rect", { x: c.x, y: c.y, width: c.w, height: c.h, rx: 10 }),
      svg("text", { x: c.x + c.w / 2, y: textTop + 14, class: "node-year", "text-anchor": "middle", text: String(p.year) }));
    lines.forEach((line, i) => centre.append(svg("text", {
      x: c.x + c.w / 2, y: textTop + 36 + i * 17, class: "node-title", "text-anchor": "middle", text: line,
    })));
    drawing.append(centre);
    if (!left.length && !right.length) {
      drawing.append(svg("text", { x: L.W / 2, y: L.H - 6, class: "muted-text", "text-anchor": "middle",
        text: "no links to other papers of the list" }));
    }
    return drawing;
  }
  function wideLayout(nl, nr) {
    const W = 920, boxW = 250, boxH = 62, gap = 10, cW = 270, cH = 96, chars = 31;
    const H = Math.max(Math.max(nl, nr, 1) * (boxH + gap) + gap, cH + 2 * gap);
    const centre = { x: (W - cW) / 2, y: (H - cH) / 2, w: cW, h: cH };
    const midY = centre.y + centre.h / 2;
    const column = (n, x) => (i) => ({ x, y: (H - n * (boxH + gap) + gap) / 2 + i * (boxH + gap), w: boxW, h: boxH });
    const curve = (x1, y1, x2, y2) => `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`;
    return {
      W, H, centre, chars, centreChars: 27,
      left: column(nl, gap), right: column(nr, W - boxW - gap),
      inEdge: (b) => curve(b.x + b.w, b.y + b.h / 2, centre.x - 2, midY),
      outEdge: (b) => curve(centre.x + centre.w, midY, b.x - 2, b.y + b.h / 2),
    };
  }
  function narrowLayout(nl, nr) {
    const W = 380, x = 40, boxW = W - x - 6, boxH = 62, gap = 10, cH = 96, chars = 42;
    const rail = { cites: 10, mentions: 25 };
    const top = 8;
    const centre = { x, y: top + nl * (boxH + gap) + (nl ? 14 : 0), w: boxW, h: cH };
    const below = centre.y + cH + 14;
    const H = below + nr * (boxH + gap) + (nr ? 0 : -6);
    const at = (y0) => (i) => ({ x, y: y0 + i * (boxH + gap), w: boxW, h: boxH });
    // where each kind meets the centre: the inner rail's ends lie outside the outer rail's, so the two never cross
    const port = { in: { mentions: centre.y + 22, cites: centre.y + 38 }, out: { cites: centre.y + cH - 38, mentions: centre.y + cH - 22 } };
    const via = (r, y1, y2, x2) => {
      const turn = Math.sign(y2 - y1) * 8;
      return `M${x},${y1} H${r + 8} Q${r},${y1} ${r},${y1 + turn} V${y2 - turn} Q${r},${y2} ${r + 8},${y2} H${x2}`;
    };
    const kind = (k) => (k === "cites" ? "cites" : "mentions");
    return {
      W, H, centre, chars, centreChars: 36,
      left: at(top), right: at(below),
      inEdge: (b, k) => via(rail[kind(k)], b.y + b.h / 2, port.in[kind(k)], x - 2),
      outEdge: (b, k) => via(rail[kind(k)], port.out[kind(k)], b.y + b.h / 2, x - 2),
    };
  }
  function wrap(text, width, maxLines) {
    const lines = [];
    let line = "";
    for (const word of text.split(/\s+/)) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; } else line = line ? line + " " + word : word;
    }
    if (line) lines.push(line);
    if (lines.length > maxLines) { lines.length = maxLines; lines[maxLines - 1] = clip(lines[maxLines - 1] + " …", width); }
    return lines;
  }

  // ------------------------------------------------------------ timeline (landing view)
  function renderTimeline(r) {
    show(els.timeline);
    document.title = "papersearch — Fundamental AI Papers";
    setStatus("");
    const from = r.from ? +r.from : -Infinity, to = r.to ? +r.to : Infinity;
    const eras = state.eras.filter((e) => !r.era || e.id === r.era);
    const filtered = Boolean(r.era || r.from || r.to);
    const items = eras.map((e) => {
      const papers = e.papers.map((id) => state.papers.get(id)).filter((p) => p && p.year >= from && p.year <= to);
      if (filtered && !papers.length) return null;
      return h("li", { class: "era", id: "era-" + e.id },
        h("div", { class: "era-years", text: `${e.start}–${e.end}` }),
        h("div", { class: "era-body" },
          h("h2", { text: e.name }),
          h("p", { class: "intro", text: e.intro }),
          h("ul", { class: "era-papers" }, papers.map((p) => h("li", null,
            h("span", { class: "year", text: String(p.year) }),
            h("span", { class: "era-paper" }, h("a", { href: paperHref(p.id), text: p.title }),
              h("span", { class: "by", text: shortAuthors(p) })))))));
    }).filter(Boolean);
    const total = items.reduce((sum, li) => sum + li.querySelectorAll(".era-papers li").length, 0);
    els.timeline.replaceChildren(
      h("div", { class: "timeline-intro" },
        h("h1", { text: filtered ? `${total} paper${total === 1 ? "" : "s"} in view` : `${state.eras.length} eras of AI research` }),
        h("p", { text: filtered
          ? "Type a question above to search within these filters, or clear them to see every era."
          : `${state.papers.size} papers, from the first model of a neuron to today's reasoning models. Browse, or ask a question above.` })),
      filtered ? null : eraNav(),
      items.length ? h("ol", { class: "timeline" }, items) : h("p", { class: "muted", text: "No paper falls within these filters." }));
  }

  // The eras as chips. On a narrow screen they stay on one line that scrolls sideways: the side with more chips
  // fades out and an arrow there scrolls on, so the row never just ends at the screen's edge.
  function eraNav() {
    const nav = h("nav", { class: "era-nav", "aria-label": "Jump to an era" }, state.eras.map((e) => h("button", {
      type: "button", class: "era-chip", onclick: () => $("era-" + e.id)?.scrollIntoView({ behavior: "smooth" }),
    }, h("span", { class: "year", text: String(e.start) }), " ", e.name)));
    const arrow = (side, sign) => h("button", {
      type: "button", class: `era-scroll era-scroll-${side}`, tabindex: "-1", "aria-hidden": "true", text: sign > 0 ? "›" : "‹",
      onclick: () => nav.scrollBy({ left: sign * nav.clientWidth * 0.7, behavior: "smooth" }),
    });
    const row = h("div", { class: "era-row" }, nav, arrow("left", -1), arrow("right", 1));
    const mark = () => {
      row.classList.toggle("more-left", nav.scrollLeft > 2);
      row.classList.toggle("more-right", nav.scrollLeft + nav.clientWidth < nav.scrollWidth - 2);
    };
    nav.addEventListener("scroll", mark, { passive: true });
    window.addEventListener("resize", mark);
    requestAnimationFrame(mark);
    return row;
  }

  // ------------------------------------------------------------ wiring
  els.q.addEventListener("input", () => {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => commit(false), DEBOUNCE_MS);
  });
  els.form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearTimeout(state.timer);
    commit(true);
  });
  for (const el of [els.era, els.mode]) el.addEventListener("change", () => commit(false));
  for (const el of [els.from, els.to]) {
    el.addEventListener("input", () => {
      clearTimeout(state.timer);
      state.timer = setTimeout(() => commit(false), DEBOUNCE_MS * 2);
    });
  }
  els.clear.addEventListener("click", () => {
    els.era.value = ""; els.from.value = ""; els.to.value = ""; els.mode.value = "hybrid";
    commit(true);
    els.q.focus();
  });
  // a followed link fires both events; route once per address
  const onNavigate = () => { if (location.hash !== state.routed) route(); };
  window.addEventListener("popstate", onNavigate);
  window.addEventListener("hashchange", onNavigate);
  document.addEventListener("keydown", (ev) => {
    const typing = ev.target.closest("input, select, textarea");
    if (ev.key === "/" && !typing) { ev.preventDefault(); els.q.focus(); els.q.select(); }
    if (ev.key === "Escape" && ev.target === els.q && els.q.value) { els.q.value = ""; commit(false); }
  });

  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      const drawing = els.paper.hidden ? null : els.paper.querySelector(".hood-svg");
      const want = els.main.clientWidth < NARROW ? "narrow" : "wide";
      if (drawing && state.paper && drawing.dataset.layout !== want) drawing.closest("figure").replaceWith(hoodFigure(state.paper));
    }, 150);
  });

  // The eras and the papers, once (again after a failure: ``renderEra``'s "Try again"); a failure is said.
  async function loadList() {
    try {
      const [eras, papers] = await Promise.all([api("/eras"), api("/papers")]);
      state.eras = eras.eras;
      state.version = papers.index_version;
      for (const e of eras.eras) state.eraById.set(e.id, e);
      for (const p of papers.papers) state.papers.set(p.id, p);
      els.era.replaceChildren(els.era.options[0], ...eras.eras.map((e) => h("option", { value: e.id, text: e.name })));
      els.indexInfo.textContent = `${papers.count} papers · index ${papers.index_version}`;
      state.listLoaded = true;
      state.listError = "";
      document.body.dataset.ready = "true";
    } catch (err) {
      state.listError = err.message;
      setNotice(listNotice());
    }
  }

  async function start() {
    if (els.main.clientWidth < NARROW) els.q.placeholder = "Ask a question…";
    await loadList();
    route();
  }
  start();
})();
