// Search page: queries the static index newsdesk writes in search-index/ (see
// newsdesk/publish/site/search/index.py for the layout). Tokenizing mirrors
// search/tokens.py rule for rule; tests run both on the same strings.

const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af";
const WORD = "0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff";
const RUNS = new RegExp(`([${CJK}]+)|([${WORD}]+)`, "g");
const MAX_WORD = 32;
const SHOWN = 30;

export function normalize(text) {
  return text.normalize("NFKC").toLowerCase();
}

export function tokens(text) {
  const out = new Set();
  for (const m of normalize(text).matchAll(RUNS)) {
    if (m[1]) {
      const run = m[1];
      for (let i = 0; i + 1 < run.length; i++) out.add(run.slice(i, i + 2));
      out.add(run[run.length - 1]);
    } else if (m[2].length > 1) {
      out.add(m[2].slice(0, MAX_WORD));
    }
  }
  return out;
}

export function shardKey(token) {
  return token[0] > "\u3000" ? token[0] : token.slice(0, 2);
}

export function shardOf(key, shards) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h & (shards - 1);
}

// What a query asks for: every term must match. A CJK run of two or more characters asks
// for each of its pairs; one character, or a word, matches every token it begins.
export function queryTerms(query) {
  const terms = new Map();
  const add = (term) => terms.set(`${term.exact ? "=" : "^"}${term.exact || term.prefix}`, term);
  for (const m of normalize(query).matchAll(RUNS)) {
    if (m[1]) {
      const run = m[1];
      if (run.length === 1) add({ key: shardKey(run), prefix: run });
      for (let i = 0; i + 1 < run.length; i++) {
        const pair = run.slice(i, i + 2);
        add({ key: shardKey(pair), exact: pair });
      }
    } else if (m[2].length > 1) {
      const word = m[2].slice(0, MAX_WORD);
      add({ key: shardKey(word), prefix: word });
    }
  }
  return [...terms.values()];
}

// doc -> 1 if every matching token was in the title, from one shard's delta-coded postings
function postings(shard, term) {
  const found = new Map();
  const lists = term.exact
    ? [Object.hasOwn(shard, term.exact) ? shard[term.exact] : null]
    : Object.keys(shard).filter((t) => t.startsWith(term.prefix)).map((t) => shard[t]);
  for (const list of lists) {
    if (!list) continue;
    let value = 0;
    for (const gap of list) {
      value += gap;
      const doc = value >> 1;
      found.set(doc, (found.get(doc) || 0) | (value & 1));
    }
  }
  return found;
}

export class Index {
  constructor(url) {
    this.url = url;
    this.base = url.slice(0, url.lastIndexOf("/") + 1);
    this.files = new Map();
    this.manifest = null;
  }

  async json(path, options) {
    let pending = this.files.get(path);
    if (!pending) {
      pending = fetch(this.base + path, options)
        .then((r) => {
          if (r.status === 404) return null;
          if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
          return r.json();
        })
        .catch((err) => {
          this.files.delete(path); // a failed fetch is retried by the next query
          throw err;
        });
      this.files.set(path, pending);
    }
    return pending;
  }

  async segments() {
    if (!this.manifest) {
      // Revalidated each visit: it changes with every build; segment files never do.
      const response = await fetch(this.url, { cache: "no-cache" });
      if (!response.ok) throw new Error(`search index: HTTP ${response.status}`);
      this.manifest = await response.json();
    }
    return this.manifest.segments;
  }

