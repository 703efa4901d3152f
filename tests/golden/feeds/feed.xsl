<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="titel" select="atom:feed/atom:title | rss/channel/title"/>
  <xsl:variable name="adresse" select="atom:feed/atom:link[@rel='self']/@href | rss/channel/atom:link[@rel='self']/@href"/>
  <xsl:variable name="webseite" select="atom:feed/atom:link[@rel='alternate']/@href | rss/channel/link"/>

  <xsl:template match="/">
    <html lang="de">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>Feed: <xsl:value-of select="$titel"/></title>
        <link rel="stylesheet" href="/theme/css/site.5f0e183c.css"/>
      </head>
      <body>
        <a class="skip-link" href="#inhalt">Zum Inhalt springen</a>
        <header class="kopf">
          <div class="rahmen kopf__innen">
            <a class="kopf__titel" href="/">
              <span class="kopf__amt">Bezirksamt Lindenhain</span>
              <span class="kopf__name">Pressemitteilungen</span>
            </a>
          </div>
        </header>
        <main id="inhalt" class="rahmen inhalt" tabindex="-1">
          <h1>Feed: <xsl:value-of select="$titel"/></h1>
          <div class="hinweis">
            <p><strong>Dies ist ein Feed.</strong> Ein Feedreader (auch News-Reader oder RSS-Reader genannt)
              ruft diese Adresse regelmäßig ab und meldet Ihnen jede neue Pressemitteilung.
              Zum Abonnieren kopieren Sie die Adresse aus der Adresszeile Ihres Browsers
              und fügen sie in Ihrem Feedreader als neues Abonnement ein.</p>
            <p>Adresse dieses Feeds: <code><xsl:value-of select="$adresse"/></code></p>
            <p><a href="/feeds/">Alle Feeds und eine Anleitung zum Abonnieren</a></p>
          </div>
          <h2>Neueste Pressemitteilungen in diesem Feed</h2>
          <ul class="teaser-liste">
            <xsl:apply-templates select="atom:feed/atom:entry | rss/channel/item"/>
          </ul>
          <p><a href="{$webseite}">Diese Pressemitteilungen auf der Website</a></p>
        </main>
        <footer class="fuss">
          <div class="rahmen fuss__innen">
            <p class="fuss__absender"><strong>Bezirksamt Lindenhain</strong><br/>Pressestelle</p>
          </div>
        </footer>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <article class="teaser">
        <h3 class="teaser__titel"><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h3>
        <p class="meta">
          <time datetime="{atom:published}">
            <xsl:call-template name="datum">
              <xsl:with-param name="tag" select="substring(atom:published, 9, 2)"/>
              <xsl:with-param name="monat" select="substring(atom:published, 6, 2)"/>
              <xsl:with-param name="jahr" select="substring(atom:published, 1, 4)"/>
            </xsl:call-template>
          </time>
        </p>
        <p class="teaser__text"><xsl:value-of select="atom:summary"/></p>
      </article>
    </li>
  </xsl:template>

  <!-- RSS: pubDate wie "Mon, 07 Apr 2025 11:00:00 +0200" -->
  <xsl:template match="item">
    <li>
      <article class="teaser">
        <h3 class="teaser__titel"><a href="{link}"><xsl:value-of select="title"/></a></h3>
        <p class="meta">
          <xsl:call-template name="datum">
            <xsl:with-param name="tag" select="substring(pubDate, 6, 2)"/>
            <xsl:with-param name="monat" select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', substring(pubDate, 9, 3))) div 3 + 1"/>
            <xsl:with-param name="jahr" select="substring(pubDate, 13, 4)"/>
          </xsl:call-template>
        </p>
      </article>
    </li>
  </xsl:template>

  <!-- "7. April 2025" -->
  <xsl:template name="datum">
    <xsl:param name="tag"/>
    <xsl:param name="monat"/>
    <xsl:param name="jahr"/>
    <xsl:variable name="monate" select="'Januar    Februar   März      April     Mai       Juni      Juli      August    September Oktober   November  Dezember  '"/>
    <xsl:value-of select="concat(number($tag), '. ', normalize-space(substring($monate, (number($monat) - 1) * 10 + 1, 10)), ' ', $jahr)"/>
  </xsl:template>
</xsl:stylesheet>