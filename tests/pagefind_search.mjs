// Query a built Pagefind bundle with Pagefind's own search code (its pagefind.js), in Node.js.
//
//   node pagefind_search.mjs BUNDLE_DIR '{"query": "Baum", "filters": {"jahr": "2024"}, "sort": {"datum": "desc"}}'
//
// Prints JSON: {"filters": {name: {value: count}}, "results": [{url, meta, filters, excerpt}, ...]}.
// pagefind.js loads its index with fetch(); here fetch reads the bundle's files from disk,
// so the tests need no web server and no network.
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

const [bundle, requestJson] = process.argv.slice(2);
const request = JSON.parse(requestJson);

globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  if (url.protocol !== "file:") {
    throw new Error(`the test search reads only local files, not ${url}`);
  }
  return new Response(await readFile(fileURLToPath(url)));
};

const bundleUrl = pathToFileURL(bundle.endsWith("/") ? bundle : `${bundle}/`).href;
const pagefind = await import(`${bundleUrl}pagefind.js`);
await pagefind.options({ basePath: bundleUrl, baseUrl: "/" });
await pagefind.init();

const search = await pagefind.search(request.query, { filters: request.filters || {}, sort: request.sort || {} });
const results = [];
for (const result of search.results) {
  const data = await result.data();
  results.push({ url: data.url, meta: data.meta, filters: data.filters, excerpt: data.excerpt });
}
console.log(JSON.stringify({ filters: await pagefind.filters(), results }));
