/*
** spinemets.h: the one public header of the spinemets core engine.
**
** The core scores the instruments used for metastatic spinal tumours (SINS,
** Bilsky ESCC, Frankel, ASIA, revised Tokuhashi, Tomita, Bauer, modified Bauer,
** NESMS, Katagiri). Every point value and cut-off lives in a static table in
** src/core/, each row carrying its source (../shared/clinical/REFERENCE.md).
**
** Rules of the core (tested):
**   - no I/O, no printing, no exit/abort, no globals that change, and no
**     allocation: callers own every object (sm_input, sm_result) and may put
**     them on the stack;
**   - a missing item is never treated as zero: the result is `incomplete`
**     with the range of totals still possible;
**   - a value outside its domain makes the result `invalid`, with an error
**     naming the item (as a JSON pointer) and the allowed values.
**
** Output is decision support for qualified clinicians, never a diagnosis.
*/
#ifndef SPINEMETS_H
#define SPINEMETS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SM_ENGINE_VERSION "0.1.0"

/* ---- Status codes: the list only ever grows; numbers are never reused. ---- */
typedef enum sm_status {
	SM_OK = 0,              /* success */
	SM_E_UNKNOWN_INSTRUMENT = 1, /* no instrument of that name */
	SM_E_UNKNOWN_ITEM = 2,  /* the instrument has no item of that name */
	SM_E_TYPE = 3,          /* value of the wrong type for the item */
	SM_E_DOMAIN = 4,        /* value outside the item's allowed values */
	SM_E_CONFLICT = 5,      /* two items contradict each other */
	SM_E_TOO_MANY = 6,      /* a fixed-size list in a caller's object is full */
	SM_E_ARGUMENT = 7,      /* NULL or otherwise unusable argument */
	SM_E_DUPLICATE = 8,     /* the same item was given twice */
	SM_E_SYNTAX = 9,        /* malformed input text (used by the adapters) */
	SM_E_NOMEM = 10,        /* out of memory (used by the adapters) */
	SM_E_IO = 11            /* input/output failure (used by the adapters) */
} sm_status;

/* A static English sentence for a status code; never NULL. */
const char *sm_strerror(sm_status status);

/* ---- Vocabulary ---- */
typedef enum sm_result_status {
	SM_RESULT_OK = 0,        /* every item known */
	SM_RESULT_INCOMPLETE = 1,/* some items missing or ambiguous: see range */
	SM_RESULT_INVALID = 2    /* a value out of domain: see errors; not scored */
} sm_result_status;

const char *sm_result_status_name(sm_result_status s); /* "ok", ... */

typedef enum sm_direction {
	SM_HIGHER_IS_BETTER = 0,
	SM_HIGHER_IS_WORSE = 1,
	SM_DIRECTION_NONE = 2 /* grades (ESCC, Frankel, ASIA) */
} sm_direction;

const char *sm_direction_name(sm_direction d); /* "higher_is_better", ... */

/* Flags on a result (bit set). Names are the KEYS.md words. */
enum {
	SM_FLAG_CONVERTED = 1u << 0,         /* "converted": a scale was converted (KPS<->ECOG) */
	SM_FLAG_VERIFY_PENDING = 1u << 1,    /* "verify_pending": an unverified rule was used */
	SM_FLAG_CAPPED = 1u << 2,            /* "capped": the total hit the published ceiling */
	SM_FLAG_CATALOGUE_DEFAULT = 1u << 3, /* "catalogue_default": histology mapped by an implementation default */
	SM_FLAG_LEVEL_RANGE = 1u << 4,       /* "level_range": a level range took its highest-scoring level */
	SM_FLAG_NOT_VALIDATED_IN_CHILDREN = 1u << 5 /* "not_validated_in_children" (set by doors that know the age) */
};
#define SM_NFLAGS 6
const char *sm_flag_name(unsigned bit_index); /* by index 0..SM_NFLAGS-1; NULL beyond */

/* ---- Items and their values ---- */
typedef enum sm_item_type {
	SM_T_ENUM = 0,      /* one of a fixed list of words */
	SM_T_INT = 1,       /* integer within [min, max], in steps of `step` */
	SM_T_NUMBER = 2,    /* real number within [min, max] */
	SM_T_BOOL = 3,      /* true / false */
	SM_T_HISTOLOGY = 4, /* a key of the histology catalogue */
	SM_T_LEVEL = 5      /* a spinal level such as "T7", or a range "T2-T3" */
} sm_item_type;

const char *sm_item_type_name(sm_item_type t); /* "one of the words", "integer", ... */

typedef struct sm_choice {
	const char *key;   /* the KEYS.md word */
	int points;        /* points it scores (where the item scores directly) */
	const char *text;  /* its meaning as published */
} sm_choice;

typedef struct sm_item {
	const char *key;          /* KEYS.md item key */
	sm_item_type type;
	const sm_choice *choices; /* SM_T_ENUM: the allowed words */
	size_t nchoices;
	double min, max, step;    /* SM_T_INT / SM_T_NUMBER; step 0 = any */
	const char *help;         /* one line for help text and docs */
} sm_item;

/* A value as the core keeps it. */
typedef struct sm_value {
	bool present;  /* a value is known */
	bool given;    /* the item appeared in the input (a value or an explicit unknown) */
	sm_item_type type;
	int i;        /* ENUM: choice index; INT; BOOL: 0/1; HISTOLOGY: catalogue index */
	double d;     /* NUMBER */
	int lo, hi;   /* LEVEL: first and last level index (0 = Occ .. 29 = S5) */
} sm_value;

