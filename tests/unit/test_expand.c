/*
 * test_expand.c - unit tests for searchd/expand.c (suite "expand"): stop
 * words, synonym rules (groups, one-way, several words, gaps), typo
 * correction with "bedoelt u", compound splitting and joining, longer
 * compounds of a typed word, the prefix word, rule-file errors, and the
 * shipped schema/synoniemen.txt.
 *
 * Every test builds a small in-memory index with the "dutch" tokenizer;
 * the word list is left out (NULL) unless a test makes its own, so the
 * results do not depend on the wdutch package.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expand.h"
#include "nl_tokenizer.h"
#include "plan.h"

/* naam, samenvatting, omschrijving, organisatie, trefwoorden */
static const char *const rows[][5] = {
	{ "Buurthuis De Linde", "Koffie en een praatje in het buurthuis.",
	  "Elke ochtend inloop met koffie.", "Welzijn Oost", "inloop" },
	{ "Wijkcentrum De Dreef", "Het wijkcentrum van de wijk.",
	  "Cursussen en activiteiten.", "Welzijn Oost", "" },
	{ "Schuldhulp Utrecht", "Hulp bij schulden en rekeningen.",
	  "Wij helpen met schuldhulp en een budgetcoach.", "Gemeente", "" },
	{ "Schuldhulpmaatje", "Een maatje helpt met geld.",
	  "Schuldhulp door vrijwilligers.", "SchuldHulpMaatje", "" },
	{ "Taalmaatje Soest", "Een taalmaatje oefent Nederlands met u.",
	  "Taalmaatjes komen bij u thuis.", "Bibliotheek", "taal" },
	{ "Wandelmaatjes", "Samen wandelen met een wandelmaatje.",
	  "Wandelen in de buurt.", "Welzijn Oost", "wandelen" },
	{ "Mantelzorgsteunpunt Woerden", "Steun voor mantelzorg.",
	  "Het steunpunt helpt mantelzorgers.", "Steunpunt", "mantelzorg" },
	{ "Voedselbank Leusden", "Voedselpakketten voor gezinnen.",
	  "Uitgifte op vrijdag.", "Voedselbank", "" },
	{ "Vrijwilligerswerk in de wijk", "Vacatures voor vrijwilligerswerk.",
	  "Vrijwilligerswerk voor iedereen.", "Vrijwilligerscentrale", "" },
	{ "Ouderengym", "Gym voor ouderen.", "Bewegen voor ouderen.",
	  "Sportbedrijf", "gymnastiek" },
	{ "Opvoeden en opgroeien", "Ondersteuning bij het opvoeden.",
	  "Ondersteuning voor ouders.", "CJG", "opvoeden" },
	{ "Jongerenwerk Soest", "Jongerenwerk voor tieners.",
	  "Het jongerenwerk is er voor jongeren.", "Jongerenwerk", "" },
};

static const char rules[] =
    "# test rules\n"
    "buurthuis = wijkcentrum = dorpshuis   # group\n"
    "\n"
    "geen geld, rekeningen niet betalen => schuldhulp, budgetcoach\n"
    "iemand om mee => maatje\n"
    "eenzaam => ontmoetingsplek, koffie, \"in het buurthuis\"\n";

static sqlite3 *db;
static struct expand_index *xi;
static struct nl_tokenizer *tok;

