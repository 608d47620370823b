// The search page's own code (static/search.js, copied to a .mjs by the test) run by Node:
//   node search_node.mjs MODULE tokens      < JSON list of strings
//   node search_node.mjs MODULE search URL  < JSON list of queries (every match, best first)
//   node search_node.mjs MODULE ranked URL  < the same, each match as [url, title]
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [modulePath, mode, url] = process.argv.slice(2);
const search = await import(pathToFileURL(modulePath).href);
const input = JSON.parse(readFileSync(0, "utf8"));

if (mode === "tokens") {
  const out = input.map((text) => {
    const tokens = [...search.tokens(text)].sort();
    return { tokens, shards: tokens.map((t) => search.shardOf(search.shardKey(t), 256)) };
  });
  console.log(JSON.stringify(out));
} else {
  const index = new search.Index(url);
  const out = [];
  for (const query of input) {
    const { hits } = await index.search(query, Infinity); // every match, best first
    const results = await Promise.all(hits.map((hit) => index.result(hit)));
    const found = results.filter(Boolean);
    out.push(mode === "ranked" ? found.map((r) => [r[0], r[1]]) : found.map((r) => r[0]));
  }
  console.log(JSON.stringify(out));
}
