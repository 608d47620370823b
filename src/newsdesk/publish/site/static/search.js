// Search page: queries the static index newsdesk writes in search-index/ (see
// newsdesk/publish/site/search/segment.py for the files). Tokenizing mirrors
// search/tokens.py rule for rule; tests run both on the same strings.
//
// Ranking: BM25 (impacts stored per posting, idf from the live document count), title
// occurrences weighted up, ties broken by recency. Each token's postings are stored in
// blocks of decreasing impact, so a query reads the best blocks first and stops once no
// unread block could change the results it shows (a threshold algorithm); a common word
// at a million articles costs a few blocks, not its whole list.

const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af";
const WORD = "0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff";
const RUNS = new RegExp(`([${CJK}]+)|([${WORD}]+)`, "g");
const MAX_WORD = 32;
const SHOWN = 30;
const BUDGET = 300 * 1024; // index bytes a query may read before answering with what it has
const BYTES_PER_POSTING = 10; // a block's size, about, from its count of postings

export function normalize(text) {
  return text.normalize("NFKC").toLowerCase();
}

export function tokens(text) {
  const out = new Set();
  for (const m of normalize(text).matchAll(RUNS)) {
    if (m[1]) {
      const run = m[1];
      for (let i = 0; i < run.length; i++) {
        out.add(run[i]);
        if (i + 1 < run.length) out.add(run.slice(i, i + 2));
      }
    } else if (m[2].length > 1) {
      out.add(m[2].slice(0, MAX_WORD));
    }
  }
  return out;
}

export function shardKey(token) {
  return token[0] > "\u3000" ? token : token.slice(0, 2);
}

export function shardOf(key, shards) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h & (shards - 1);
}

// What a query asks for; every term must match. A CJK run is a phrase: its pairs must
// follow each other (one character: that character). A word matches every word it begins.
export function queryTerms(query) {
  const terms = new Map();
  for (const m of normalize(query).matchAll(RUNS)) {
    if (m[1]) {
      const run = m[1];
      const toks = [];
      if (run.length === 1) toks.push(run);
      for (let i = 0; i + 1 < run.length; i++) toks.push(run.slice(i, i + 2));
      terms.set(`=${run}`, { exact: toks, run: run.length > 2 ? run : null });
    } else if (m[2].length > 1) {
      const word = m[2].slice(0, MAX_WORD);
      terms.set(`^${word}`, { prefix: word });
    }
  }
  return [...terms.values()];
}

function decode(data) {
  // [doc gaps, impacts] -> [{doc, imp}]
  const [gaps, imps] = data;
  const out = [];
  let doc = 0;
  for (let i = 0; i < gaps.length; i++) {
    doc += gaps[i];
    out.push({ doc, imp: imps[i] });
  }
  return out;
}

// One token's postings in one segment, read block by block, best impacts first.
class Cursor {
  constructor(seg, token, entry) {
    this.seg = seg;
    this.token = token;
    this.df = entry[0];
    this.blocks = entry[1];
    this.next = 0;
    this.postings = new Map(); // doc -> {imp}
    this.idf = 0;
  }

  get bound() {
    return this.next < this.blocks.length ? this.blocks[this.next][0] : 0;
  }
}

class Query {
  constructor(index, terms) {
    this.index = index;
    this.terms = terms;
    this.ready = null;
    this.segs = [];
    this.results = [];
    this.complete = false;
    this.estimate = 0; // matches in all, when known without reading them
    this.verified = new Map(); // "order:doc" -> whether its phrases are really phrases
  }

  async start() {
    const ix = this.index;
    const manifest = await ix.manifest();
    const total = Math.max(1, manifest.docs);
    const df = new Map();
    this.segs = await Promise.all(
      manifest.segments.map(async (seg, order) => {
        const s = { seg, order, deleted: new Set(seg.deleted), cursors: new Map(), terms: [] };
        const wanted = new Set();
        for (const t of this.terms) {
          for (const tok of t.exact || [t.prefix]) wanted.add(shardKey(tok));
        }
        const shards = new Map();
        await Promise.all(
          [...wanted].map(async (key) => {
            const file = `${seg.id}/d${shardOf(key, seg.shards)}.json`;
            shards.set(key, (await ix.json(file)) || {});
          }),
        );
        for (const t of this.terms) {
          if (t.exact) {
            const cs = t.exact.map((tok) => {
              const entry = Object.hasOwn(shards.get(shardKey(tok)), tok)
                ? shards.get(shardKey(tok))[tok]
                : null;
              return entry ? this.cursor(s, tok, entry) : null;
            });
            s.terms.push(cs.includes(null) ? null : { exact: cs, run: t.run });
          } else {
            const shard = shards.get(shardKey(t.prefix));
            const cs = Object.keys(shard)
              .filter((tok) => tok.startsWith(t.prefix))
              .map((tok) => this.cursor(s, tok, shard[tok]));
            s.terms.push(cs.length ? { prefix: cs } : null);
          }
        }
        for (const c of s.cursors.values()) df.set(c.token, (df.get(c.token) || 0) + c.df);
        return s;
      }),
    );
    for (const s of this.segs) {
      for (const c of s.cursors.values()) {
        const n = df.get(c.token);
        c.idf = Math.log(1 + (total - n + 0.5) / (n + 0.5));
      }
    }
    // A segment missing any term can match nothing.
    this.segs = this.segs.filter((s) => !s.terms.includes(null));
    // One token: how many documents hold it (deleted copies aside) is known already.
    const [only] = this.terms;
    if (this.terms.length === 1 && only.exact && only.exact.length === 1) {
      this.estimate = this.segs.reduce((n, s) => n + s.terms[0].exact[0].df, 0);
    }
  }

