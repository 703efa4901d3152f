// Lighthouse (pinned in package.json) over a few pages of the served test site, in one Chromium.
//
//   CHROME_PATH=/usr/bin/chromium node lighthouse.mjs '["--headless", ...]' '{"onlyCategories": [...]}' URL...
//
// The second argument is Lighthouse settings (which categories and audits). One Chromium for
// all pages saves its start per page. Each page is audited as Lighthouse's default mobile run
// does (a 412 px phone at 1.75x, simulated slow 4G and a 4x slower CPU), with the site's
// storage cleared first. Prints JSON: {URL: {categories: {id: score}, failing: {category id:
// [audit ids that count and are not passed]}, audits: {id: {score, numericValue,
// scoreDisplayMode, displayValue}}, runtimeError}} with scores from 0 to 1.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const [chromeFlags, settings, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({ chromeFlags: JSON.parse(chromeFlags), logLevel: "silent" });
const reports = {};
try {
  for (const url of urls) {
    const result = await lighthouse(url, {
      port: chrome.port,
      logLevel: "error",
      disableFullPageScreenshot: true,
      ...JSON.parse(settings),
    });
    const { categories, audits } = result.lhr;
    reports[url] = {
      categories: Object.fromEntries(Object.entries(categories).map(([id, category]) => [id, category.score])),
      failing: Object.fromEntries(
        Object.entries(categories).map(([id, category]) => [
          id,
          category.auditRefs.filter((ref) => ref.weight > 0 && audits[ref.id].score !== 1).map((ref) => ref.id),
        ]),
      ),
      audits: Object.fromEntries(
        Object.entries(audits).map(([id, audit]) => [
          id,
          {
            score: audit.score,
            numericValue: audit.numericValue ?? null,
            scoreDisplayMode: audit.scoreDisplayMode,
            displayValue: audit.displayValue ?? "",
          },
        ]),
      ),
      runtimeError: result.lhr.runtimeError?.message ?? null,
    };
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(reports));
