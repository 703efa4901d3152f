/*
 * Volltextsuche der Pressemitteilungen mit Pagefind (Suchseite /suche/).
 *
 * Das Formular ist ein gewöhnliches GET-Formular: bedienbar mit der Tastatur,
 * die Anfrage steht in der Adresse (/suche/?q=…&ressort=…), Zurück und
 * Lesezeichen funktionieren. Die Zahl der Treffer meldet die Statusregion
 * (role="status", aria-live) an Screenreader. Treffer werden als DOM-Knoten
 * gebaut, nie als HTML-Text eingesetzt; kein Inline-Stil. Unter einer CSP
 * braucht Pagefind nur 'wasm-unsafe-eval' in script-src (siehe README).
 *
 * Der Index besteht aus einem Pagefind-Bündel je Jahrgang (/pagefind/2024/),
 * aufgeführt in /pagefind/shards.json, neuestes Jahr zuerst. `suchindex`
 * durchsucht die Jahrgänge und führt die Treffer zusammen; die Tests rufen
 * es in Node.js mit dem echten Index auf (tests/pagefind_search.mjs).
 */

const SEITENGROESSE = 20;
const FILTER = ["ressort", "thema", "jahr"];
const SORTIERUNGEN = { neueste: { datum: "desc" }, aelteste: { datum: "asc" } };

const formular = globalThis.document?.querySelector("[data-suche]");
if (formular) {
  einrichten(formular);
}

/*
 * Die Suche über alle Jahrgänge: `bundle` ist die Adresse von /pagefind/,
 * `basis` der Pfad, unter dem die Seiten liegen. Gibt eine Funktion
 * (begriff, {filters, sort}) → {results} zurück, wie Pagefinds search().
 *
 * Pagefinds mergeIndex legt die Jahrgänge zu einer Suche zusammen (eine
 * WebAssembly, ein Worker) und ordnet die Treffer nach Punktzahl. Nach
 * Relevanz ist das richtig; sortiert Pagefind nach Datum, ist die Punktzahl
 * aber der Platz in der Datumsfolge des eigenen Jahrgangs, und gemischt
 * stünden die ersten Treffer jedes Jahrgangs vorn. Darum wird nach Datum
 * jeder Jahrgang für sich gesucht (mit seinem Jahresfilter: nur er hat
 * Treffer, in seiner Folge) und die Jahrgänge folgen aufeinander: die
 * Jahrgänge sind die Datumsordnung.
 */
export function suchindex(bundle, basis) {
  let geladen = null;

  async function laden() {
    const antwort = await fetch(`${bundle}shards.json`);
    if (!antwort.ok) {
      throw new Error(`${bundle}shards.json: ${antwort.status}`);
    }
    const jahre = (await antwort.json()).shards.map((shard) => shard.year);
    const pagefind = await import(`${bundle}${jahre[0]}/pagefind.js`);
    await pagefind.options({ basePath: `${bundle}${jahre[0]}/`, baseUrl: basis });
    await Promise.all(jahre.slice(1).map((jahr) => pagefind.mergeIndex(`${bundle}${jahr}/`, { baseUrl: basis })));
    return { pagefind, jahre };
  }

  return async function suche(begriff, { filters = {}, sort = {} } = {}) {
    if (!geladen) {
      geladen = laden().catch((fehler) => {
        geladen = null; // beim nächsten Mal neu versuchen
        throw fehler;
      });
    }
    const { pagefind, jahre } = await geladen;
    const richtung = Object.values(sort)[0];
    if (!richtung || filters.jahr) {
      return { results: (await pagefind.search(begriff, { filters, sort })).results };
    }
    const folge = richtung === "asc" ? jahre.slice().reverse() : jahre;
    const antworten = await Promise.all(
      folge.map((jahr) => pagefind.search(begriff, { filters: { ...filters, jahr }, sort })),
    );
    return { results: antworten.flatMap((antwort) => antwort.results) };
  };
}