  // Matching documents, best first: all terms in the title, then the newest segments.
  async search(query) {
    const terms = queryTerms(query);
    if (!terms.length) return [];
    const segments = await this.segments();
    const perSegment = await Promise.all(
      segments.map(async (seg, order) => {
        const maps = await Promise.all(
          terms.map(async (term) => {
            const shard = await this.json(`${seg.id}/t${shardOf(term.key, seg.shards)}.json`);
            return postings(shard || {}, term);
          }),
        );
        maps.sort((a, b) => a.size - b.size);
        const deleted = new Set(seg.deleted);
        const hits = [];
        for (const [doc, bit] of maps[0]) {
          if (deleted.has(doc)) continue;
          let title = bit;
          let all = true;
          for (let i = 1; i < maps.length && all; i++) {
            const other = maps[i].get(doc);
            if (other === undefined) all = false;
            else title &= other;
          }
          if (all) hits.push({ seg, order, doc, title });
        }
        return hits;
      }),
    );
    return perSegment.flat().sort((a, b) => b.title - a.title || a.order - b.order || a.doc - b.doc);
  }

  // [url, title, date, source, excerpt, iso] of one hit (date: the site's own display text)
  async result(hit) {
    const per = this.manifest.results_per_file;
    const file = await this.json(`${hit.seg.id}/m${Math.floor(hit.doc / per)}.json`);
    return file ? file[hit.doc % per] : null; // null: a build removed it meanwhile
  }
}

// Appends text to el with each needle wrapped in <mark>; text nodes only, never HTML.
function highlight(el, text, needles) {
  const lower = normalize(text);
  let at = 0;
  while (needles.length) {
    let best = -1;
    let size = 0;
    for (const n of needles) {
      const i = lower.indexOf(n, at);
      if (i >= 0 && (best < 0 || i < best)) [best, size] = [i, n.length];
    }
    // NFKC can change lengths; mark only where the normalized text lines up with the original
    if (best < 0 || lower.length !== text.length) break;
    el.append(text.slice(at, best));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(best, best + size);
    el.append(mark);
    at = best + size;
  }
  el.append(text.slice(at));
}

function item([url, title, date, source, excerpt, iso], needles) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = url;
  highlight(a, title, needles);
  const meta = document.createElement("p");
  const time = document.createElement("time"); // as the other pages show it
  if (iso) time.dateTime = iso;
  time.textContent = date;
  meta.append(`${source} · `, time);
  const p = document.createElement("p");
  highlight(p, excerpt, needles);
  li.append(a, meta, p);
  return li;
}

function start() {
  const form = document.querySelector(".search-form");
  const input = document.getElementById("q");
  const status = document.querySelector(".search-status");
  const list = document.querySelector(".results");
  const more = document.querySelector(".more");
  const index = new Index(new URL(form.dataset.index, location.href).href);
  let hits = [];
  let needles = [];
  let shown = 0;
  let generation = 0; // a newer query makes older pending results stale

  async function showMore() {
    const mine = generation;
    const next = hits.slice(shown, shown + SHOWN);
    shown += next.length;
    const results = await Promise.all(next.map((hit) => index.result(hit)));
    if (mine !== generation) return;
    list.append(...results.filter(Boolean).map((r) => item(r, needles)));
    more.hidden = shown >= hits.length;
  }

  async function run(query) {
    const mine = ++generation;
    list.replaceChildren();
    more.hidden = true;
    hits = [];
    shown = 0;
    if (!query.trim()) {
      status.textContent = "";
      return;
    }
    status.textContent = "搜索中…";
    let found;
    try {
      found = await index.search(query);
    } catch (err) {
      if (mine === generation) status.textContent = "搜索索引还没有生成。";
      return;
    }
    if (mine !== generation) return;
    hits = found;
    needles = normalize(query).split(/\s+/).filter(Boolean);
    await showMore();
    if (mine !== generation) return;
    status.textContent = hits.length
      ? `找到 ${hits.length} 篇与“${query}”相关的文章`
      : `没有找到与“${query}”相关的文章`;
  }

  more.addEventListener("click", () => showMore());

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input.value;
    history.replaceState(null, "", "?q=" + encodeURIComponent(query));
    run(query);
  });
  const initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  if (initial) run(initial);
}

if (typeof document !== "undefined") start();
