// Search page: Pagefind's JS API over the static index, results rendered as plain list items.
const form = document.querySelector(".search-form");
const input = document.getElementById("q");
const status = document.querySelector(".search-status");
const list = document.querySelector(".results");
let pagefind = null;

async function engine() {
  if (!pagefind) {
    pagefind = await import(form.dataset.pagefind);
    await pagefind.options({ baseUrl: form.dataset.root });
  }
  return pagefind;
}

function item(data) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = (data.meta && data.meta.title) || data.url;
  const p = document.createElement("p");
  p.innerHTML = data.excerpt; // Pagefind escapes the text and adds only <mark>
  li.append(a);
  if (data.meta && data.meta.date) {
    const small = document.createElement("p");
    small.textContent = data.meta.date;
    li.append(small);
  }
  li.append(p);
  return li;
}

async function run(query) {
  list.replaceChildren();
  if (!query.trim()) { status.textContent = ""; return; }
  status.textContent = "搜索中…";
  let found;
  try {
    found = await (await engine()).search(query);
  } catch (err) {
    status.textContent = "搜索索引还没有生成。";
    return;
  }
  const top = await Promise.all(found.results.slice(0, 30).map((r) => r.data()));
  status.textContent = found.results.length
    ? `找到 ${found.results.length} 篇与“${query}”相关的文章`
    : `没有找到与“${query}”相关的文章`;
  list.replaceChildren(...top.map(item));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value;
  history.replaceState(null, "", "?q=" + encodeURIComponent(query));
  run(query);
});
const initial = new URLSearchParams(location.search).get("q") || "";
input.value = initial;
if (initial) run(initial);