/* ---- The histology catalogue (KEYS.md §3) ---- */
typedef enum sm_tomita_growth {
	SM_TOMITA_NONE = 0,     /* the paper gives no class: growth must be supplied */
	SM_TOMITA_SLOW = 1,
	SM_TOMITA_MODERATE = 2,
	SM_TOMITA_RAPID = 4     /* value = points (rapid = 4, REFERENCE §6.2) */
} sm_tomita_growth;

typedef enum sm_katagiri_group {
	SM_KAT_SLOW = 0,            /* 0 points */
	SM_KAT_MODERATE = 2,        /* 2 points */
	SM_KAT_RAPID = 3,           /* 3 points */
	SM_KAT_HORMONE = 10,        /* breast/prostate: slow if hormone-dependent, else moderate */
	SM_KAT_LUNG = 11            /* lung: moderate on targeted therapy, else rapid */
} sm_katagiri_group;

typedef enum sm_radiosensitivity {
	SM_RT_UNKNOWN = 0,
	SM_RT_SENSITIVE = 1,
	SM_RT_RESISTANT = 2
} sm_radiosensitivity;

typedef struct sm_histology {
	const char *key;            /* stable key, e.g. "lung_nsclc" */
	const char *name;           /* display name */
	const char *icdo3;          /* ICD-O-3 topography where known, else "" */
	int tokuhashi_points;       /* revised Tokuhashi primary-site points (0..5) */
	bool tokuhashi_default;     /* true: "others" by implementation default (flagged) */
	sm_tomita_growth tomita;    /* Tomita growth class, or NONE */
	int bauer_lung;             /* Bauer item 4 fails (lung cancer): 1 yes, 0 no, -1 not known */
	int bauer_favourable;       /* Bauer item 5 (breast, kidney, lymphoma, myeloma): 1, 0, -1 not known */
	bool bauer_default;         /* true: Bauer attributes by implementation default */
	sm_katagiri_group katagiri; /* Katagiri 2014 primary group */
	bool katagiri_default;      /* true: placed in "others" by default (flagged) */
	sm_radiosensitivity radiosensitivity; /* to conventional EBRT (NOMS, REFERENCE §14) */
	bool patchell_radiosensitive; /* Patchell 2005 exclusion list */
	bool chemosensitive;        /* systemic therapy may come first (REFERENCE §3.4, §8) */
	bool paediatric;            /* a tumour of childhood */
	/* decision attributes (REFERENCE §7.2, §8, §9, §15, §16): decision code reads
	** these, never a tumour name */
	bool unknown_primary;       /* the "primary not identified" row (§9, §14) */
	bool lympholytic;           /* steroids can destroy the diagnostic tissue: tissue first if neurology allows (§7.2, §15.7) */
	bool haematological;        /* haematological malignancy: 16 mg dexamethasone once confirmed, plan with haematology (NG234 1.8.5; §7.2, §15.3, §15.7) */
	bool cns_primary;           /* primary of the central nervous system: Patchell exclusion (§7.4) */
	bool leptomeningeal;        /* CNS primary with leptomeningeal (drop) spread: CSF cytology (§9); craniospinal RT note (§15.9) */
	bool chemo_first_child;     /* chemosensitive first-line in children: `chemotherapy_first` with paediatric oncology (§15.9) */
	bool bone_sarcoma;          /* primary bone sarcoma: phone the sarcoma centre before any biopsy (§9, §15.14) */
	bool myeloma_like;          /* myeloma or plasmacytoma: RT + systemic therapy with haematology, myeloma screen (§15.16) */
	bool marrow_staging;        /* bone marrow aspirate and trephine for staging (§9) */
	bool urine_catecholamines;  /* urine catecholamines are the diagnostic test (§8, §15.9) */
	bool germ_cell;             /* germ-cell tumour: AFP and beta-hCG (§8, §15.9) */
	bool bone_agent;            /* bone-targeted therapy indicated (bisphosphonate or denosumab): myeloma, breast, prostate (§16) */
	const char *source;         /* where each attribute comes from */
} sm_histology;

size_t sm_histology_count(void);
const sm_histology *sm_histology_at(size_t index);           /* NULL beyond */
const sm_histology *sm_histology_find(const char *key, int *index); /* NULL if unknown */

/* ---- Spinal levels ---- */
#define SM_NLEVELS 30 /* Occ, C1..C7, T1..T12, L1..L5, S1..S5 */
const char *sm_level_name(int index);   /* "Occ", "C1", ... ; NULL beyond */
/* Parse "T7" or a range "T2-T3" into level indices; SM_E_DOMAIN when not a level
** SINS defines (coccyx included). */
sm_status sm_level_parse(const char *text, int *lo, int *hi);

/* ---- Code maps for FHIR import (src/core/codemap.c; docs/fhir.md) ----
** One row per code. The io layer (src/io/fhir.c) walks a FHIR Bundle and asks
** these tables what a coding means; a code not in a table is reported, never
** guessed. */
typedef enum sm_code_system {
	SM_SYS_NONE = 0,
	SM_SYS_SNOMED,  /* http://snomed.info/sct */
	SM_SYS_ICD10,   /* WHO ICD-10 and ICD-10-CM (both URIs) */
	SM_SYS_LOINC,   /* http://loinc.org */
	SM_SYS_NCIT     /* NCI Thesaurus */
} sm_code_system;
sm_code_system sm_code_system_find(const char *uri); /* SM_SYS_NONE if not one we read */
const char *sm_code_system_uri(sm_code_system s);   /* canonical URI; "" for NONE */

