-- spinemets--0.1.0.sql: CREATE EXTENSION spinemets;
-- Every function is IMMUTABLE PARALLEL SAFE STRICT: the result depends only
-- on the arguments and the engine version (spinemets_version()); a NULL
-- argument gives NULL. Invalid input raises an error (SQLSTATE 22023,
-- invalid_parameter_value) whose DETAIL names the JSON path of each problem.
\echo Use "CREATE EXTENSION spinemets" to load this file. \quit

CREATE FUNCTION spinemets_version() RETURNS text
  AS 'MODULE_PATHNAME', 'spinemets_version'
  LANGUAGE C IMMUTABLE PARALLEL SAFE STRICT;

-- COST: a call costs about as much as 100 simple operators (a few
-- microseconds), which lets the planner choose parallel workers for big tables.
CREATE FUNCTION spinemets_score(instrument text, items jsonb) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'spinemets_score'
  LANGUAGE C IMMUTABLE PARALLEL SAFE STRICT COST 100;

CREATE FUNCTION spinemets_assess("case" jsonb) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'spinemets_assess'
  LANGUAGE C IMMUTABLE PARALLEL SAFE STRICT COST 5000;

CREATE FUNCTION spinemets_instruments(
    OUT name text, OUT title text, OUT definition text, OUT citation text,
    OUT reference text, OUT direction text, OUT is_grade boolean)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'spinemets_instruments'
  LANGUAGE C IMMUTABLE PARALLEL SAFE STRICT ROWS 16;
