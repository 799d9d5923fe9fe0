/*
 * schema_data.h - the text of schema/schema.sql (NUL-ended), embedded at
 * build time by schema_data.c.
 */
#ifndef SK_SCHEMA_DATA_H
#define SK_SCHEMA_DATA_H

extern const char sk_schema_sql[];

#endif