  cursor(s, token, entry) {
    if (!s.cursors.has(token)) s.cursors.set(token, new Cursor(s.seg, token, entry));
    return s.cursors.get(token);
  }

  // Read the next block of a cursor (inline, or a file).
  async advance(c) {
    const [, , data] = c.blocks[c.next++];
    const list = typeof data === "number" ? await this.index.json(`${c.seg.id}/b/${data}.json`) : data;
    for (const p of decode(list || [[], []])) c.postings.set(p.doc, p);
  }

  // [score or null (not a match), upper bound, complete, needs positions]
  judge(s, doc) {
    let score = 0;
    let high = 0;
    let complete = true;
    let phrase = false;
    for (const t of s.terms) {
      if (t.exact) {
        let sum = 0;
        let open = 0;
        for (const c of t.exact) {
          const p = c.postings.get(doc);
          if (p) sum += c.idf * p.imp;
          else if (c.bound > 0) open += c.idf * c.bound;
          else return [null, -1, true, false];
        }
        if (open > 0) complete = false;
        else if (t.run) phrase = true;
        score += sum;
        high += sum + open;
      } else {
        let best = 0;
        let open = 0;
        for (const c of t.prefix) {
          const p = c.postings.get(doc);
          if (p) best = Math.max(best, c.idf * p.imp);
          else open = Math.max(open, c.idf * c.bound);
        }
        if (best === 0 && open === 0) return [null, -1, true, false];
        if (open > best) complete = false;
        score += best;
        high += Math.max(best, open);
      }
    }
    return [score, high, complete, phrase];
  }

  // The best score a document not yet seen in this segment could still have.
  unseen(s) {
    let high = 0;
    for (const t of s.terms) {
      if (t.exact) {
        let sum = 0;
        for (const c of t.exact) {
          if (c.bound === 0) return -1;
          sum += c.idf * c.bound;
        }
        high += sum;
      } else {
        const open = Math.max(0, ...t.prefix.map((c) => c.idf * c.bound));
        if (open === 0) return -1;
        high += open;
      }
    }
    return high;
  }

  // A phrase's pairs can all be in a document without the phrase: read its text.
  async verify(s, doc) {
    const text = await this.index.text(`${s.seg.id}/x/${doc}.txt`);
    return s.terms.every((t) => !t.run || text.includes(t.run));
  }

  // Best first: score, then recency (segments newest first, docs numbered newest first).
  async run(want) {
    if (!this.ready) this.ready = this.start();
    await this.ready;
    const verified = this.verified;
    for (;;) {
      const found = [];
      let open = -1;
      const pending = [];
      for (const s of this.segs) {
        s.open = this.unseen(s);
        const docs = new Set();
        for (const c of s.cursors.values()) for (const d of c.postings.keys()) docs.add(d);
        for (const doc of docs) {
          if (s.deleted.has(doc)) continue;
          const [score, high, complete, phrase] = this.judge(s, doc);
          if (score === null) continue;
          const key = `${s.order}:${doc}`;
          if (complete && phrase && !verified.has(key)) pending.push([s, doc, key]);
          else if (complete && verified.get(key) !== false) found.push({ s, doc, score });
          else if (!complete) s.open = Math.max(s.open, high);
        }
        open = Math.max(open, s.open);
      }
      if (pending.length) {
        await Promise.all(
          pending.map(async ([s, doc, key]) => verified.set(key, await this.verify(s, doc))),
        );
        continue;
      }
      found.sort((a, b) => b.score - a.score || a.s.order - b.s.order || a.doc - b.doc);
      this.results = found;
      // Enough: the shown results are proven the best; or, with several terms, that
      // many documents are known to match them all from their best blocks (proving the
      // order of common words' flat scores would read most of their postings).
      const enough =
        found.length >= want && (found[want - 1].score >= open || this.terms.length > 1);
      if (open < 0 || enough || this.index.read > BUDGET) {
        this.complete = open < 0;
        return found.slice(0, want);
      }
      // Read the next block of the cursors of segments that may still hold a better
      // document than the last one shown: the most promising first, within the budget.
      const floor = found.length >= want ? found[want - 1].score : 0;
      const next = [];
      for (const s of this.segs) {
        if (s.open < floor || s.open < 0) continue;
        for (const c of s.cursors.values()) if (c.bound > 0) next.push([s.open, c]);
      }
      next.sort((a, b) => b[0] - a[0]);
      let room = BUDGET - this.index.read;
      const reads = [];
      for (const [, c] of next) {
        const cost = c.blocks[c.next][1] * BYTES_PER_POSTING;
        if (reads.length && cost > room) break;
        room -= cost;
        reads.push(this.advance(c));
      }
      if (!reads.length) {
        this.complete = true;
        return found.slice(0, want);
      }
      await Promise.all(reads);
    }
  }
}

