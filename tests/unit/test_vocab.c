/*
 * test_vocab.c - unit tests for common/vocab.c and the embedded schema
 * files of common/builtin_data.c (suite "vocab").
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vocab.h"

static const char THEMAS[] =
    "code,naam,omschrijving\n"
    "ontmoeting,Ontmoeten en samen doen,\"Inloop, koffie\"\n"
    "leren,\"Leren, cursussen en taal\",\"Taalcaf\xC3\xA9, \"\"NT2\"\"\"\n";
static const char DOELGROEPEN[] =
    "code,naam,omschrijving\r\n"
    "ouderen,Ouderen,Vanaf 65 jaar\r\n"
    "\r\n"
    "mantelzorgers,Mantelzorgers,\"Mensen die zorgen\r\nvoor een naaste\"\r\n";
static const char GEBIEDEN[] =
    "gemeentecode,gemeente,regio,provincie\n"
    "GM0307,Amersfoort,Eemland,Utrecht\n"
    "gm0310,De Bilt,Zuidoost Utrecht,Utrecht";

Test(vocab, builtin_has_the_schema_files)
{
	struct vocab v;
	char err[256] = "";
	const struct vocab_entry *e;
	const struct gemeente_entry *g;

	cr_assert_eq(vocab_load_builtin(&v, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(v.nthemas, 18);
	cr_assert_eq(v.ndoelgroepen, 19);
	cr_assert_eq(v.ngemeenten, 27);
	e = vocab_thema(&v, "leren");
	cr_assert_not_null(e);
	cr_assert_str_eq(e->naam, "Leren, cursussen en taal");
	e = vocab_thema(&v, "informatie");
	cr_assert_str_eq(e->naam,
	    "Informatie, advies en cli\xC3\xABntondersteuning");
	e = vocab_doelgroep(&v, "ouders");
	cr_assert_str_eq(e->omschrijving, "Ouders, aanstaande ouders, gezinnen");
	g = vocab_gemeente(&v, "GM0632");
	cr_assert_str_eq(g->naam, "Woerden");
	cr_assert_str_eq(g->regio, "Utrecht West");
	cr_assert_str_eq(g->provincie, "Utrecht");
	cr_assert_str_eq(v.themas[0].code, "ontmoeting");
	cr_assert_str_eq(v.gemeenten[v.ngemeenten - 1].code, "GM0632");
	vocab_free(&v);
	cr_assert_null(v.themas);
	cr_assert_eq(v.ngemeenten, 0);
}

Test(vocab, lookups_by_code_or_naam)
{
	struct vocab v;
	char err[256];

	cr_assert_eq(vocab_load_builtin(&v, err, sizeof(err)), 0);
	cr_assert_str_eq(vocab_thema(&v, "ontmoeting")->code, "ontmoeting");
	cr_assert_str_eq(vocab_thema(&v, "  ONTMOETING\t")->code, "ontmoeting");
	cr_assert_str_eq(vocab_thema(&v, "ontmoeten EN samen doen")->code,
	    "ontmoeting");
	cr_assert_str_eq(vocab_thema(&v, "Bewegen en sport")->code, "bewegen");
	/* case-insensitive also outside ASCII */
	cr_assert_str_eq(vocab_thema(&v, "INFORMATIE, ADVIES EN "
	    "CLI\xC3\x8BNTONDERSTEUNING")->code, "informatie");
	cr_assert_str_eq(vocab_thema(&v, "Informatie, advies en "
	    "cli\xC3\xABntondersteuning")->code, "informatie");
	cr_assert_null(vocab_thema(&v, "Informatie, advies en "
	    "clientondersteuning"), "case, not accents, is ignored");
	cr_assert_null(vocab_thema(&v, "Informatie, advies en "
	    "cli\xC3ntondersteuning"), "an invalid byte matches nothing");
	cr_assert_null(vocab_thema(&v, "zwemmen"));
	cr_assert_null(vocab_thema(&v, ""));
	cr_assert_null(vocab_thema(&v, "ontmoet"));
	cr_assert_null(vocab_thema(&v, "ouderen"), "a doelgroep, no thema");
	cr_assert_str_eq(vocab_doelgroep(&v, "Ouderen")->code, "ouderen");
	cr_assert_str_eq(vocab_doelgroep(&v, "lhbti+")->code, "lhbti");
	cr_assert_str_eq(vocab_doelgroep(&v, "mensen met dementie")->code,
	    "dementie");
	cr_assert_null(vocab_doelgroep(&v, "ontmoeting"));
	cr_assert_str_eq(vocab_gemeente(&v, "gm0307")->code, "GM0307");
	cr_assert_str_eq(vocab_gemeente(&v, " Amersfoort ")->code, "GM0307");
	cr_assert_str_eq(vocab_gemeente(&v, "de bilt")->code, "GM0310");
	cr_assert_str_eq(vocab_gemeente(&v, "UTRECHTSE HEUVELRUG")->code,
	    "GM1581");
	cr_assert_str_eq(vocab_gemeente(&v, "Utrecht")->code, "GM0344");
	cr_assert_null(vocab_gemeente(&v, "GM9999"));
	cr_assert_null(vocab_gemeente(&v, "Amsterdam"));
	cr_assert_null(vocab_gemeente(&v, "GM030"));
	vocab_free(&v);
}