typedef enum sm_code_kind {
	SM_CODE_PRIMARY = 1,     /* a primary cancer: value = histology catalogue key */
	SM_CODE_SECONDARY,       /* a metastasis whose site comes from bodySite: value "" */
	SM_CODE_SECONDARY_BONE,  /* metastasis to bone (site from bodySite when given) */
	SM_CODE_SECONDARY_SPINE, /* metastasis to the vertebral column */
	SM_CODE_SECONDARY_VISCERAL, /* metastasis to a viscus: value = organ */
	SM_CODE_SECONDARY_BRAIN, /* metastasis to the brain */
	SM_CODE_SECONDARY_NODE,  /* lymph-node metastasis: no case field */
	SM_CODE_SITE_LEVEL,      /* body site: a vertebra; value = level ("T7") */
	SM_CODE_SITE_SPINE,      /* body site: the spine, level not coded */
	SM_CODE_SITE_BONE,       /* body site: a bone outside the spine; value = bone */
	SM_CODE_SITE_VISCERAL,   /* body site: a viscus; value = organ */
	SM_CODE_SITE_BRAIN       /* body site: the brain */
} sm_code_kind;

typedef struct sm_code_map {
	sm_code_system system;
	const char *code;        /* exact code, or an ICD-10 category when `prefix` */
	bool prefix;             /* ICD-10 category row: matches "C50", "C50.9", "C509" */
	sm_code_kind kind;
	const char *value;       /* histology key, level, organ or bone; "" when none */
	const char *display;     /* the code's meaning, for provenance */
} sm_code_map;
size_t sm_code_map_count(void);
const sm_code_map *sm_code_map_at(size_t index); /* NULL beyond */
/* The row for a code: an exact row first, else the longest prefix row. */
const sm_code_map *sm_code_map_find(sm_code_system system, const char *code);

typedef enum sm_obs_field {  /* the case field an Observation code fills */
	SM_OBS_ECOG = 1, SM_OBS_KPS, SM_OBS_LANSKY,
	SM_OBS_ALBUMIN, SM_OBS_CRP, SM_OBS_LDH, SM_OBS_PLATELETS, SM_OBS_CALCIUM, SM_OBS_BILIRUBIN
} sm_obs_field;
typedef struct sm_obs_map {
	sm_code_system system;
	const char *code;
	sm_obs_field field;
	const char *path;        /* case JSON pointer, e.g. "/systemic/labs/crp_mg_dl" */
	const char *display;
} sm_obs_map;
size_t sm_obs_map_count(void);
const sm_obs_map *sm_obs_map_at(size_t index);
const sm_obs_map *sm_obs_map_find(sm_code_system system, const char *code);

typedef struct sm_unit_map {   /* value in the case unit = value * factor */
	sm_obs_field field;
	const char *ucum;            /* UCUM code as written in valueQuantity.code */
	double factor;
} sm_unit_map;
size_t sm_unit_map_count(void);
const sm_unit_map *sm_unit_map_at(size_t index);
/* The factor for a field's unit; NULL when the unit is not one we convert
** (reported, never guessed). A performance scale takes no unit ("" or "1"
** or "{score}"). */
const sm_unit_map *sm_unit_map_find(sm_obs_field field, const char *ucum);

/* ---- Instruments ---- */
#define SM_MAX_ITEMS 20
#define SM_MAX_COMPONENTS 12
#define SM_MAX_ERRORS 8
#define SM_MAX_NOTES 8
#define SM_MSG_SIZE 256
#define SM_ERRMSG_SIZE 768 /* error messages list every allowed value (39 histology keys) */
#define SM_TEXT_SIZE 1024

typedef struct sm_instrument sm_instrument;

size_t sm_instrument_count(void);
const sm_instrument *sm_instrument_at(size_t index);  /* NULL beyond */
const sm_instrument *sm_instrument_find(const char *name); /* NULL if unknown */

const char *sm_instrument_name(const sm_instrument *in);       /* "sins" */
const char *sm_instrument_title(const sm_instrument *in);      /* "Spinal Instability Neoplastic Score" */
const char *sm_instrument_definition(const sm_instrument *in); /* "fisher-2010" */
const char *sm_instrument_citation(const sm_instrument *in);
const char *sm_instrument_reference(const sm_instrument *in);  /* "REFERENCE §1" */
sm_direction sm_instrument_direction(const sm_instrument *in);
bool sm_instrument_is_grade(const sm_instrument *in);
size_t sm_instrument_item_count(const sm_instrument *in);
const sm_item *sm_instrument_item(const sm_instrument *in, size_t index);
const sm_item *sm_instrument_item_find(const sm_instrument *in, const char *key, size_t *index);

typedef struct sm_band_def {
	int lo, hi;            /* total range of the band (sums) */
	const char *key;       /* band word, e.g. "potentially_unstable" */
	const char *meaning;   /* published meaning, one sentence */
} sm_band_def;
size_t sm_instrument_band_count(const sm_instrument *in);
const sm_band_def *sm_instrument_band(const sm_instrument *in, size_t index);

/* ---- Errors ---- */
typedef struct sm_error {
	sm_status code;
	char path[64];              /* JSON pointer, e.g. "/collapse" */
	char message[SM_ERRMSG_SIZE]; /* names the allowed values */
} sm_error;