export class Index {
  constructor(url) {
    this.url = url;
    this.base = url.slice(0, url.lastIndexOf("/") + 1);
    this.files = new Map();
    this.loaded = null;
    this.read = 0; // bytes of index read, for the budget and the benchmarks
  }

  async json(path) {
    let pending = this.files.get(path);
    if (!pending) {
      pending = fetch(this.base + path)
        .then(async (r) => {
          if (r.status === 404) return null;
          if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
          const text = await r.text();
          this.read += Number(r.headers.get("content-length")) || text.length;
          return JSON.parse(text);
        })
        .catch((err) => {
          this.files.delete(path); // a failed fetch is retried by the next query
          throw err;
        });
      this.files.set(path, pending);
    }
    return pending;
  }

  async text(path) {
    let pending = this.files.get(path);
    if (!pending) {
      pending = fetch(this.base + path).then(async (r) => {
        if (!r.ok) return "";
        const text = await r.text();
        this.read += Number(r.headers.get("content-length")) || text.length;
        return text;
      });
      this.files.set(path, pending);
    }
    return pending;
  }

  async manifest() {
    if (!this.loaded) {
      // Revalidated each visit: it changes with every build; segment files never do.
      this.loaded = fetch(this.url, { cache: "no-cache" })
        .then((r) => {
          if (!r.ok) throw new Error(`search index: HTTP ${r.status}`);
          return r.json();
        })
        .catch((err) => {
          this.loaded = null;
          throw err;
        });
    }
    return this.loaded;
  }

  query(text) {
    const terms = queryTerms(text);
    return terms.length ? new Query(this, terms) : null;
  }

  // The best `want` matches, best first, and whether they are all there are.
  async search(text, want = SHOWN) {
    const q = this.query(text);
    if (!q) return { hits: [], complete: true };
    const hits = await q.run(want);
    return { hits, complete: q.complete };
  }

  // [url, title, date, source, excerpt, iso] of one hit (date: the site's own display text)
  async result(hit) {
    const m = await this.manifest();
    const per = m.results_per_file;
    const file = await this.json(`${hit.s.seg.id}/r${Math.floor(hit.doc / per)}.json`);
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
  let query = null;
  let text = "";
  let needles = [];
  let shown = 0;
  let generation = 0; // a newer query makes older pending results stale

  function describe() {
    const n = query.results.length;
    if (!n) return `没有找到与“${text}”相关的文章`;
    if (query.complete) return `找到 ${n} 篇与“${text}”相关的文章`;
    if (query.estimate) return `找到约 ${query.estimate} 篇与“${text}”相关的文章`;
    return `找到 ${n} 篇以上与“${text}”相关的文章`;
  }

  async function show(want) {
    const mine = generation;
    const hits = await query.run(want);
    const next = hits.slice(shown);
    const results = await Promise.all(next.map((hit) => index.result(hit)));
    if (mine !== generation) return;
    shown += next.length;
    list.append(...results.filter(Boolean).map((r) => item(r, needles)));
    more.hidden = query.complete && shown >= query.results.length;
    status.textContent = describe();
  }

  async function run(value) {
    const mine = ++generation;
    list.replaceChildren();
    more.hidden = true;
    shown = 0;
    text = value;
    query = index.query(value);
    if (!value.trim() || !query) {
      status.textContent = value.trim() ? `没有找到与“${value}”相关的文章` : "";
      return;
    }
    status.textContent = "搜索中…";
    needles = normalize(value).split(/\s+/).filter(Boolean);
    try {
      await show(SHOWN);
    } catch (err) {
      if (mine === generation) status.textContent = "搜索索引还没有生成。";
    }
  }

  more.addEventListener("click", () => show(shown + SHOWN).catch(() => {}));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = input.value;
    history.replaceState(null, "", "?q=" + encodeURIComponent(value));
    run(value);
  });
  const initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  if (initial) run(initial);
}

if (typeof document !== "undefined") start();
