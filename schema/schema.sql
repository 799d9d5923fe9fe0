-- schema.sql - the Sociale Kaart index (SQLite 3.40+ with FTS5).
--
-- One index is one SQLite file, written once by bin/indexer and then only
-- read (searchd opens it read-only and immutable). The indexer runs this
-- script on an empty file, replacing the TOKENIZE placeholder with the FTS5 tokenizer
-- spec, fills the tables in one transaction, and stores in `meta`:
--   schema_version  must equal SK_SCHEMA_VERSION of the reading program
--   tokenizer       the FTS5 tokenizer spec used for aanbod_fts
--   bm25_weights    column weights for bm25(): naam samenvatting
--                   omschrijving organisatie trefwoorden labels
--   built_at        ISO 8601 time of the run; sources = the files read
-- PRAGMA user_version holds the schema version too, so `sqlite3 PATH
-- 'PRAGMA user_version'` tells it without reading tables.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- Vocabularies and geography, copied from schema/*.csv at index time.
CREATE TABLE gemeente (
	code      TEXT PRIMARY KEY,   -- CBS code 'GM0307'
	naam      TEXT NOT NULL,
	regio     TEXT,
	provincie TEXT
) WITHOUT ROWID;

CREATE TABLE thema (
	code         TEXT PRIMARY KEY,
	naam         TEXT NOT NULL,
	omschrijving TEXT
) WITHOUT ROWID;

CREATE TABLE doelgroep (
	code         TEXT PRIMARY KEY,
	naam         TEXT NOT NULL,
	omschrijving TEXT
) WITHOUT ROWID;

-- The language codes the listings use (the taal filter's values).
CREATE TABLE taal (
	code TEXT PRIMARY KEY         -- as in aanbod.talen: 'nl', 'ar', ...
) WITHOUT ROWID;

-- Wijken as named by the listings (first name read wins).
CREATE TABLE wijk (
	code     TEXT PRIMARY KEY,    -- 'WK034403'
	naam     TEXT,
	gemeente TEXT NOT NULL        -- 'GM' + the code's 4 digits
) WITHOUT ROWID;

-- One row per listing; rowid is the FTS5 rowid, 1..N in import order.
CREATE TABLE aanbod (
	rowid              INTEGER PRIMARY KEY,
	id                 TEXT NOT NULL UNIQUE,
	naam               TEXT NOT NULL,
	samenvatting       TEXT,
	omschrijving       TEXT,          -- plain text, HTML reduced
	soort              TEXT NOT NULL, -- formeel | informeel | inwonersinitiatief
	status             TEXT NOT NULL, -- actief | gepauzeerd | beeindigd
	organisatie        TEXT,
	gemeente           TEXT NOT NULL,
	adres              TEXT,
	postcode           TEXT,          -- '1234 AB' when Dutch
	plaats             TEXT,
	lat                REAL,
	lon                REAL,
	tijden             TEXT,          -- as written
	tijden_toelichting TEXT,
	kosten             TEXT,
	kosten_toelichting TEXT,
	toegang            TEXT,
	leeftijd_min       INTEGER,
	leeftijd_max       INTEGER,
	welzijn_op_recept  INTEGER NOT NULL DEFAULT 0,
	wachttijd_dagen    INTEGER,
	telefoon           TEXT,
	email              TEXT,
	website            TEXT,
	contactpersoon     TEXT,
	bijgewerkt         TEXT,          -- YYYY-MM-DD
	gecontroleerd      TEXT,          -- YYYY-MM-DD
	bron_bestand       TEXT NOT NULL, -- file and line it came from
	bron_regel         INTEGER NOT NULL,
	trefwoorden        TEXT,          -- keywords joined by " ; " (text
	                                  -- for aanbod_fts)
	labels             TEXT,          -- names and descriptions of its
	                                  -- themas and doelgroepen, " ; "
	tokens             INTEGER NOT NULL DEFAULT 0, -- length for ranking
	-- The multi-valued fields, in the order given; NULL when none. Codes
	-- hold no white space, so these are the codes joined by one space:
	themas             TEXT,          -- 'sport ontmoeting'
	doelgroepen        TEXT,
	wijken             TEXT,          -- 'WK034403 WK034405'
	werkgebied         TEXT,          -- 'GM0344 GM0307'
	toegankelijkheid   TEXT,
	talen              TEXT,          -- 'nl ar'
	-- The keywords (free text) as a JSON array: '["koffie","inloop"]'.
	-- Read with json_each(): SELECT value FROM aanbod,
	--   json_each(aanbod.trefwoord_lijst) WHERE id = 'x';
	trefwoord_lijst    TEXT,
	-- The parsed `tijden` as a JSON array of [dag, start_min, eind_min,
	-- frequentie]: dag 1 = maandag .. 7, minutes after midnight,
	-- frequentie 1 wekelijks, 2 2-wekelijks, 4 maandelijks. NULL when
	-- tijden is empty or not in the fixed form.
	tijdsloten         TEXT
);

-- Words of naam, samenvatting and trefwoorden for suggestions while
-- typing: sleutel is the folded word (case and accents removed), woord its
-- first spelling (lower case), aantal the number of active listings using
-- it (paused and ended listings are never found, so their words are left out).
CREATE TABLE woord (
	sleutel TEXT PRIMARY KEY,
	woord   TEXT NOT NULL,
	aantal  INTEGER NOT NULL
) WITHOUT ROWID;

-- Full text, over the columns of aanbod (external content: the text is
-- stored once). rowid = aanbod.rowid. trefwoorden holds the editor's
-- keywords (and unknown thema/doelgroep values); labels the names and
-- descriptions of the listing's themas and doelgroepen (a weak field).
-- searchd uses it for name suggestions and query vocabulary; ranking
-- uses the tables below.
CREATE VIRTUAL TABLE aanbod_fts USING fts5 (
	naam, samenvatting, omschrijving, organisatie, trefwoorden, labels,
	content = 'aanbod', content_rowid = 'rowid', detail = none,
	columnsize = 0,
	tokenize = '@TOKENIZE@'
);

-- Ranking data (common/index_format.h has the formula and the format):
-- every token of the six aanbod_fts fields, stop words left out, with
-- the number of listings holding it, and its postings: per listing the
-- rowid and the token's weighted frequency there.
CREATE TABLE term (
	token TEXT PRIMARY KEY,     -- as the "dutch" tokenizer writes it
	df    INTEGER NOT NULL,     -- listings holding it
	id    INTEGER NOT NULL      -- posting.id
) WITHOUT ROWID;

CREATE TABLE posting (
	id   INTEGER PRIMARY KEY,
	docs BLOB NOT NULL
);