/* ---- Input: item values for one instrument ---- */
typedef struct sm_input {
	const sm_instrument *instrument;
	sm_value v[SM_MAX_ITEMS];      /* indexed as the instrument's items */
	sm_error errors[SM_MAX_ERRORS];
	size_t nerrors;
	size_t nerrors_dropped;        /* errors beyond SM_MAX_ERRORS */
} sm_input;

sm_status sm_input_init(sm_input *in, const sm_instrument *instrument);
/* Setters check the key and the domain. On failure they record an error in
** `in` (so the result becomes invalid) and return its code. */
sm_status sm_input_set_text(sm_input *in, const char *key, const char *text);
sm_status sm_input_set_int(sm_input *in, const char *key, long long value);
sm_status sm_input_set_number(sm_input *in, const char *key, double value);
sm_status sm_input_set_bool(sm_input *in, const char *key, bool value);
/* Record that the item is explicitly unknown (JSON null): same as absent,
** but an unknown key is still an error. */
sm_status sm_input_set_unknown(sm_input *in, const char *key);
/* Set from text as found in a CSV cell or a command line ("true", "90",
** "3.4", "lytic"); an empty string means unknown. */
sm_status sm_input_set_parsed(sm_input *in, const char *key, const char *text);
/* The value of item `key`, or NULL when absent or unknown. */
const sm_value *sm_input_get(const sm_input *in, const char *key);
/* Record a value of a type the item cannot take (e.g. a JSON object or array);
** `given` describes it ("an object"). The message names the allowed values. */
sm_status sm_input_reject(sm_input *in, const char *key, const char *given);
/* Record an error found by an adapter (type mismatch, syntax). */
sm_status sm_input_add_error(sm_input *in, sm_status code, const char *path, const char *message);

/* ---- Result ---- */
typedef enum sm_vkind { SM_VK_NONE = 0, SM_VK_TEXT, SM_VK_INT, SM_VK_NUMBER, SM_VK_BOOL } sm_vkind;

typedef struct sm_component {
	const char *item;      /* the item key */
	sm_vkind vkind;        /* type of the value as given */
	char text[32];         /* SM_VK_TEXT value */
	long long i;           /* SM_VK_INT / SM_VK_BOOL value */
	double d;              /* SM_VK_NUMBER value */
	bool known;            /* points exactly known */
	int points;            /* when known */
	int lo, hi;            /* points still possible (lo == hi == points when known) */
	char explain[SM_MSG_SIZE]; /* what the value means and why it scores so (cited) */
} sm_component;

typedef struct sm_result {
	const sm_instrument *instrument;
	sm_result_status status;
	bool has_total;        /* sums */
	int total;             /* when status ok */
	int lo, hi;            /* range still possible (== total when ok) */
	const char *grade;     /* grade instruments: the grade when known, else NULL */
	const char *band;      /* NULL when not determined */
	const char *band_meaning;
	const char *possible[8]; /* grade instruments, incomplete: grades still possible */
	size_t npossible;
	sm_component components[SM_MAX_COMPONENTS];
	size_t ncomponents;
	const char *missing[SM_MAX_ITEMS];
	size_t nmissing;
	sm_error errors[SM_MAX_ERRORS];
	size_t nerrors;
	unsigned flags;
	const char *notes[SM_MAX_NOTES];
	size_t nnotes;
	char interpretation[SM_TEXT_SIZE];
} sm_result;

/* Score `in` into `out`. Always fills `out` (status invalid when the input
** holds errors). Returns SM_OK, or SM_E_ARGUMENT for NULL arguments. */
sm_status sm_score(const sm_input *in, sm_result *out);

/* ======================================================================
** The case (KEYS.md §5, schema "spinemets/case/1") and its assessment.
** Every field may be unknown: unknown is never read as normal.
** ==================================================================== */
typedef enum sm_tri { SM_UNKNOWN = 0, SM_NO = 1, SM_YES = 2 } sm_tri;

typedef struct sm_num {
	bool known;
	double v;
} sm_num;

/* Vocabulary lists of the case (index = stored value; -1 = unknown). */
typedef enum sm_vocab {
	SM_VOCAB_SEX = 0,        /* female, male, other */
	SM_VOCAB_HISTORY,        /* known, none, suspected */
	SM_VOCAB_AMBULATORY,     /* independent, assisted, non_ambulatory */
	SM_VOCAB_VISCERAL,       /* none, present */
	SM_VOCAB_PATTERN,        /* nodular, disseminated */
	SM_VOCAB_EVENT,          /* symptom_onset ... death */
	SM_VOCAB_FRANKEL,        /* A..E */
	SM_VOCAB_ESCC,           /* 0, 1a, 1b, 1c, 2, 3 */
	SM_VOCAB_CULTURE,        /* blood culture: pending, negative, s_aureus_lugdunensis_or_brucella, other_organism */
	SM_VOCAB_COUNT
} sm_vocab;
size_t sm_vocab_size(sm_vocab v);
const char *sm_vocab_word(sm_vocab v, size_t index);          /* NULL beyond */
int sm_vocab_find(sm_vocab v, const char *word);               /* -1 if not a word */
const char *sm_vocab_describe(sm_vocab v);                     /* "\"female\", \"male\" or \"other\"" */

