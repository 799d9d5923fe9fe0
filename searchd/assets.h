/*
 * assets.h - files built into searchd at compile time (assets.c):
 * the OpenAPI description and the CSS of the HTML pages. Read-only.
 */
#ifndef SK_ASSETS_H
#define SK_ASSETS_H

extern const char sk_openapi_json[];
extern const char sk_style_css[];
extern const char sk_synoniemen_txt[];   /* schema/synoniemen.txt */

#endif
