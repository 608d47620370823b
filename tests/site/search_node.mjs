// The search page's own code (static/search.js, copied to a .mjs by the test) run by Node:
//   node search_node.mjs MODULE tokens      < JSON list of strings
//   node search_node.mjs MODULE search URL  < JSON list of queries (every match, best first)
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
    out.push(results.filter(Boolean).map((r) => r[0]));
  }
  console.log(JSON.stringify(out));
}