enum { SM_SEX_FEMALE = 0, SM_SEX_MALE = 1, SM_SEX_OTHER = 2 };
enum { SM_HISTORY_KNOWN = 0, SM_HISTORY_NONE = 1, SM_HISTORY_SUSPECTED = 2 };
enum { SM_AMB_INDEPENDENT = 0, SM_AMB_ASSISTED = 1, SM_AMB_NON_AMBULATORY = 2 };
enum { SM_VISC_NONE = 0, SM_VISC_PRESENT = 1 };
enum { SM_PATTERN_NODULAR = 0, SM_PATTERN_DISSEMINATED = 1 };
enum { SM_ESCC_0 = 0, SM_ESCC_1A, SM_ESCC_1B, SM_ESCC_1C, SM_ESCC_2, SM_ESCC_3 };
enum { SM_CULTURE_PENDING = 0, SM_CULTURE_NEGATIVE, SM_CULTURE_TYPICAL, SM_CULTURE_OTHER };

/* Symptom sets of REFERENCE §7.1 (set P: pain; set N: neurological). */
enum {
	SM_P_THORACIC_OR_CERVICAL = 0, SM_P_PROGRESSIVE_LUMBAR, SM_P_SEVERE_UNREMITTING_LOWER,
	SM_P_ON_STRAINING, SM_P_LOCALISED_TENDERNESS, SM_P_NOCTURNAL, SM_P_MECHANICAL, SM_NPAIN
};
enum {
	SM_N_RADICULAR_PAIN = 0, SM_N_LIMB_WEAKNESS, SM_N_DIFFICULTY_WALKING, SM_N_SENSORY_LOSS,
	SM_N_BLADDER_BOWEL, SM_NNEURO
};
extern const char *const sm_pain_keys[SM_NPAIN];   /* "pain_thoracic_or_cervical", ... */
extern const char *const sm_neuro_keys[SM_NNEURO]; /* "radicular_pain", ... */

#define SM_MAX_LESIONS 30
#define SM_MAX_EVENTS 64

typedef struct sm_lesion {
	sm_input sins;          /* level and the SINS items, as for `score sins` */
	int escc;               /* SM_ESCC_*, or -1 */
	sm_tri pathological_fracture, axial_load_pain, disc_space_involved,
		adjacent_endplates_destroyed, epidural_soft_tissue, prior_radiotherapy, compressive;
} sm_lesion;

typedef struct sm_event {
	int type;               /* index in SM_VOCAB_EVENT */
	long long at;           /* seconds since 1970-01-01 UTC */
	char text[40];          /* the ISO 8601 text as given */
} sm_event;

typedef struct sm_case {
	struct { sm_num age_years; int sex; } patient;
	struct {
		int history;        /* SM_HISTORY_*, or -1 */
		int primary;        /* histology catalogue index, or -1 */
		sm_tri tissue_confirmed, hormone_dependent, targeted_therapy, previous_chemotherapy;
		sm_num months_since_diagnosis;
	} cancer;
	struct {
		sm_tri pain[SM_NPAIN];
		sm_tri neuro[SM_NNEURO];
		sm_num deficit_days;
		sm_tri fever;
		/* REFERENCE §15.1 (cauda equina), §15.2 (children), §15.4 (red flags),
		** §15.7 (lymphoma features), §15.15 (hypercalcaemia) */
		sm_tri saddle_sensory_change, urinary_retention, sexual_dysfunction, bilateral_radicular_pain;
		sm_tri refuses_to_walk, new_limp, motor_regression, painful_scoliosis_or_torticollis,
			new_wetting_or_soiling, constipation_with_overflow, reduced_anal_sensation;
		sm_tri pain_persistent, pain_analgesia_resistant, no_improvement_4_6_weeks;
		sm_tri weight_loss, night_sweats, lymphadenopathy, stridor_or_orthopnoea;
		sm_tri constipation, polyuria, vomiting;
	} symptoms;
	struct {
		int frankel;        /* 0..4 = A..E, or -1 */
		int asia_grade;     /* 0..4 = A..E, or -1 (given as a grade) */
		bool asia_items_given;
		sm_input asia;      /* given as the asia items */
		int ambulatory;     /* SM_AMB_*, or -1 */
		sm_num complete_paraplegia_hours;
		sm_tri myelopathy, radiculopathy, deteriorating;
		/* REFERENCE §15.1 (cord picture and mimics), §15.2, §15.4, §15.19 */
		sm_tri sensory_level, umn_signs, deficit_longstanding, areflexia, ascending_weakness,
			bulbar_or_breathing_difficulty, reduced_consciousness, sudden_unilateral_weakness_face_speech_vision,
			reduced_leg_reflexes;
		sm_num root_weakness_mrc;        /* weakest single-root muscle, MRC 0..5 (§15.4) */
		sm_num hours_since_last_walked;  /* §15.19 (the 48 h rule depends on it) */
	} neurology;
	struct { sm_num kps, ecog, lansky; } performance;
	struct {
		int visceral_metastases; /* SM_VISC_*, or -1 */
		sm_tri visceral_removable, visceral_treatable;
		int visceral_pattern;    /* SM_PATTERN_*, or -1 */
		sm_tri brain_metastases;
		sm_num extraspinal_bone_metastases;
		sm_tri fit_for_surgery;
		sm_num expected_survival_months;
		sm_num albumin_g_dl, crp_mg_dl, ldh_iu_l, platelets_per_ul, calcium_mg_dl, bilirubin_mg_dl;
		sm_num esr_mm_h, inr, adjusted_calcium_mmol_l; /* §15.8, §15.10, §15.15 */
	} systemic;
	struct {
		sm_tri mri_contraindicated, mri_done;
		/* §15.2, §15.3, §15.7, §15.14 */
		sm_tri paraspinal_or_dumbbell_mass, conus_or_cauda_compression, mediastinal_mass,
			chondroid_or_osteoid_matrix;
	} imaging;
	struct { /* §15.1, §15.4, §15.8, §15.10, §15.12 */
		sm_tri pregnant, anticoagulant_or_antiplatelet, recent_neuraxial_procedure,
			immunosuppression, long_term_steroids, osteoporosis, injecting_drug_use;
	} history;
	struct { /* §15.8 */
		sm_tri bacteraemia_or_endocarditis, abscess, gibbus, tb_history_or_contact, tb_endemic_region,
			recent_spinal_procedure, sepsis;
		int blood_culture;     /* SM_CULTURE_*, or -1 */
	} infection;
	sm_lesion lesions[SM_MAX_LESIONS];
	size_t nlesions;
	sm_event events[SM_MAX_EVENTS];
	size_t nevents;
	struct {
		sm_tri mri_available, ct_available, srs_available, spinal_surgery_available,
			paediatric_oncology_available, radiotherapy_available; /* unknown = available (KEYS.md §5) */
	} setting;
} sm_case;

