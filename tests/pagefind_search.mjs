// Query a built search index with the search page's own code (theme/static/js/suche.js), which runs
// Pagefind's pagefind.js over every year's bundle and merges the results, in Node.js.
//
//   node pagefind_search.mjs INDEX_DIR '{"query": "Baum", "filters": {"jahr": "2024"}, "sort": {"datum": "desc"}}'
//
// INDEX_DIR is the site's pagefind/ folder (with shards.json). Prints JSON:
// {"results": [{url, meta, filters, excerpt}, ...]}.
// pagefind.js loads its index with fetch(); here fetch reads the index's files from disk,
// so the tests need no web server and no network.
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

import { suchindex } from "../theme/static/js/suche.js";

const [folder, requestJson] = process.argv.slice(2);
const request = JSON.parse(requestJson);

globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  if (url.protocol !== "file:") {
    throw new Error(`the test search reads only local files, not ${url}`);
  }
  try {
    return new Response(await readFile(fileURLToPath(url)));
  } catch {
    return new Response(null, { status: 404 });
  }
};

const suche = suchindex(pathToFileURL(folder.endsWith("/") ? folder : `${folder}/`).href, "/");
const search = await suche(request.query, { filters: request.filters || {}, sort: request.sort || {} });
const results = [];
for (const result of search.results) {
  const data = await result.data();
  results.push({ url: data.url, meta: data.meta, filters: data.filters, excerpt: data.excerpt });
}
console.log(JSON.stringify({ results }));