Test(vocab, load_mem_reads_rfc4180)
{
	struct vocab v;
	char err[256] = "";

	cr_assert_eq(vocab_load_mem(&v, THEMAS, DOELGROEPEN, GEBIEDEN, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_eq(v.nthemas, 2);
	cr_assert_str_eq(v.themas[0].omschrijving, "Inloop, koffie");
	cr_assert_str_eq(v.themas[1].naam, "Leren, cursussen en taal");
	cr_assert_str_eq(v.themas[1].omschrijving,
	    "Taalcaf\xC3\xA9, \"NT2\"");
	cr_assert_eq(v.ndoelgroepen, 2, "empty line skipped");
	cr_assert_str_eq(v.doelgroepen[0].omschrijving, "Vanaf 65 jaar");
	cr_assert_str_eq(v.doelgroepen[1].omschrijving,
	    "Mensen die zorgen\r\nvoor een naaste");
	cr_assert_eq(v.ngemeenten, 2);
	cr_assert_str_eq(v.gemeenten[1].code, "GM0310", "code upper-cased");
	cr_assert_str_eq(v.gemeenten[1].provincie, "Utrecht",
	    "last line without newline");
	vocab_free(&v);
}

Test(vocab, load_mem_handles_bom_column_order_and_missing_optional)
{
	struct vocab v;
	char err[256] = "";

	cr_assert_eq(vocab_load_mem(&v,
	    "\xEF\xBB\xBFnaam,code\nOntmoeten,ontmoeting\n",
	    "code,naam\nouderen,Ouderen\n",
	    "gemeente,gemeentecode\nAmersfoort,GM0307\n", err, sizeof(err)),
	    0, "%s", err);
	cr_assert_str_eq(v.themas[0].code, "ontmoeting");
	cr_assert_str_eq(v.themas[0].naam, "Ontmoeten");
	cr_assert_str_eq(v.themas[0].omschrijving, "");
	cr_assert_str_eq(v.gemeenten[0].code, "GM0307");
	cr_assert_str_eq(v.gemeenten[0].regio, "");
	vocab_free(&v);
}

/* Loads with one file replaced and checks the error mentions want. */
static void
expect_error(const char *th, const char *dg, const char *gb, const char *want)
{
	struct vocab v;
	char err[256] = "";

	cr_assert_eq(vocab_load_mem(&v, th ? th : THEMAS, dg ? dg : DOELGROEPEN,
	    gb ? gb : GEBIEDEN, err, sizeof(err)), -1, "want error %s", want);
	cr_assert_not_null(strstr(err, want), "error \"%s\" lacks \"%s\"", err,
	    want);
	cr_assert_null(v.themas);
	cr_assert_null(v.gemeenten);
}

Test(vocab, load_mem_errors)
{
	expect_error("code,naam\nontmoeting,\"Ontmoeten\n\nrest", NULL, NULL,
	    "themas.csv:2: aanhalingsteken wordt niet gesloten");
	expect_error("code,naam\na,b,c\n", NULL, NULL,
	    "themas.csv:2: 3 velden, de kop heeft er 2");
	expect_error("code,naam\na\n", NULL, NULL,
	    "themas.csv:2: 1 velden, de kop heeft er 2");
	expect_error("code,omschrijving\na,b\n", NULL, NULL,
	    "themas.csv:1: kolom naam ontbreekt");
	expect_error(NULL, "code,naam\nx,X\nX,Y\n", NULL,
	    "doelgroepen.csv:3: code X komt twee keer voor");
	expect_error(NULL, "code,naam\n,Leeg\n", NULL,
	    "doelgroepen.csv:2: code of naam is leeg");
	expect_error(NULL, NULL, "gemeentecode,gemeente\nGM307,Amersfoort\n",
	    "gebieden.csv:2: geen geldige gemeentecode");
	expect_error(NULL, NULL, "gemeentecode,gemeente\nGM0307,Amersfoort\n"
	    "gm0307,Dubbel\n", "gebieden.csv:3: code GM0307 komt twee keer voor");
	expect_error(NULL, NULL, "gemeentecode,gemeente\nGM0307,Amersf\xF6rt\n",
	    "gebieden.csv:2: tekst is geen geldige UTF-8");
	expect_error("", NULL, NULL, "themas.csv: het bestand is leeg");
	expect_error("code,naam\n\"a\"b,c\n", NULL, NULL,
	    "themas.csv:2: tekst na een aanhalingsteken");
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void
remove_file(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

Test(vocab, load_dir)
{
	char dir[] = "/tmp/sk_vocab_XXXXXX";
	struct vocab v;
	char err[256] = "";

	cr_assert_not_null(mkdtemp(dir));
	write_file(dir, "themas.csv", THEMAS);
	write_file(dir, "doelgroepen.csv", DOELGROEPEN);
	cr_assert_eq(vocab_load_dir(&v, dir, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "gebieden.csv: kan niet lezen"), "%s",
	    err);
	write_file(dir, "gebieden.csv", GEBIEDEN);
	cr_assert_eq(vocab_load_dir(&v, dir, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(v.nthemas, 2);
	cr_assert_eq(v.ndoelgroepen, 2);
	cr_assert_str_eq(vocab_gemeente(&v, "De Bilt")->code, "GM0310");
	vocab_free(&v);
	remove_file(dir, "themas.csv");
	remove_file(dir, "doelgroepen.csv");
	remove_file(dir, "gebieden.csv");
	rmdir(dir);
}