/* Set every field of `c` to unknown (and each lesion's SINS input to empty). */
void sm_case_init(sm_case *c);
/* Add a lesion (initialised, all unknown); NULL when SM_MAX_LESIONS are there. */
sm_lesion *sm_case_add_lesion(sm_case *c);

/* ---- The assessment ---- */
typedef enum sm_urgency { SM_URG_ROUTINE = 0, SM_URG_URGENT = 1, SM_URG_EMERGENCY = 2 } sm_urgency;
typedef enum sm_dex {
	SM_DEX_NOT_ROUTINE = 0, SM_DEX_GIVE_16MG, SM_DEX_HAEMATOLOGY_FIRST, SM_DEX_PAEDIATRIC,
	SM_DEX_DISCUSS        /* "discuss_with_team_now" (REFERENCE §15.1, §15.8) */
} sm_dex;

/* Age scope of a rule's source (REFERENCE §15.18). */
typedef enum sm_age_scope {
	SM_SCOPE_ALL = 0,     /* every age */
	SM_SCOPE_ADULT = 1,   /* >= 18 (NICE NG234/CG75, Patchell, IDSA); 16-17 shown with the adolescent flag */
	SM_SCOPE_NG59 = 2,    /* >= 16 (NICE NG59) */
	SM_SCOPE_CHILD = 3    /* < 18 (paediatric rules) */
} sm_age_scope;
const char *sm_age_scope_name(sm_age_scope s); /* "all ages", ">= 18", ">= 16", "< 18" */
/* Whether a rule of scope `s` may apply at `age` (unknown age: true). */
bool sm_age_scope_applies(sm_age_scope s, bool age_known, double age);

typedef struct sm_rule {
	const char *id;        /* e.g. "NG234-1.5.2", "NOMS-O-1" */
	const char *section;   /* REFERENCE.md section, e.g. "§7.2" */
	const char *source;    /* the paper or guideline */
	const char *text;      /* what the rule says */
	sm_age_scope scope;    /* age scope of its source (REFERENCE §15.18) */
	const char *framework; /* the framework that puts an option there: "NOMS", "Patchell", "NICE", "§15", ... */
} sm_rule;
size_t sm_rule_count(void);
const sm_rule *sm_rule_at(size_t index);
const sm_rule *sm_rule_find(const char *id);

typedef struct sm_reason {
	const sm_rule *rule;   /* never NULL */
	char text[288];        /* this case's reason (REFERENCE §15 texts are up to ~280 bytes) */
} sm_reason;

#define SM_MAX_REASONS 12
typedef struct sm_item_list {  /* a keyed output (option, work-up, differential, action) */
	const char *key;
	sm_reason reasons[SM_MAX_REASONS];
	size_t nreasons;
} sm_item_list;

#define SM_MAX_OPTIONS 12
#define SM_MAX_WORKUP 32
#define SM_MAX_DIFF 8
#define SM_MAX_ACTIONS 32
#define SM_MAX_WARNINGS 24
#define SM_MAX_FIRED 160

typedef struct sm_patchell_criterion {
	const char *criterion;   /* e.g. "age_18_or_over" */
	sm_tri met;              /* SM_YES met, SM_NO not met, SM_UNKNOWN not known */
	const char *text;
} sm_patchell_criterion;

struct sm_assessment;

/* ---- The care plan (REFERENCE §16): append-only block ----
** Every assessment carries a care plan: items grouped by phase, each chosen by
** cited rules (src/core/careplan.c, one table row per rule) with the age scope
** of its source (REFERENCE §15.18). A rule whose condition cannot be decided
** because an input is missing is never silently dropped when it is a safety
** rule: it is shown with `check` set and says what is missing. */
typedef enum sm_care_phase { SM_CARE_NOW = 0, SM_CARE_DURING = 1, SM_CARE_AFTER = 2 } sm_care_phase;
#define SM_CARE_NPHASES 3
const char *sm_care_phase_name(sm_care_phase p); /* "now", "during", "after" */