function einrichten(formular) {
  const feld = (name) => formular.elements.namedItem(name);
  const status = document.getElementById("suche-status");
  const bereich = document.getElementById("suche-treffer");
  const liste = document.getElementById("suche-liste");
  const mehr = document.getElementById("suche-mehr");
  const suche = suchindex(formular.dataset.sucheBundle, new URL(formular.dataset.sucheBasis, location.href).pathname);
  let ergebnisse = [];
  let angezeigt = 0;
  let laufendeSuche = 0;


  function formularAusAdresse() {
    const parameter = new URLSearchParams(location.search);
    for (const name of ["q", ...FILTER, "sortierung"]) {
      const eingabe = feld(name);
      eingabe.value = parameter.get(name) || "";
      if (eingabe.tagName === "SELECT" && eingabe.selectedIndex < 0) {
        eingabe.selectedIndex = 0; // ein Wert, den die Auswahlliste nicht (mehr) kennt
      }
    }
  }

  function anfrage() {
    const filter = {};
    for (const name of FILTER) {
      if (feld(name).value) {
        filter[name] = feld(name).value;
      }
    }
    const begriff = feld("q").value.trim();
    // Ohne Suchbegriff gibt es keine Relevanz: dann die neuesten zuerst.
    const sortierung = feld("sortierung").value || (begriff ? "" : "neueste");
    return { begriff, filter, sort: SORTIERUNGEN[sortierung] };
  }

  function melden(text) {
    status.textContent = text;
  }

  function anzahlText(n) {
    return n === 1 ? "1 Pressemitteilung" : `${n} Pressemitteilungen`;
  }

  async function suchen() {
    const { begriff, filter, sort } = anfrage();
    const nummer = ++laufendeSuche;
    liste.replaceChildren();
    mehr.hidden = true;
    if (!begriff && Object.keys(filter).length === 0) {
      bereich.hidden = true;
      melden("");
      return;
    }
    melden("Suche läuft …");
    let antwort;
    try {
      antwort = await suche(begriff || null, { filters: filter, sort });
    } catch (fehler) {
      if (nummer === laufendeSuche) {
        bereich.hidden = true;
        melden("Die Suche ist gerade nicht verfügbar. Bitte nutzen Sie das Archiv unten.");
      }
      return;
    }
    if (nummer !== laufendeSuche) {
      return; // eine neuere Anfrage hat diese abgelöst
    }
    ergebnisse = antwort.results;
    angezeigt = 0;
    const wofuer = begriff ? ` für „${begriff}“` : "";
    if (ergebnisse.length === 0) {
      bereich.hidden = true;
      melden(`Keine Pressemitteilung gefunden${wofuer}. Versuchen Sie ein anderes Wort oder weniger Filter.`);
      return;
    }
    await zeigeWeitere(nummer);
    if (nummer === laufendeSuche) {
      bereich.hidden = false;
      const teil = ergebnisse.length > angezeigt ? ` Angezeigt werden die ersten ${angezeigt}.` : "";
      melden(`${anzahlText(ergebnisse.length)} gefunden${wofuer}.${teil}`);
    }
  }

  async function zeigeWeitere(nummer) {
    const stapel = ergebnisse.slice(angezeigt, angezeigt + SEITENGROESSE);
    const daten = await Promise.all(stapel.map((ergebnis) => ergebnis.data()));
    if (nummer !== laufendeSuche) {
      return null;
    }
    const eintraege = daten.map(eintrag);
    liste.append(...eintraege);
    angezeigt += eintraege.length;
    mehr.hidden = angezeigt >= ergebnisse.length;
    return eintraege[0] || null;
  }

  formular.addEventListener("submit", (ereignis) => {
    ereignis.preventDefault();
    const parameter = new URLSearchParams();
    for (const [name, wert] of new FormData(formular)) {
      if (String(wert).trim()) {
        parameter.set(name, String(wert).trim());
      }
    }
    const abfrage = parameter.toString();
    history.pushState(null, "", abfrage ? `?${abfrage}` : location.pathname);
    suchen();
  });

  mehr.addEventListener("click", async () => {
    const erster = await zeigeWeitere(laufendeSuche);
    if (erster) {
      erster.querySelector("a").focus();
      melden(`${angezeigt} von ${anzahlText(ergebnisse.length)} angezeigt.`);
    }
  });

  window.addEventListener("popstate", () => {
    formularAusAdresse();
    suchen();
  });

  formularAusAdresse();
  suchen();
}

/* Ein Treffer im Aufbau der Anrisstexte (.teaser) der Listenseiten. */
function eintrag(daten) {
  const li = element("li");
  const artikel = li.appendChild(element("article", "teaser"));
  const titel = artikel.appendChild(element("h3", "teaser__titel"));
  const link = titel.appendChild(element("a"));
  link.href = daten.url;
  link.textContent = daten.meta.title || daten.url;

  const angaben = [];
  if (daten.meta.nummer) {
    angaben.push(`Nr. ${daten.meta.nummer}`);
  }
  if (daten.meta.datum) {
    angaben.push(daten.meta.datum);
  }
  for (const ressort of (daten.filters && daten.filters.ressort) || []) {
    angaben.push(ressort);
  }
  const meta = artikel.appendChild(element("p", "meta"));
  angaben.forEach((angabe, index) => {
    if (index > 0) {
      const trenner = meta.appendChild(element("span", "meta__trenner"));
      trenner.setAttribute("aria-hidden", "true");
      trenner.textContent = " · ";
    }
    meta.appendChild(element("span")).textContent = angabe;
  });

  const auszug = artikel.appendChild(element("p", "teaser__text"));
  auszug.append(...markierterText(daten.excerpt));
  return li;
}

/* Pagefinds Auszug ist HTML mit <mark>; übernommen werden nur Text und <mark>. */
function markierterText(html) {
  const dokument = new DOMParser().parseFromString(html || "", "text/html");
  return Array.from(dokument.body.childNodes, (knoten) => {
    if (knoten.nodeName === "MARK") {
      const mark = element("mark");
      mark.textContent = knoten.textContent;
      return mark;
    }
    return document.createTextNode(knoten.textContent);
  });
}

function element(name, klasse) {
  const knoten = document.createElement(name);
  if (klasse) {
    knoten.className = klasse;
  }
  return knoten;
}