static void
make_db(void)
{
	sqlite3_stmt *st;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(nl_tokenizer_register(db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "CREATE VIRTUAL TABLE aanbod_fts USING "
	    "fts5(naam, samenvatting, omschrijving, organisatie, trefwoorden, "
	    "tokenize='dutch')", NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "INSERT INTO aanbod_fts VALUES "
	    "(?1, ?2, ?3, ?4, ?5)", -1, &st, NULL), SQLITE_OK);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		for (int c = 0; c < 5; c++)
			sqlite3_bind_text(st, c + 1, rows[i][c], -1, SQLITE_STATIC);
		cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

static void
setup(void)
{
	char err[256];

	make_db();
	cr_assert_eq(expand_index_load_with(&xi, db, rules, NULL, err,
	    sizeof(err)), 0, "load: %s", err);
	cr_assert_not_null(tok = nl_tokenizer_new());
}

static void
teardown(void)
{
	expand_index_free(xi);
	nl_tokenizer_free(tok);
	sqlite3_close(db);
	xi = NULL;
	tok = NULL;
	db = NULL;
}

TestSuite(expand, .init = setup, .fini = teardown);

/* Plans q and expands it into *p. */
static void
expand(const char *q, struct query_plan *p)
{
	cr_assert_eq(plan_build(q, p), 0);
	cr_assert_eq(expand_plan(xi, tok, p), 0);
}

/* The group whose expression holds needle (as a quoted term), or NULL. */
static const struct plan_group *
group_with(const struct query_plan *p, const char *term)
{
	char needle[256];

	snprintf(needle, sizeof(needle), "\"%s\"", term);
	for (size_t i = 0; i < p->n; i++)
		if (strstr(p->groups[i].expr, needle) != NULL)
			return &p->groups[i];
	return NULL;
}

static int
hits(const char *expr)
{
	sqlite3_stmt *st;
	int n = 0;

	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT rowid FROM aanbod_fts "
	    "WHERE aanbod_fts MATCH ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_finalize(st);
	return n;
}

/* ---- stop words ---------------------------------------------------------- */

Test(expand, stop_words_dropped)
{
	struct query_plan p;

	expand("ik zoek het buurthuis", &p);
	cr_expect_null(group_with(&p, "ik"));
	cr_expect_null(group_with(&p, "het"));
	cr_expect_not_null(group_with(&p, "zoek"));
	cr_expect_not_null(group_with(&p, "buurthuis"));
	plan_free(&p);
}

Test(expand, only_stop_words_kept)
{
	struct query_plan p;

	expand("de het", &p);
	cr_expect_eq(p.n, 2);
	cr_expect_not_null(group_with(&p, "de"));
	cr_expect_not_null(group_with(&p, "het"));
	plan_free(&p);
}

Test(expand, domain_words_are_not_stop_words)
{
	struct query_plan p;

	expand("alleen samen hulp", &p);
	cr_expect_not_null(group_with(&p, "alleen"));
	cr_expect_not_null(group_with(&p, "samen"));
	cr_expect_not_null(group_with(&p, "hulp"));
	plan_free(&p);
}

/* ---- synonyms ------------------------------------------------------------ */

Test(expand, synonym_group_finds_the_others)
{
	struct query_plan p;
	const struct plan_group *g;

	expand("wijkcentrum", &p);
	g = group_with(&p, "buurthuis");
	cr_assert_not_null(g);
	cr_expect_float_eq(g->weight, EXPAND_W_SYNONYM, 1e-9);
	cr_expect_eq(g->word, 0);
	/* dorpshuis is in no listing: not searched */
	cr_expect_null(group_with(&p, "dorpshuis"));
	/* the typed word is not repeated as its own synonym */
	cr_expect_eq(strstr(g->expr, "wijkcentrum"), NULL);
	cr_expect_eq(hits(g->expr), 1);
	plan_free(&p);
}

Test(expand, synonym_group_matches_inflected_forms)
{
	struct query_plan p;

	expand("Buurthuizen", &p);
	cr_expect_not_null(group_with(&p, "wijkcentrum"));
	plan_free(&p);
}

Test(expand, one_way_rule_with_several_words)
{
	struct query_plan p;
	const struct plan_group *g;

	expand("ik heb geen geld meer", &p);
	g = group_with(&p, "schuldhulp");
	cr_assert_not_null(g);
	cr_expect_not_null(strstr(g->expr, "\"budgetcoach\""));
	cr_expect_float_eq(g->weight, EXPAND_W_SYNONYM, 1e-9);
	plan_free(&p);

	/* one way only */
	expand("schuldhulp", &p);
	cr_expect_null(group_with(&p, "geen geld"));
	plan_free(&p);

	/* both words are needed */
	expand("geld", &p);
	cr_expect_null(group_with(&p, "budgetcoach"));
	plan_free(&p);
}

Test(expand, left_side_allows_a_small_gap)
{
	struct query_plan p;

	expand("ik kan de rekeningen echt niet betalen", &p);
	cr_expect_not_null(group_with(&p, "budgetcoach"));
	plan_free(&p);

	expand("rekeningen die ik al heel lang niet kan betalen", &p);
	cr_expect_null(group_with(&p, "budgetcoach"));
	plan_free(&p);

	expand("betalen niet rekeningen", &p);   /* order counts */
	cr_expect_null(group_with(&p, "budgetcoach"));
	plan_free(&p);
}

Test(expand, left_side_of_three_stop_words)
{
	struct query_plan p;

	expand("iemand om mee te wandelen", &p);
	cr_expect_not_null(group_with(&p, "maatje"));
	cr_expect_not_null(group_with(&p, "wandelen"));
	cr_expect_null(group_with(&p, "iemand"));
	plan_free(&p);
}

Test(expand, phrase_on_the_right)
{
	struct query_plan p;
	const struct plan_group *g;

	expand("eenzaam", &p);
	g = group_with(&p, "in het buurthuis");
	cr_assert_not_null(g);
	cr_expect_not_null(strstr(g->expr, "\"koffie\""));
	cr_expect_eq(hits("\"in het buurthuis\""), 1);
	plan_free(&p);
}

/* ---- typos --------------------------------------------------------------- */

Test(expand, typo_corrected_with_bedoelt)
{
	struct query_plan p;
	const struct plan_group *g;

	expand("schuldhlup", &p);
	g = group_with(&p, "schuldhulp");
	cr_assert_not_null(g);
	cr_expect_float_eq(g->weight, EXPAND_W_TYPO, 1e-9);
	cr_expect_null(group_with(&p, "schuldhlup"));
	cr_assert_not_null(p.bedoelt);
	cr_expect_str_eq(p.bedoelt, "schuldhulp");
	cr_expect_str_eq(p.gezocht, "schuldhulp");
	plan_free(&p);
}

Test(expand, typo_in_a_longer_query)
{
	struct query_plan p;

	/* distance 2 from 7 letters; the surface form comes from the text */
	expand("Vrijwiligerwerk in de wijk", &p);
	cr_assert_not_null(group_with(&p, "vrijwilligerswerk"));
	cr_assert_not_null(p.bedoelt);
	cr_expect_str_eq(p.bedoelt, "vrijwilligerswerk in de wijk");
	plan_free(&p);

	expand("jongerewerk", &p);
	cr_expect_not_null(group_with(&p, "jongerenwerk"));
	plan_free(&p);
}

Test(expand, exact_outranks_corrected)
{
	struct query_plan p;

	expand("buurthuis schuldhlup", &p);
	cr_expect_float_eq(group_with(&p, "buurthuis")->weight, 1.0, 1e-9);
	cr_expect_lt(group_with(&p, "schuldhulp")->weight, 1.0);
	plan_free(&p);
}

Test(expand, no_correction_for_known_or_short_words)
{
	struct query_plan p;

	expand("schuldhulp", &p);                /* in the index */
	cr_expect_null(p.bedoelt);
	plan_free(&p);
	expand("gum", &p);                       /* gym: too short */
	cr_expect_null(p.bedoelt);
	cr_expect_null(group_with(&p, "gym"));
	plan_free(&p);
	expand("qqqqqqqqq", &p);                 /* nothing near */
	cr_expect_null(p.bedoelt);
	plan_free(&p);
}

Test(expand, no_correction_for_a_real_word)
{
	char path[] = "/tmp/test_expand_wordsXXXXXX", err[256];
	struct expand_index *x2;
	struct query_plan p;
	int fd = mkstemp(path);
	FILE *f;

	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	fputs("zwemles\nschuldhulp\n", f);
	fclose(f);
	cr_assert_eq(expand_index_load_with(&x2, db, rules, path, err,
	    sizeof(err)), 0, "%s", err);
	unlink(path);
	/* "zwemles" is a real word: left alone; a typo is still corrected */
	cr_assert_eq(plan_build("zwemles", &p), 0);
	cr_assert_eq(expand_plan(x2, tok, &p), 0);
	cr_expect_null(p.bedoelt);
	plan_free(&p);
	cr_assert_eq(plan_build("schuldhlup", &p), 0);
	cr_assert_eq(expand_plan(x2, tok, &p), 0);
	cr_expect_not_null(p.bedoelt);
	plan_free(&p);
	expand_index_free(x2);
}

Test(expand, typos_anywhere_in_the_word)
{
	/* swapped, missing, doubled and wrong letters, also in the ending
	 * (which stemming does not take off a misspelt word) */
	static const char *const pairs[][2] = {
		{ "buurhtuis", "buurthuis" },
		{ "wijkcetrum", "wijkcentrum" },
		{ "taalmaatej", "taalmaatje" },
		{ "voedslbank", "voedselbank" },
		{ "oudrengym", "ouderengym" },
		{ "mantelzorgsteunpnt", "mantelzorgsteunpunt" },
		{ "wandelmaatjse", "wandelmaatje" },
		{ "jongrenwerk", "jongerenwerk" },
		{ "vrijwilliggerswerk", "vrijwilligerswerk" },
		{ "Schuldhuulp", "schuldhulp" },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct query_plan p;

		expand(pairs[i][0], &p);
		cr_assert_not_null(p.bedoelt, "%s", pairs[i][0]);
		cr_expect_str_eq(p.bedoelt, pairs[i][1]);
		plan_free(&p);
	}
}

Test(expand, too_far_is_not_corrected)
{
	static const char *const far[] = {
		"buurthuisjes",      /* 3 from buurthuis: a word of its own */
		"wkcntrm",           /* 4 from wijkcentrum */
		"kofee",             /* 2 from koffie, but 6 letters or fewer:
		                      * distance 1 only */
	};

	for (size_t i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
		struct query_plan p;

		expand(far[i], &p);
		cr_expect_null(p.bedoelt, "%s -> %s", far[i],
		    p.bedoelt ? p.bedoelt : "");
		plan_free(&p);
	}
}

/* ---- compounds ----------------------------------------------------------- */

Test(expand, compound_split_into_parts)
{
	struct query_plan p;
	const struct plan_group *g = NULL;

	expand("opvoedondersteuning", &p);
	for (size_t i = 0; i < p.n; i++)
		if (strstr(p.groups[i].expr, " AND ") != NULL)
			g = &p.groups[i];
	cr_assert_not_null(g, "no group of parts");
	cr_expect_float_eq(g->weight, EXPAND_W_SPLIT, 1e-9);
	cr_expect_eq(hits(g->expr), 1);          /* the CJG listing */
	plan_free(&p);
}

Test(expand, no_split_when_a_part_is_unknown)
{
	struct query_plan p;

	expand("hondenuitlaatservice", &p);
	for (size_t i = 0; i < p.n; i++)
		cr_expect_null(strstr(p.groups[i].expr, " AND "), "%s",
		    p.groups[i].expr);
	plan_free(&p);
}

Test(expand, adjacent_words_joined)
{
	struct query_plan p;
	const struct plan_group *g;

	expand("taal maatje", &p);
	g = group_with(&p, "taalmaatje");
	cr_assert_not_null(g);
	cr_expect_float_eq(g->weight, EXPAND_W_JOIN, 1e-9);
	plan_free(&p);

	expand("voedsel bank", &p);
	cr_expect_not_null(group_with(&p, "voedselbank"));
	plan_free(&p);

	expand("ouderen gym", &p);
	cr_expect_not_null(group_with(&p, "ouderengym"));
	plan_free(&p);
}

Test(expand, longer_compounds_of_a_word)
{
	struct query_plan p;
	const struct plan_group *g = NULL;

	expand("maatje", &p);
	/* taalmaatje and wandelmaatje have "maatje" as their head */
	for (size_t i = 0; i < p.n; i++)
		if (p.groups[i].weight == EXPAND_W_AFFIX &&
		    strstr(p.groups[i].expr, "taalma") != NULL)
			g = &p.groups[i];
	cr_assert_not_null(g);
	cr_expect_not_null(strstr(g->expr, "wandelma"));
	cr_expect_not_null(strstr(g->expr, "schuldhulpma"));
	cr_expect_eq(hits(g->expr), 3);
	plan_free(&p);

	expand("mantelzorg", &p);
	cr_expect_not_null(group_with(&p, "mantelzorgsteunpunt"));
	plan_free(&p);
}

Test(expand, word_being_typed_left_alone)
{
	struct query_plan p;

	cr_assert_eq(plan_build("schuldhlup wand", &p), 0);
	cr_assert_eq(plan_set_last_prefix(&p), 0);
	cr_assert_eq(expand_plan(xi, tok, &p), 0);
	cr_expect_not_null(group_with(&p, "schuldhulp"));
	cr_expect_not_null(strstr(p.groups[0].expr, "\"wand\" *"));
	cr_expect_eq(p.groups[0].word, 1);
	for (size_t i = 0; i < p.n; i++)
		cr_expect(p.groups[i].word != 1 || p.groups[i].weight == 1.0);
	plan_free(&p);
}

Test(expand, null_index_leaves_plan_alone)
{
	struct query_plan p;

	cr_assert_eq(plan_build("ik zoek schuldhlup", &p), 0);
	cr_assert_eq(expand_plan(NULL, tok, &p), 0);
	cr_expect_eq(p.n, 3);
	plan_free(&p);
}

Test(expand, measures_can_be_turned_off)
{
	struct query_plan p;

	expand_index_set_measures(xi, EXPAND_ALL & ~EXPAND_TYPO);
	expand("schuldhlup", &p);
	cr_expect_null(p.bedoelt);
	plan_free(&p);
	expand_index_set_measures(xi, EXPAND_ALL);
}

/* ---- the rules file ------------------------------------------------------ */

Test(expand, bad_rules_name_their_line)
{
	static const char *const bad[] = {
		"a = b\nzonder pijl of isgelijk\n",
		"a = b\n=> c\n",
		"a = b\nde => c\n",
		"a = b\nx => c = d\n",
		"a = b\nx,,y => c\n",
		"a = b\nalleen =\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct expand_index *x2 = NULL;
		char err[256] = "";

		cr_expect_eq(expand_index_load_with(&x2, db, bad[i], NULL, err,
		    sizeof(err)), -1, "%s", bad[i]);
		cr_expect_null(x2);
		cr_expect_not_null(strstr(err, "regel 2"), "%s: %s", bad[i], err);
	}
}

Test(expand, shipped_rules_load)
{
	FILE *f = fopen("schema/synoniemen.txt", "rb");
	struct expand_index *x2;
	char *text, err[256];
	size_t rules_n, n;
	long len;

	cr_assert_not_null(f, "run the tests from the repository root");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = malloc((size_t)len + 1);
	n = fread(text, 1, (size_t)len, f);
	text[n] = '\0';
	fclose(f);
	cr_assert_eq(expand_index_load_with(&x2, db, text, NULL, err,
	    sizeof(err)), 0, "%s", err);
	expand_index_stats(x2, NULL, &rules_n, NULL);
	cr_expect_gt(rules_n, 300);
	expand_index_free(x2);
	free(text);
}

Test(expand, needs_the_dutch_tokenizer)
{
	char path[] = "/tmp/test_expand_dbXXXXXX", err[256] = "";
	struct expand_index *x2 = NULL;
	sqlite3 *file, *d2;
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	close(fd);
	/* the test index, copied to a file */
	cr_assert_eq(sqlite3_open(path, &file), SQLITE_OK);
	{
		sqlite3_backup *b = sqlite3_backup_init(file, "main", db, "main");
		cr_assert_not_null(b);
		cr_assert_eq(sqlite3_backup_step(b, -1), SQLITE_DONE);
		sqlite3_backup_finish(b);
	}
	sqlite3_close(file);
	/* opened without the tokenizer: refused with a message */
	cr_assert_eq(sqlite3_open_v2(path, &d2, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	cr_expect_eq(expand_index_load_with(&x2, d2, rules, NULL, err,
	    sizeof(err)), -1);
	cr_expect_null(x2);
	cr_expect_not_null(strstr(err, "dutch"), "%s", err);
	/* with it: loads */
	cr_assert_eq(nl_tokenizer_register(d2), SQLITE_OK);
	cr_expect_eq(expand_index_load_with(&x2, d2, rules, NULL, err,
	    sizeof(err)), 0, "%s", err);
	expand_index_free(x2);
	sqlite3_close(d2);
	unlink(path);
}

Test(expand, no_fts_table_is_an_error)
{
	sqlite3 *d2;
	struct expand_index *x2 = NULL;
	char err[256] = "";

	cr_assert_eq(sqlite3_open(":memory:", &d2), SQLITE_OK);
	cr_expect_eq(expand_index_load_with(&x2, d2, rules, NULL, err,
	    sizeof(err)), -1);
	cr_expect_neq(err[0], '\0');
	sqlite3_close(d2);
}