typedef struct sm_care_rule {
	sm_rule rule;          /* id "CARE-...", REFERENCE section, source tag, what the plan says */
	const char *key;       /* the care-plan item it builds, e.g. "vte_bleeding_risk" */
	sm_care_phase phase;
	bool addon;            /* false: decides whether the item appears; true: adds to it */
	const char *age_scope; /* "all ages", "18 and over", "under 18", "under 12", "over 16", "16 and under" */
	const char *when;      /* the condition, in words */
	bool check_if_unknown; /* undecidable condition: shown as a check (true) or left out (false) */
} sm_care_rule;
size_t sm_care_rule_count(void);
const sm_care_rule *sm_care_rule_at(size_t index);     /* NULL beyond */
const sm_care_rule *sm_care_rule_find(const char *id); /* NULL if unknown */

typedef struct sm_care_outcome {
	const char *key;       /* e.g. "ambulatory_status_3_months" */
	const char *text;
} sm_care_outcome;
size_t sm_care_outcome_count(void);
const sm_care_outcome *sm_care_outcome_at(size_t index); /* NULL beyond */

#define SM_CARE_MAX_ITEMS 16
#define SM_CARE_MAX_RULES 8
#define SM_CARE_TEXT_SIZE 2048

typedef struct sm_care_ref {
	const sm_care_rule *rule; /* never NULL */
	bool check;            /* the condition could not be decided: "check" */
	const char *missing;   /* when check: what is missing (static text) */
} sm_care_ref;

typedef struct sm_care_item {
	const char *key;
	sm_care_phase phase;
	const char *age_scope; /* of the rule that decided the item */
	bool check;            /* that rule could not be decided: the whole item is a check */
	char text[SM_CARE_TEXT_SIZE]; /* the rules' texts, check wording included */
	sm_care_ref rules[SM_CARE_MAX_RULES];
	size_t nrules;
} sm_care_item;

typedef struct sm_care_plan {
	sm_care_item items[SM_CARE_MAX_ITEMS]; /* in table order: now, during, after */
	size_t nitems;
	size_t ndropped;       /* items or rules that did not fit; 0 for the shipped table (tested) */
	bool truncated;        /* a text did not fit; never for the shipped table (tested) */
	const sm_care_outcome *outcomes; /* outcomes to record (REFERENCE §16, last paragraph) */
	size_t noutcomes;
} sm_care_plan;

/* The care plan of case `c` from its assessment `a` (triage, neurology,
** prognosis already computed). sm_assess() calls it; `out` may be
** &a->care_plan. */
sm_status sm_care_plan_build(const sm_case *c, const struct sm_assessment *a, sm_care_plan *out);

typedef struct sm_assessment {
	/* triage (REFERENCE §7, §14) */
	sm_urgency urgency;
	int contact_within_hours;      /* 0 = immediately, 24; -1 none */
	int mri_within_hours;          /* 24, 168; -1 when routine */
	sm_dex dexamethasone;
	sm_item_list actions[SM_MAX_ACTIONS];
	size_t nactions;
	sm_reason triage_reasons[SM_MAX_REASONS];
	size_t ntriage_reasons;
	bool triage_complete;          /* false when symptom data were missing */

	/* instruments */
	sm_result sins[SM_MAX_LESIONS];
	sm_result escc[SM_MAX_LESIONS];
	size_t nlesions;
	int index_lesion;              /* -1 without lesions */
	bool adult_scores_computed;
	const char *adult_scores_reason;
	sm_result tokuhashi, tomita, bauer, bauer_modified, nesms, katagiri;

	/* NOMS (REFERENCE §3) */
	int noms_neurologic;           /* 0 low, 1 indeterminate, 2 high, -1 unknown */
	int noms_oncologic;            /* sm_radiosensitivity: 0 unknown, 1 radiosensitive, 2 radioresistant */
	int noms_mechanical;           /* 0 stable, 1 potentially unstable, 2 unstable, -1 unknown */
	int noms_systemic;             /* 0 fit, 1 unfit, -1 unknown */
	sm_reason noms_reasons[4][SM_MAX_REASONS];
	size_t noms_nreasons[4];
	sm_item_list options[SM_MAX_OPTIONS];
	size_t noptions;
	const char *referrals[6];
	size_t nreferrals;

	/* surgery (REFERENCE §7.4) */
	bool patchell_eligible;
	bool patchell_applicable;      /* false for children and when no cord compression is recorded */
	const char *patchell_note;
	sm_patchell_criterion patchell[16];
	size_t npatchell;

	sm_item_list workup[SM_MAX_WORKUP];
	size_t nworkup;
	sm_item_list differential[SM_MAX_DIFF];
	size_t ndifferential;
	const char *primary_candidates[8];
	size_t nprimary_candidates;

	/* paediatric (REFERENCE §8) */
	bool paediatric;
	const char *perf_scale;        /* "lansky" or "kps" */
	const char *paediatric_notes[12];
	size_t npaediatric_notes;

	const char *warnings[SM_MAX_WARNINGS];
	size_t nwarnings;

	/* REFERENCE §15 */
	sm_item_list mimics[4];        /* mimic flags beside the triage (§15.1); never lower it */
	size_t nmimics;
	bool adolescent;               /* age 16-17: adult and paediatric rules both shown (§15.18) */
	bool infection_leads;          /* infection leads the differential (§15.8) */
	const sm_rule *dex_rule;       /* the rule that set the steroid advice */
	sm_tri patchell_eligibility;   /* SM_YES / SM_NO / SM_UNKNOWN (§15.5: missing input = unknown) */
	bool patchell_conflict;        /* contradictory inputs give eligibility as a range (§15.13) */
	const sm_rule *fired[SM_MAX_FIRED];
	size_t nfired;

	/* the care plan (REFERENCE §16; sm_care_plan_build) */
	sm_care_plan care_plan;
} sm_assessment;

