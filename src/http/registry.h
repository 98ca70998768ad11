/*
** registry.h: the registry routes of the JSON API (people, cases, the pathway
** clock, the worklist and the monthly audit), over the store (src/store).
**
** Routes (all under /api/v1; src/http/openapi.json documents each):
**   POST login, logout, password; GET me
**   GET|POST cases; GET|PUT|DELETE cases/{id}; GET cases/{id}/versions;
**   POST cases/{id}/events
**   GET worklist; GET audit/report; GET audit/log
**   GET|POST users; GET users/{username};
**   POST users/{username}/deactivate|activate|password
**   GET|POST sites
**
** Authentication: "Authorization: Bearer TOKEN" (an API token from
** `spinemets user token`, or the session token that login returns) or the
** session cookie spinemets_session. Roles:
**   clinician, coordinator: the cases of their own site, with identifiers;
**     the worklist and audit report of their site.
**   researcher: de-identified cases and reports of every site; no writes.
**   admin: users and sites of every site, the audit log and every site's
**     report; no case data.
** A case of another site answers 404 (its existence is not revealed); a site
** named in a query that the role may not see answers 403.
*/
#ifndef SM_HTTP_REGISTRY_H
#define SM_HTTP_REGISTRY_H
#include "http/api.h"
#include "store/store.h"

typedef struct sm_registry sm_registry;

typedef struct sm_registry_options {
	unsigned session_idle;     /* seconds a session lives unused (default 12 h) */
	unsigned session_max;      /* seconds a session lives at most (default 7 days) */
	int cookie_secure;         /* add "Secure" to the cookie (behind TLS) */
	unsigned pool_wait_ms;     /* wait this long for a database handle, then 503 */
	unsigned otp_ttl;          /* seconds a one-time password (set by an administrator or the
	                           ** first start) can be used to log in (default 72 h) */
	unsigned api_token_max;    /* seconds an API token is accepted after it was made, whatever
	                           ** expiry it was given (default 90 days) */
	struct sm_throttle *throttle; /* login throttling (src/http/guard.h), or NULL; not owned */
} sm_registry_options;

/* A registry over `pool` (not owned: close it after sm_registry_free). */
sm_registry *sm_registry_new(sm_store_pool *pool, const sm_registry_options *opt);
void sm_registry_free(sm_registry *reg);

/* true for the paths the registry answers (whatever the method). */
int sm_registry_owns(const char *path);
/* Answer one request on a registry path; `reg` NULL answers 503. */
void sm_registry_handle(sm_registry *reg, const sm_api_request *q, sm_api_response *r);

/* true for the requests that may check or hash a password (login, password
** changes, user creation and resets): the server runs only a few at once. */
int sm_registry_hashes(const char *method, const char *path);
/* The database answers a trivial query: 1 yes, 0 no (or `reg` is NULL). */
int sm_registry_health(sm_registry *reg);
/* The request carries a valid session or API token (one database lookup). */
int sm_registry_credentials_ok(sm_registry *reg, const sm_api_request *q);

/* First start: when the registry has no user at all, create site "default"
** (if missing) and user "admin" (role admin, every site) with a random
** one-time password that must be changed at first login. *created = 1 and the
** password in `password` when this call created the user; 0 when users
** existed already (or another server created it first). */
sm_store_status sm_registry_bootstrap(sm_store *st, int64_t now, int *created,
                                      char password[32], char *err, size_t errsz);

/* Write the case index (store.h, sm_store_case_index) of every case saved
** before it existed (migration 6) or whose index was cleared. Safe to run at
** any time and from several servers; *n (may be NULL) = cases indexed. The
** worklist and the audit report are right without it, only slower. */
sm_store_status sm_registry_backfill(sm_store *st, size_t *n);

/* A random password of 20 characters from an unambiguous alphabet. */
void sm_registry_random_password(char out[32]);
#endif
