// Cohort Archive search: the header box (Material's look and keys: "/" or "s" focuses, Esc closes,
// arrows move through the hits) and the search page (facets, shareable ?q=...&cohort=… URLs), both on the
// Pagefind bundles under <site root>/pagefind/: the main one (pagefind.js, the hand-written pages and the
// newest cohort) and one per other cohort, listed in cohort-archive-facets.json and merged into the main
// one (Pagefind's mergeIndex). Nothing is loaded until someone searches; then only the parts of each index
// the query needs. Everything taken from the index is inserted as text, never as HTML.
(function () {
  "use strict";
  if (window.__caSearch) return; // loaded twice (instant navigation): keep the first
  window.__caSearch = true;

  const script = document.currentScript;
  // this file is <root>/assets/cohort-archive/search.js
  const ROOT = new URL("../../", script && script.src ? script.src : location.href);
  const BUNDLE = new URL("pagefind/", ROOT);
  const FACETS = ["cohort", "question", "group", "within"];
  const FACET_TITLES = { cohort: "Cohort", question: "Question", group: "Group", within: "Word and image limits" };
  const EXCERPT_LENGTH = 28; // words
  const PAGE_SIZE = 10;
  const DROPDOWN_SIZE = 6;
  const GROUPS_SHOWN = 12;
  const MSG_FILE =
    "Search needs the site to be served over http(s); run `make serve` or open the published site.";
  const MSG_MISSING = "The search index could not be loaded (was the site built with search turned on?).";

  // ---------------------------------------------------------------------------------------------
  // The engine: Pagefind, imported on first use

  class Unavailable extends Error {}
  let enginePromise = null;
  let labelsPromise = null;

  function engine() {
    if (!enginePromise) {
      enginePromise = (async () => {
        if (location.protocol === "file:") throw new Unavailable(MSG_FILE);
        const listed = labels(); // the list of bundles, fetched beside pagefind.js
        let pagefind;
        try {
          pagefind = await import(new URL("pagefind.js", BUNDLE).href);
        } catch (err) {
          throw new Unavailable(location.protocol === "file:" ? MSG_FILE : MSG_MISSING);
        }
        // noWorker: the search runs in this page, saving the worker script download (~40 kB)
        await pagefind.options({ excerptLength: EXCERPT_LENGTH, noWorker: true });
        await pagefind.init(); // the main bundle's metadata and WebAssembly load while the list comes
        const others = ((await listed).bundles || []).filter((b) => b && b.path);
        // a merged index takes only the options given here (the main one's options are not inherited)
        const merged = { excerptLength: EXCERPT_LENGTH, baseUrl: ROOT.pathname };
        try {
          await Promise.all(others.map((b) => pagefind.mergeIndex(new URL(b.path, BUNDLE).pathname, merged)));
        } catch (err) {
          throw new Unavailable(MSG_MISSING);
        }
        return pagefind;
      })();
    }
    return enginePromise;
  }

  // Pagefind ranks pages that contain every word, without regard to word order. For a query of several
  // words, answers that hold them as the exact phrase come first (a second, exact-phrase search over the
  // same index chunks, so no extra download). Hits that only Pagefind's fallback found are left out (below).
  async function search(q, filters) {
    const pagefind = await engine();
    await labels(); // hits are labelled from it (where, heading)
    const options = { filters: filters || {} };
    const term = q && q.trim() ? q.trim() : null;
    const found = await pagefind.search(term, options);
    const bad = term ? await fallbacks(pagefind, term) : NO_FALLBACKS;
    const results = bad.bundles.size ? found.results.filter((r) => !bad.bundles.has(bundleOf(r.id))) : found.results;
    if (!term || /^".*"$/.test(term) || term.split(/\s+/).length < 2 || results.length < 2) {
      return Object.assign({}, found, { results });
    }
    const exact = await pagefind.search('"' + term.replace(/"/g, "") + '"', options);
    const first = new Set(((exact && exact.results) || []).map((r) => r.id));
    const ranked = results.filter((r) => first.has(r.id)).concat(results.filter((r) => !first.has(r.id)));
    return Object.assign({}, found, { results: ranked });
  }

  // Pagefind looks each word up in every bundle on its own, and a bundle that lacks the word falls back to
  // the longest prefix of it that the bundle has (Pagefind issue #780): "toadstool" finds "to". With one
  // bundle per cohort, a word only one cohort used brought every other cohort's answers with "to", often
  // ranked above the one real hit. A bundle's hits share its lookups, so its best hit tells for all of
  // them: when that hit's text has no word like every word of the query, the bundle's hits are left
  // out (and its cohorts from the facet counts). Costs one fragment per bundle, most of them shown anyway.
  const NO_FALLBACKS = { bundles: new Set(), cohorts: new Set() };
  const fallbackMemo = new Map();
  const BUNDLE_OF = /^([a-z]{2,3}(?:[-_][a-z0-9]+)?_[0-9a-z]{5})[0-9a-z]+$/; // compact fragment names

  function bundleOf(id) {
    const m = BUNDLE_OF.exec(String(id || ""));
    return m ? m[1] : null;
  }

  function wordsOf(text) {
    return String(text || "")
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length >= 2);
  }

  // `word` (from a hit) stands for `term` (from the query) when it starts with the term's stem: a longer
  // word being typed, or another form of the word (Pagefind stems both sides); a fallback hit is a shorter
  // prefix of the term ("to", "head" for "headwind", "photo" for "photon"). The stem is cut from common
  // English endings, twice at most, and always at least as short as Pagefind's (Snowball) stem would be:
  // a stem too long would drop real hits ("compose" is stemmed "compos", as "composing" is).
  const ENDINGS = ["izations", "ization", "ational", "fulness", "iveness", "ousness", "ations", "ation",
    "ements", "ement", "ments", "ment", "ness", "ingly", "ings", "ing", "edly", "ies", "ied", "able", "ible",
    "ance", "ence", "ants", "ant", "ents", "ent", "isms", "ism", "izes", "ized", "ize", "ous", "ive", "ers",
    "er", "al", "ic", "es", "ed", "ly", "s", "e", "y"]; // prettier-ignore

  function stemOf(term) {
    let stem = term;
    for (let pass = 0; pass < 2; pass++) {
      const end = ENDINGS.find((e) => stem.endsWith(e) && stem.length - e.length >= 3);
      if (!end) break;
      stem = stem.slice(0, -end.length);
      if (/^(ing|ings|ingly|ed|edly)$/.test(end) && /([bdfglmnprt])\1$/.test(stem)) stem = stem.slice(0, -1);
    }
    return stem;
  }

  function alike(word, term) {
    return word.startsWith(stemOf(term));
  }

  // Every word of the whole text, not only at the hit's locations: Pagefind counts word positions its
  // own way ("docker-compose"), and a bundle holding a word like the term did not fall back anyway.
  function matchesEvery(data, terms) {
    const words = wordsOf(data.content);
    return terms.every((t) => words.some((w) => alike(w, t)));
  }

  function fallbacks(pagefind, term) {
    if (!fallbackMemo.has(term)) {
      fallbackMemo.set(
        term,
        (async () => {
          const terms = /^".*"$/.test(term) ? [] : wordsOf(term); // an exact phrase has no fallback
          if (!terms.length) return NO_FALLBACKS;
          const found = await pagefind.search(term, {});
          const listed = (await labels()).bundles || [];
          const best = new Map();
          for (const r of found.results) {
            const key = bundleOf(r.id);
            if (!best.has(key)) best.set(key, r);
          }
          // fragment names that do not tell the bundle (not compacted): leave Pagefind's answer as it is
          if (best.has(null) || best.size > Math.max(1, listed.length)) return NO_FALLBACKS;
          const out = { bundles: new Set(), cohorts: new Set() };
          await Promise.all(
            Array.from(best, async ([key, r]) => {
              const data = await r.data();
              if (matchesEvery(data, terms)) return;
              out.bundles.add(key);
              const cohort = aboutOf(data).cohort;
              const entry = listed.find((b) => (cohort ? (b.cohorts || []).includes(cohort) : !b.path));
              for (const c of (entry && entry.cohorts) || (cohort ? [cohort] : [])) out.cohorts.add(c);
            }),
          );
          return out;
        })(),
      );
    }
    return fallbackMemo.get(term);
  }

  // The filters of a search, with the cohorts whose bundle only had fallback hits for `term` left out.
  async function withoutFallbackCohorts(pagefind, term, filters) {
    const bad = term ? await fallbacks(pagefind, term) : NO_FALLBACKS;
    if (!bad.cohorts.size) return filters;
    const all = Object.keys((await labels()).cohort || {});
    const chosen = filters.cohort ? filters.cohort.any : all;
    const kept = chosen.filter((c) => !bad.cohorts.has(c));
    // no cohort left: a value no record has (an empty `any` could be read as no filter at all)
    return Object.assign({}, filters, { cohort: { any: kept.length ? kept : ["\u0000none"] } });
  }

  // For tests and benchmarks: the same search the UI runs, with the result data of the first `top`.
  window.CohortArchiveSearch = {
    stem: (term) => stemOf(term),
    search: async (q, filters, top) => {
      const found = await search(q, filters);
      const data = await Promise.all(found.results.slice(0, top || 10).map((r) => r.data()));
      return { count: found.results.length, results: data };
    },
  };

  let labelsNow = {}; // the facet labels once loaded (hits are labelled with them)

  function labels() {
    if (!labelsPromise) {
      labelsPromise = fetch(new URL("cohort-archive-facets.json", BUNDLE).href)
        .then((r) => (r.ok ? r.json() : {}))
        .catch(() => ({}))
        .then((names) => (labelsNow = names));
    }
    return labelsPromise;
  }

  function messageOf(err) {
    return err instanceof Unavailable ? err.message : "Search failed: " + (err && err.message ? err.message : err);
  }

  // ---------------------------------------------------------------------------------------------
  // Safe DOM building

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  const ENTITIES = { lt: "<", gt: ">", amp: "&", quot: '"', "#39": "'", "#x27": "'", nbsp: "\u00a0" };
  function decode(text) {
    return text.replace(/&(lt|gt|amp|quot|#39|#x27|nbsp);/g, (m, name) => ENTITIES[name]);
  }

  // Pagefind excerpts are text with "<" and ">" escaped and <mark>...</mark> around the hits: split on the
  // mark tags and insert every piece as a text node.
  function appendExcerpt(parent, excerpt) {
    let marked = false;
    for (const part of String(excerpt || "").split(/(<mark>|<\/mark>)/)) {
      if (part === "<mark>") marked = true;
      else if (part === "</mark>") marked = false;
      else if (part) parent.appendChild(marked ? el("mark", null, decode(part)) : document.createTextNode(decode(part)));
    }
    return parent;
  }

  // Only links into this site; anything else (never expected) becomes a dead link.
  function safeHref(url) {
    try {
      const u = new URL(url, location.href);
      return u.origin === location.origin && /^https?:$/.test(u.protocol) ? u.href : "#";
    } catch (e) {
      return "#";
    }
  }

  // An answer's record holds no words but its own (a title would match every answer of a group or a
  // question): what it is comes from its filters and its URL's `#q<n>` anchor, named by the facet labels.
  function aboutOf(data) {
    const filters = data.filters || {};
    const group = (filters.group || [])[0] || "";
    const number = /#q(\d+)$/.exec(String(data.url || ""));
    return {
      cohort: (filters.cohort || [])[0] || null,
      group: group.slice(group.lastIndexOf("/") + 1),
      question: (filters.question || [])[0] || null,
      number: number ? number[1] : null,
    };
  }

  function where(data) {
    const about = aboutOf(data);
    if (!about.cohort) return "Page";
    const cohort = (labelsNow.cohort || {})[about.cohort] || about.cohort;
    return [cohort, "Group " + about.group].join(" \u203a ");
  }

  function heading(data) {
    const about = aboutOf(data);
    if (!about.cohort) return (data.meta && data.meta.title) || data.url;
    if (!about.number) return "Report (no template)";
    return "Q" + about.number + " \u00b7 " + ((labelsNow.question || {})[about.question] || about.question);
  }

  // ---------------------------------------------------------------------------------------------
  // Search state <-> URL

  function readState(search) {
    const params = new URLSearchParams(search);
    const state = { q: (params.get("q") || "").trim(), filters: {} };
    for (const name of FACETS) {
      const values = params.getAll(name).filter(Boolean);
      if (values.length) state.filters[name] = Array.from(new Set(values));
    }
    return state;
  }

  function stateQuery(state) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    for (const name of FACETS) for (const v of state.filters[name] || []) params.append(name, v);
    const text = params.toString();
    return text ? "?" + text : "";
  }

  function pagefindFilters(filters, except) {
    const out = {};
    for (const [name, values] of Object.entries(filters)) {
      if (name !== except && values.length) out[name] = { any: values };
    }
    return out;
  }

  function searchUrl(state) {
    const form = document.querySelector("[data-ca-header-search] form");
    const base = form ? new URL(form.getAttribute("action") || "search/", location.href) : new URL("search/", ROOT);
    return base.pathname + stateQuery(state);
  }

  // ---------------------------------------------------------------------------------------------
  // The header box

  function isEditable(node) {
    return !!node && (node.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(node.tagName));
  }

  function setToggle(on) {
    const toggle = document.getElementById("__search");
    if (toggle && toggle.checked !== on) {
      toggle.checked = on;
      toggle.dispatchEvent(new Event("change"));
    }
  }

  function initHeader() {
    const box = document.querySelector("[data-ca-header-search]");
    if (!box || box.dataset.caReady) return;
    box.dataset.caReady = "1";
    const form = box.querySelector("form");
    const input = box.querySelector("input[name=q]");
    const meta = box.querySelector(".md-search-result__meta");
    const list = box.querySelector(".md-search-result__list");
    const initialMeta = meta.textContent;
    const toggle = document.getElementById("__search");
    let seq = 0;
    let timer = 0;

    function links() {
      return Array.from(list.querySelectorAll("a"));
    }

    async function run() {
      const q = input.value.trim();
      const mine = ++seq;
      if (!q) {
        list.replaceChildren();
        meta.textContent = initialMeta;
        return;
      }
      meta.textContent = "Searching\u2026";
      try {
        const found = await search(q);
        if (mine !== seq) return;
        const top = await Promise.all(found.results.slice(0, DROPDOWN_SIZE).map((r) => r.data()));
        if (mine !== seq) return;
        const n = found.results.length;
        meta.replaceChildren();
        if (!n) {
          meta.textContent = "No results for \u201c" + q + "\u201d";
        } else {
          meta.appendChild(document.createTextNode(n + (n === 1 ? " result \u00b7 " : " results \u00b7 ")));
          const all = el("a", "ca-header-search__all", "all results and filters \u203a");
          all.href = searchUrl({ q: q, filters: {} });
          meta.appendChild(all);
        }
        // hits of a query typed earlier may land while the user arrows through newer ones: keep the
        // focus where it was instead of dropping it with the old links
        const focused = links().indexOf(document.activeElement);
        list.replaceChildren(...top.map(dropdownItem));
        if (focused >= 0) {
          const now = links();
          (now[Math.min(focused, now.length - 1)] || input).focus();
        }
      } catch (err) {
        if (mine !== seq) return;
        list.replaceChildren();
        meta.textContent = messageOf(err);
      }
    }

    function dropdownItem(data) {
      const li = el("li", "md-search-result__item");
      const a = el("a", "md-search-result__link");
      a.href = safeHref(data.url);
      a.tabIndex = -1;
      const article = el("article", "md-search-result__article md-typeset");
      article.appendChild(el("div", "md-search-result__icon md-icon"));
      article.appendChild(el("p", "ca-hit__where", where(data)));
      article.appendChild(el("h1", null, heading(data)));
      article.appendChild(appendExcerpt(el("p", "ca-hit__excerpt"), data.excerpt));
      a.appendChild(article);
      a.addEventListener("click", () => setToggle(false));
      li.appendChild(a);
      return li;
    }

    input.addEventListener("focus", () => {
      setToggle(true);
      // fetch Pagefind, its WebAssembly and the index metadata while the user types
      engine()
        .then((pagefind) => pagefind.init())
        .catch(() => {});
    });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    form.addEventListener("reset", () => {
      setTimeout(() => {
        run();
        input.focus();
      });
    });
    form.addEventListener("submit", (event) => {
      const q = input.value.trim();
      if (!q) {
        event.preventDefault();
        return;
      }
      const page = document.querySelector("[data-ca-search]");
      if (page && page.caSearch) {
        // already on the search page: search there instead of reloading it
        event.preventDefault();
        setToggle(false);
        input.blur();
        page.caSearch.set({ q: q, filters: {} }, true);
      }
    });
    if (toggle) {
      toggle.addEventListener("change", () => {
        if (toggle.checked) {
          if (document.activeElement !== input) input.focus();
        } else if (box.contains(document.activeElement)) {
          document.activeElement.blur();
        }
      });
    }
    box.addEventListener("keydown", (event) => {
      const items = links();
      const at = items.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.preventDefault();
        setToggle(false);
        input.blur();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) return;
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        const next = at < 0 ? (step > 0 ? 0 : items.length - 1) : at + step;
        if (next < 0 || next >= items.length) input.focus();
        else items[next].focus();
      } else if (at >= 0 && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
        input.focus(); // typing on a focused hit goes back to the box
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || isEditable(event.target)) return;
      if (event.key === "/" || event.key === "s" || event.key === "S") {
        event.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // The search page

  function initPage() {
    const root = document.querySelector("[data-ca-search]");
    if (!root || root.caSearch) return;
    const form = root.querySelector(".ca-search__form");
    const input = root.querySelector(".ca-search__input");
    const status = root.querySelector(".ca-search__status");
    const facetsBox = root.querySelector(".ca-search__facets");
    const list = root.querySelector(".ca-search__results");
    const more = root.querySelector(".ca-search__more");
    let state = readState(location.search);
    let results = [];
    let shown = 0;
    let seq = 0;
    let timer = 0;
    let showAllGroups = false;

    function set(next, push) {
      state = { q: (next.q || "").trim(), filters: next.filters || {} };
      input.value = state.q;
      const url = location.pathname + stateQuery(state);
      if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
      run();
    }
    root.caSearch = { set: set, state: () => state };

    function hasFilters() {
      return FACETS.some((name) => (state.filters[name] || []).length);
    }

    function say(text) {
      status.textContent = text;
    }

    async function run() {
      const mine = ++seq;
      const q = state.q;
      results = [];
      shown = 0;
      more.hidden = true;
      if (!q && !hasFilters()) {
        list.replaceChildren();
        say("Type a query, or pick a cohort or question on the left to list its answers.");
        root.classList.remove("ca-search--results");
        renderFacets(mine, false).catch(() => {});
        return;
      }
      say("Searching\u2026");
      let found;
      try {
        found = await search(q, pagefindFilters(state.filters));
      } catch (err) {
        if (mine === seq) say(messageOf(err));
        return;
      }
      if (mine !== seq) return;
      results = found.results;
      root.classList.add("ca-search--results");
      list.replaceChildren();
      await showMore(mine);
      if (mine !== seq) return;
      say(summary(found));
      renderFacets(mine, true).catch(() => {});
    }

    function summary(found) {
      const n = found.results.length;
      const what = state.q ? " for \u201c" + state.q + "\u201d" : "";
      if (!n) {
        if (state.q && hasFilters() && found.unfilteredResultCount)
          return "No results" + what + " with these filters (" + found.unfilteredResultCount + " without them).";
        return "No results" + what + ".";
      }
      return n + (n === 1 ? " result" : " results") + what + (hasFilters() ? " (filtered)" : "") + ".";
    }

    async function showMore(mine) {
      const slice = results.slice(shown, shown + PAGE_SIZE);
      more.disabled = true;
      const data = await Promise.all(slice.map((r) => r.data()));
      if (mine !== seq) return;
      shown += slice.length;
      for (const d of data) list.appendChild(pageItem(d));
      more.disabled = false;
      more.hidden = shown >= results.length;
      more.textContent = "Load more (" + (results.length - shown) + " left)";
    }

    function pageItem(data) {
      const li = el("li", "ca-hit");
      const a = el("a", "ca-hit__link");
      a.href = safeHref(data.url);
      a.appendChild(el("span", "ca-hit__where", where(data)));
      a.appendChild(el("span", "ca-hit__title", heading(data)));
      li.appendChild(a);
      li.appendChild(appendExcerpt(el("p", "ca-hit__excerpt"), data.excerpt));
      return li;
    }

    // Facet counts: for a facet with no selection, the counts of the current search; for a facet with a
    // selection, the counts of the search without that facet's own filter (so other values can be added).
    async function renderFacets(mine, searching) {
      const pagefind = await engine();
      const names = await labels();
      await pagefind.filters(); // loads every filter chunk once; the counts below need them
      if (mine !== seq) return;
      const counts = {};
      if (!searching) {
        Object.assign(counts, await pagefind.filters());
      } else {
        // the search that listed the hits ran before the filter chunks were loaded: run it again for counts
        const term = state.q && state.q.trim() ? state.q.trim() : null;
        const only = (filters) => withoutFallbackCohorts(pagefind, term, filters);
        const found = await pagefind.search(term, { filters: await only(pagefindFilters(state.filters)) });
        for (const name of FACETS) {
          if ((state.filters[name] || []).length) {
            const other = await pagefind.search(term, {
              filters: await only(pagefindFilters(state.filters, name)),
            });
            counts[name] = other.filters[name] || {};
          } else {
            counts[name] = found.filters[name] || {};
          }
        }
      }
      if (mine !== seq) return;
      facetsBox.replaceChildren(...FACETS.map((name) => facet(name, counts[name] || {}, names)).filter(Boolean));
      facetsBox.hidden = !facetsBox.children.length;
    }

    function label(name, value, names) {
      const known = (names && names[name]) || {};
      if (name === "group") {
        const cut = value.lastIndexOf("/");
        const cohort = value.slice(0, cut);
        const cohorts = (names && names.cohort) || {};
        const one = (state.filters.cohort || []).length === 1;
        return "Group " + value.slice(cut + 1) + (one ? "" : " \u00b7 " + (cohorts[cohort] || cohort));
      }
      return known[value] || value;
    }

    function order(name, counts, names) {
      const values = Object.keys(counts);
      const known = Object.keys((names && names[name]) || {});
      if (name === "group") {
        return values.sort((a, b) => counts[b] - counts[a] || a.localeCompare(b, undefined, { numeric: true }));
      }
      const rank = (v) => (known.indexOf(v) < 0 ? known.length : known.indexOf(v));
      return values.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    }

    function facet(name, counts, names) {
      const selected = state.filters[name] || [];
      let values = order(name, counts, names).filter((v) => counts[v] > 0 || selected.includes(v));
      for (const v of selected) if (!values.includes(v)) values.push(v);
      if (!values.length) return null;
      const box = el("fieldset", "ca-facet");
      box.dataset.facet = name;
      box.appendChild(el("legend", "ca-facet__title", FACET_TITLES[name]));
      let hidden = 0;
      if (name === "group" && !showAllGroups && values.length > GROUPS_SHOWN) {
        const keep = values.slice(0, GROUPS_SHOWN);
        for (const v of selected) if (!keep.includes(v)) keep.push(v);
        hidden = values.length - keep.length;
        values = keep;
      }
      for (const value of values) {
        const row = el("label", "ca-facet__value");
        const box_ = el("input");
        box_.type = "checkbox";
        box_.name = name;
        box_.value = value;
        box_.checked = selected.includes(value);
        box_.addEventListener("change", () => {
          const now = new Set(state.filters[name] || []);
          if (box_.checked) now.add(value);
          else now.delete(value);
          const filters = Object.assign({}, state.filters, { [name]: Array.from(now) });
          if (!filters[name].length) delete filters[name];
          set({ q: state.q, filters: filters }, true);
        });
        row.appendChild(box_);
        row.appendChild(el("span", "ca-facet__label", label(name, value, names)));
        row.appendChild(el("span", "ca-facet__count", counts[value] || 0));
        box.appendChild(row);
      }
      if (hidden) {
        const all = el("button", "ca-facet__more", "Show all " + (values.length + hidden) + " groups");
        all.type = "button";
        all.addEventListener("click", () => {
          showAllGroups = true;
          renderFacets(seq, !!state.q || hasFilters()).catch(() => {});
        });
        box.appendChild(all);
      }
      if (selected.length) {
        const clear = el("button", "ca-facet__clear", "Clear");
        clear.type = "button";
        clear.addEventListener("click", () => {
          const filters = Object.assign({}, state.filters);
          delete filters[name];
          set({ q: state.q, filters: filters }, true);
        });
        box.appendChild(clear);
      }
      return box;
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(timer);
      set({ q: input.value, filters: state.filters }, true);
    });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => set({ q: input.value, filters: state.filters }, false), 250);
    });
    more.addEventListener("click", () => showMore(seq).catch((err) => say(messageOf(err))));
    window.addEventListener("popstate", () => {
      state = readState(location.search);
      input.value = state.q;
      run();
    });

    input.value = state.q;
    if (location.protocol === "file:") say(MSG_FILE);
    else run();
  }

  function init() {
    initHeader();
    initPage();
  }

  if (typeof document$ !== "undefined" && document$ && typeof document$.subscribe === "function") {
    document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