const char *sm_urgency_name(sm_urgency u);  /* "routine", "urgent", "emergency" */
const char *sm_dex_name(sm_dex d);          /* "not_routine", "give_16mg", ... */
extern const char *const sm_noms_neurologic_names[3];  /* low, indeterminate, high */
extern const char *const sm_noms_oncologic_names[3];   /* unknown, radiosensitive, radioresistant */
extern const char *const sm_noms_mechanical_names[3];  /* stable, potentially_unstable, unstable */
extern const char *const sm_noms_systemic_names[2];    /* fit, unfit */

/* Assess a case: fills every part of `out`. `c` must have been filled
** without errors (the adapters refuse invalid cases before this). */
sm_status sm_assess(const sm_case *c, sm_assessment *out);

/* ======================================================================
** The pathway clock (REFERENCE §7.2, §14; KEYS.md §5 events): intervals
** between the events of one case and the time targets that apply to it.
** ==================================================================== */
enum { /* indices in SM_VOCAB_EVENT */
	SM_EV_SYMPTOM_ONSET = 0, SM_EV_PRESENTATION, SM_EV_REFERRAL, SM_EV_COORDINATOR_CONTACT,
	SM_EV_MRI_REQUESTED, SM_EV_MRI_DONE, SM_EV_DEXAMETHASONE_STARTED, SM_EV_MDT_DECISION,
	SM_EV_SURGERY, SM_EV_RADIOTHERAPY_START, SM_EV_SYSTEMIC_THERAPY_START, SM_EV_DISCHARGE,
	SM_EV_FOLLOW_UP, SM_EV_DEATH, SM_NEVENT_TYPES
};

typedef enum sm_interval_id {
	SM_IV_ONSET_TO_PRESENTATION = 0,
	SM_IV_PRESENTATION_TO_CONTACT,
	SM_IV_PRESENTATION_TO_MRI,
	SM_IV_PRESENTATION_TO_PLAN,
	SM_IV_PRESENTATION_TO_TREATMENT,
	SM_IV_MRI_TO_PLAN,
	SM_IV_PLAN_TO_TREATMENT,
	SM_NINTERVALS
} sm_interval_id;
const char *sm_interval_name(sm_interval_id id); /* "presentation_to_mri", ... */

typedef enum sm_target_id {
	SM_TG_CONTACT = 0, /* MSCC coordinator contact */
	SM_TG_MRI,         /* whole-spine MRI */
	SM_TG_PLAN,        /* treatment plan agreed (mdt_decision) */
	SM_NTARGETS
} sm_target_id;
const char *sm_target_name(sm_target_id id);     /* "contact", "mri", "plan" */

typedef enum sm_target_state {
	SM_TS_NOT_APPLICABLE = 0, /* routine case, or the clock has no start */
	SM_TS_MET,                /* done within the target */
	SM_TS_MISSED,             /* done, but late */
	SM_TS_PENDING,            /* not done, still within the target */
	SM_TS_BREACHED            /* not done and the target has passed */
} sm_target_state;
const char *sm_target_state_name(sm_target_state s);

typedef struct sm_interval {
	bool known;
	double hours;
} sm_interval;

typedef struct sm_target {
	sm_target_state state;
	int within_hours;          /* the target: 24 or 168 */
	long long due_at;          /* clock start + target (seconds since the epoch) */
	long long done_at;         /* when done (0 when not) */
	double hours_left;         /* due_at - now, in hours (negative when breached) */
} sm_target;

typedef struct sm_clock {
	bool started;              /* a presentation (or referral) time is known */
	long long start;           /* clock start: presentation, else referral */
	sm_urgency urgency;        /* from the assessment's triage */
	sm_interval intervals[SM_NINTERVALS];
	sm_target targets[SM_NTARGETS];
	bool treated;              /* a treatment has started */
	bool closed;               /* death or discharge recorded */
} sm_clock;

/* Compute the clock of case `c` at time `now` (seconds since the epoch) for
** the urgency its assessment gave. The first event of each type counts. */
sm_status sm_pathway_clock(const sm_case *c, sm_urgency urgency, long long now, sm_clock *out);

/* Monthly audit over many clocks (REFERENCE §7.2; NICE QS56-style). */
typedef struct sm_interval_summary {
	size_t n;                  /* cases with this interval known */
	double median, q1, q3;     /* hours; NAN when n == 0 (quantiles: R type 7) */
} sm_interval_summary;

typedef struct sm_target_summary {
	size_t denominator;        /* cases the target applies to and whose outcome is known or due */
	size_t numerator;          /* met */
	size_t pending;            /* not yet due (not counted in the denominator) */
	double share;              /* numerator / denominator, NAN when 0 */
} sm_target_summary;

typedef struct sm_audit {
	size_t cases, emergency, urgent, routine, treated;
	sm_interval_summary intervals[SM_NINTERVALS];
	sm_target_summary targets[SM_NTARGETS];
} sm_audit;

/* Summarise `n` clocks. `scratch` must hold `n` doubles (the caller owns it). */
sm_status sm_audit_summarise(const sm_clock *clocks, size_t n, double *scratch, sm_audit *out);

#ifdef __cplusplus
}
#endif
#endif /* SPINEMETS_H */
