/*
** test_rules.c: every decision rule of `spinemets assess` fires where
** REFERENCE.md says it should, named by its stable id (assert_fired from
** testutil.h), and, where the rule has a boundary, does not fire on the case
** just across it. Cases go through the real case parser (io/json_case.h) and
** sm_assess(); each starts from one complete adult case (BASE: known,
** tissue-proven renal cancer, no pain or neurological feature, fit, MRI done,
** one stable T8 lesion with ESCC 0) changed by a JSON patch.
**
** tests/cli/rule_ids.sh checks that every rule id of the table is named by a
** unit test or a vector; this suite names the ones the other suites did not.
*/
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"
#include "testcase.h"
#include "io/json_case.h"
#include "spinemets.h"

/* ------------------------------------------------------------------ */
/* cases                                                                */
/* ------------------------------------------------------------------ */
#define BASE                                                                                                  \
	"{'schema': 'spinemets/case/1',"                                                                   \
	" 'patient': {'age_years': 62, 'sex': 'male'},"                                                    \
	" 'cancer': {'history': 'known', 'primary': 'kidney', 'tissue_confirmed': true},"                  \
	" 'symptoms': {'pain_thoracic_or_cervical': false, 'pain_progressive_lumbar': false,"              \
	"   'pain_severe_unremitting_lower': false, 'pain_on_straining': false,"                           \
	"   'pain_localised_tenderness': false, 'pain_nocturnal': false, 'pain_mechanical': false,"        \
	"   'radicular_pain': false, 'limb_weakness': false, 'difficulty_walking': false,"                 \
	"   'sensory_loss': false, 'bladder_bowel_dysfunction': false, 'fever': false},"                   \
	" 'neurology': {'frankel': 'E', 'ambulatory': 'independent', 'myelopathy': false,"                 \
	"   'radiculopathy': false, 'deteriorating': false},"                                              \
	" 'performance': {'kps': 80},"                                                                     \
	" 'systemic': {'fit_for_surgery': true, 'expected_survival_months': 12},"                          \
	" 'imaging': {'mri_done': true, 'mri_contraindicated': false},"                                    \
	" 'lesions': [{'level': 'T8', 'pain': 'none', 'bone_lesion': 'blastic', 'alignment': 'normal',"   \
	"   'collapse': 'none', 'posterolateral': 'none', 'escc': '0', 'disc_space_involved': false,"      \
	"   'adjacent_endplates_destroyed': false, 'epidural_soft_tissue': false,"                         \
	"   'pathological_fracture': false, 'axial_load_pain': false, 'prior_radiotherapy': false}]}"

/* patches used by several tests */
#define NO_CANCER "'cancer': {'history': 'none', 'primary': '__delete__', 'tissue_confirmed': '__delete__'}"
#define PAIN "'symptoms': {'pain_nocturnal': true}"
#define WEAK "'symptoms': {'limb_weakness': true}"
#define PAIN_WEAK "'symptoms': {'pain_nocturnal': true, 'limb_weakness': true}"
#define CHILD "'patient': {'age_years': 10}"
#define LESION(fields) "'lesions': [{'level': 'T8', 'pain': 'none', 'bone_lesion': 'blastic', 'alignment': 'normal'," \
	" 'collapse': 'none', 'posterolateral': 'none', 'escc': '0', 'disc_space_involved': false,"                 \
	" 'epidural_soft_tissue': false, 'pathological_fracture': false, 'axial_load_pain': false, " fields "}]"




/* Remove every member whose value is "__delete__" (at any depth). */
static void strip(json_t *v)
{
	if (json_is_array(v)) {
		for (size_t k = 0; k < json_array_size(v); k++)
			strip(json_array_get(v, k));
	} else if (json_is_object(v)) {
		const char *k;
		json_t *m;
		void *tmp;
		json_object_foreach_safe(v, tmp, k, m) {
			if (json_is_string(m) && strcmp(json_string_value(m), "__delete__") == 0)
				json_object_del(v, k);
			else
				strip(m);
		}
	}
}

/* Assess BASE changed by `patch` (the members of one object, single quotes). */
static sm_assessment *A(const char *patch)
{
	json_t *b = parse_q(BASE);
	if (patch && *patch) {
		size_t n = strlen(patch);
		char *wrapped = malloc(n + 3);
		assert_non_null(wrapped);
		wrapped[0] = '{';
		memcpy(wrapped + 1, patch, n);
		wrapped[n + 1] = '}';
		wrapped[n + 2] = '\0';
		json_t *p = parse_q(wrapped);
		free(wrapped);
		merge(b, p);
		json_decref(p);
	}
	strip(b);
	char *text = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	assert_non_null(text);
	sm_case *c = malloc(sizeof *c);
	sm_assessment *a = malloc(sizeof *a);
	assert_non_null(c);
	assert_non_null(a);
	json_t *err = sm_json_read_case(text, strlen(text), c);
	assert_non_null(err);
	if (json_array_size(err)) {
		char *d = json_dumps(err, JSON_COMPACT);
		print_error("case rejected: %s\n  case: %s\n", d, text);
		free(d);
		json_decref(err);
		free(text);
		free(c);
		free(a);
		fail();
	}
	json_decref(err);
	free(text);
	assert_int_equal(sm_assess(c, a), SM_OK);
	free(c);
	return a;
}

/* fired(patch, id) / not_fired(patch, id): assess and check, then free */
#define FIRED(patch, id)                    \
	do {                                \
		sm_assessment *a_ = A(patch); \
		assert_fired(a_, id);         \
		free(a_);                     \
	} while (0)
#define NOT_FIRED(patch, id)                \
	do {                                \
		sm_assessment *a_ = A(patch); \
		assert_not_fired(a_, id);     \
		free(a_);                     \
	} while (0)

/* ------------------------------------------------------------------ */
/* triage (§7, §14)                                                     */
/* ------------------------------------------------------------------ */
static void test_triage(void **state)
{
	(void)state;
	/* TRIAGE-1: cancer with a feature of N (emergency); not without N */
	FIRED(WEAK, "TRIAGE-1");
	NOT_FIRED(PAIN, "TRIAGE-1");
	/* TRIAGE-2: cancer with P and without N; N takes it over */
	FIRED(PAIN, "TRIAGE-2");
	NOT_FIRED(PAIN_WEAK, "TRIAGE-2");
	NOT_FIRED("", "TRIAGE-2");
	/* TRIAGE-3: no cancer, P and N; not with P alone */
	FIRED(NO_CANCER ", " PAIN_WEAK, "TRIAGE-3");
	NOT_FIRED(NO_CANCER ", " PAIN, "TRIAGE-3");
	NOT_FIRED(PAIN_WEAK, "TRIAGE-3"); /* known cancer */
	/* TRIAGE-4: no cancer, P alone; not with N */
	FIRED(NO_CANCER ", " PAIN, "TRIAGE-4");
	NOT_FIRED(NO_CANCER ", " PAIN_WEAK, "TRIAGE-4");
	/* TRIAGE-6: neither P nor N; one feature of either is enough to leave it */
	FIRED("", "TRIAGE-6");
	NOT_FIRED(PAIN, "TRIAGE-6");
	NOT_FIRED(WEAK, "TRIAGE-6");
	/* TRIAGE-7: cancer history not recorded (never read as "no cancer") */
	FIRED("'cancer': {'history': '__delete__', 'primary': '__delete__'}", "TRIAGE-7");
	NOT_FIRED("", "TRIAGE-7");
	NOT_FIRED(NO_CANCER, "TRIAGE-7");
	/* TRIAGE-8: signs on examination count as N: Frankel D is a deficit, E is not */
	FIRED("'neurology': {'frankel': 'D'}", "TRIAGE-8");
	FIRED("'neurology': {'myelopathy': true}", "TRIAGE-8");
	NOT_FIRED("", "TRIAGE-8");
	{
		sm_assessment *a = A("'neurology': {'frankel': 'D'}");
		assert_int_equal(a->urgency, SM_URG_EMERGENCY); /* as set N */
		assert_fired(a, "TRIAGE-1");
		free(a);
	}
}

static void test_contact_and_imaging(void **state)
{
	(void)state;
	/* CG75-CONTACT-0: suspected MSCC, adult; a child goes to paediatric oncology */
	FIRED(WEAK, "CG75-CONTACT-0");
	NOT_FIRED(PAIN, "CG75-CONTACT-0");
	NOT_FIRED(CHILD ", " WEAK, "CG75-CONTACT-0");
	/* CG75-CONTACT-24: urgent, adult */
	FIRED(PAIN, "CG75-CONTACT-24");
	NOT_FIRED(WEAK, "CG75-CONTACT-24");
	NOT_FIRED("", "CG75-CONTACT-24");
	/* NG234-MRI-1W: urgent only */
	FIRED(PAIN, "NG234-MRI-1W");
	FIRED(PAIN ", 'imaging': {'mri_done': false}", "NG234-MRI-1W");
	NOT_FIRED(WEAK, "NG234-MRI-1W");
	NOT_FIRED("", "NG234-MRI-1W");
	/* NICE-NO-XRAY: every urgent or emergency case, not a routine one */
	FIRED(PAIN, "NICE-NO-XRAY");
	FIRED(WEAK, "NICE-NO-XRAY");
	NOT_FIRED("", "NICE-NO-XRAY");
	/* NG234-IMMOB: instability suspected (mechanical pain) in an urgent case */
	FIRED("'symptoms': {'pain_mechanical': true}", "NG234-IMMOB");
	NOT_FIRED(PAIN, "NG234-IMMOB");
	/* subluxation counts as suspected instability */
	FIRED(PAIN ", " LESION("'alignment': 'subluxation'"), "NG234-IMMOB");
}

/* ------------------------------------------------------------------ */
/* dexamethasone (§7.2, §7.3, §8)                                       */
/* ------------------------------------------------------------------ */
static void test_dexamethasone(void **state)
{
	(void)state;
	/* NG234-1.8.1: 16 mg for suspected MSCC with neurology */
	FIRED(WEAK, "NG234-1.8.1");
	NOT_FIRED(PAIN, "NG234-1.8.1");
	/* NG234-1.8.3: not routinely without neurology */
	FIRED(PAIN, "NG234-1.8.3");
	FIRED("", "NG234-1.8.3");
	NOT_FIRED(WEAK, "NG234-1.8.3");
	/* NG234-1.8.5: confirmed haematological malignancy, urgent */
	const char *lymph_ok = "'cancer': {'primary': 'lymphoma', 'tissue_confirmed': true}";
	char buf[512];
	snprintf(buf, sizeof buf, "%s, %s", lymph_ok, PAIN);
	FIRED(buf, "NG234-1.8.5");
	NOT_FIRED(lymph_ok, "NG234-1.8.5"); /* routine: no steroid */
	snprintf(buf, sizeof buf, "%s, %s", "'cancer': {'primary': 'breast', 'tissue_confirmed': true}", PAIN);
	NOT_FIRED(buf, "NG234-1.8.5");
	/* DEX-HAEM-1: suspected, unconfirmed lymphoma with stable neurology */
	FIRED("'cancer': {'primary': 'lymphoma', 'tissue_confirmed': false}, " WEAK, "DEX-HAEM-1");
	NOT_FIRED("'cancer': {'primary': 'lymphoma', 'tissue_confirmed': true}, " WEAK, "DEX-HAEM-1");
	{
		sm_assessment *a = A("'cancer': {'primary': 'lymphoma', 'tissue_confirmed': false}, " WEAK);
		assert_int_equal(a->dexamethasone, SM_DEX_HAEMATOLOGY_FIRST);
		free(a);
	}
	/* PAED-DEX: a child's dose comes from the paediatric protocol, an adult's does not */
	FIRED(CHILD ", " WEAK, "PAED-DEX");
	NOT_FIRED(WEAK, "PAED-DEX");
	NOT_FIRED("'patient': {'age_years': 18}, " WEAK, "PAED-DEX");
	FIRED("'patient': {'age_years': 17}, " WEAK, "PAED-DEX");
}

/* ------------------------------------------------------------------ */
/* NOMS (§2, §3)                                                         */
/* ------------------------------------------------------------------ */
static void test_noms_assessments(void **state)
{
	(void)state;
	/* NOMS-N-1 and NOMS-S-1: every assessment states N and S */
	FIRED("", "NOMS-N-1");
	FIRED("'lesions': []", "NOMS-N-1");
	FIRED("", "NOMS-S-1");
	FIRED("'systemic': {'fit_for_surgery': '__delete__'}", "NOMS-S-1");
	/* NOMS-M-1: the SINS band of the most unstable lesion; not while SINS
	** is incomplete and a more unstable band is still possible */
	FIRED("", "NOMS-M-1");
	NOT_FIRED(LESION("'bone_lesion': '__delete__', 'collapse': '__delete__', 'posterolateral': '__delete__'"),
	          "NOMS-M-1");
	/* NOMS-N-2: myelopathy with low-grade ESCC in a radioresistant tumour */
	FIRED("'neurology': {'myelopathy': true}", "NOMS-N-2");
	NOT_FIRED("", "NOMS-N-2");
	NOT_FIRED("'neurology': {'myelopathy': true}, " LESION("'escc': '2'"), "NOMS-N-2");
	NOT_FIRED("'neurology': {'myelopathy': true}, 'cancer': {'primary': 'breast'}", "NOMS-N-2");
}

static void test_noms_options(void **state)
{
	(void)state;
	/* NOMS-OPT-1: radiosensitive histology, whatever the ESCC grade */
	FIRED("'cancer': {'primary': 'breast'}", "NOMS-OPT-1");
	FIRED("'cancer': {'primary': 'breast'}, " LESION("'escc': '3'"), "NOMS-OPT-1");
	NOT_FIRED("", "NOMS-OPT-1");
	/* NOMS-OPT-2: radiosensitive and chemosensitive */
	FIRED("'cancer': {'primary': 'lymphoma'}", "NOMS-OPT-2");
	NOT_FIRED("'cancer': {'primary': 'breast'}", "NOMS-OPT-2");
	/* NOMS-OPT-3: radioresistant, low grade (ESCC 0..1b), no myelopathy */
	FIRED("", "NOMS-OPT-3");
	FIRED(LESION("'escc': '1b'"), "NOMS-OPT-3");
	NOT_FIRED(LESION("'escc': '2'"), "NOMS-OPT-3");
	NOT_FIRED("'neurology': {'myelopathy': true}", "NOMS-OPT-3");
	/* NOMS-OPT-4 / -5: radioresistant, high grade: fit -> separation surgery; unfit -> EBRT */
	FIRED(LESION("'escc': '2'"), "NOMS-OPT-4");
	NOT_FIRED(LESION("'escc': '2'") ", 'systemic': {'fit_for_surgery': false}", "NOMS-OPT-4");
	NOT_FIRED(LESION("'escc': '1c'"), "NOMS-OPT-4");
	FIRED(LESION("'escc': '2'") ", 'systemic': {'fit_for_surgery': false}", "NOMS-OPT-5");
	FIRED(LESION("'escc': '3'") ", 'systemic': {'expected_survival_months': 2}", "NOMS-OPT-5");
	NOT_FIRED(LESION("'escc': '2'"), "NOMS-OPT-5");
	NOT_FIRED(LESION("'escc': '2'") ", 'systemic': {'expected_survival_months': 3}", "NOMS-OPT-5");
	/* NOMS-OPT-6: histology unknown */
	FIRED("'cancer': {'primary': 'unknown', 'tissue_confirmed': false}", "NOMS-OPT-6");
	NOT_FIRED("", "NOMS-OPT-6");
	/* NOMS-OPT-7: ESCC grade unknown */
	FIRED(LESION("'escc': null"), "NOMS-OPT-7");
	NOT_FIRED("", "NOMS-OPT-7");
	/* NOMS-OPT-12: chemosensitive tumour, a child without deterioration: chemotherapy first */
	FIRED(CHILD ", 'cancer': {'primary': 'neuroblastoma'}", "NOMS-OPT-12");
	/* REFERENCE §15.9: medulloblastoma is on the chemotherapy-first list; osteosarcoma is not */
	FIRED(CHILD ", 'cancer': {'primary': 'medulloblastoma'}", "NOMS-OPT-12");
	NOT_FIRED(CHILD ", 'cancer': {'primary': 'osteosarcoma'}", "NOMS-OPT-12");
}

/* SINS boundaries (§1.2): 0-6 stable, 7-12 potentially unstable, 13-18 unstable */
static void test_noms_mechanical(void **state)
{
	(void)state;
	/* 6: junctional 3 + occasional 1 + lytic 2 */
	const char *sins6 = LESION("'level': 'T11', 'pain': 'occasional', 'bone_lesion': 'lytic'");
	/* 7: and more than half the body involved (1) */
	const char *sins7 = LESION("'level': 'T11', 'pain': 'occasional', 'bone_lesion': 'lytic', 'collapse': 'body_involved_over_50'");
	/* 12: junctional 3 + mechanical 3 + lytic 2 + deformity 2 + collapse under 50% 2 */
	const char *sins12 = LESION("'level': 'T11', 'pain': 'mechanical', 'bone_lesion': 'lytic', 'alignment': 'deformity', 'collapse': 'under_50'");
	/* 13: collapse over 50% (3) instead */
	const char *sins13 = LESION("'level': 'T11', 'pain': 'mechanical', 'bone_lesion': 'lytic', 'alignment': 'deformity', 'collapse': 'over_50'");
	{
		sm_assessment *a = A(sins6);
		assert_true(a->sins[0].has_total);
		assert_int_equal(a->sins[0].total, 6);
		free(a);
		a = A(sins13);
		assert_int_equal(a->sins[0].total, 13);
		free(a);
	}
	/* NOMS-OPT-9: 7-12 */
	NOT_FIRED(sins6, "NOMS-OPT-9");
	FIRED(sins7, "NOMS-OPT-9");
	FIRED(sins12, "NOMS-OPT-9");
	NOT_FIRED(sins13, "NOMS-OPT-9");
	/* NOMS-OPT-8: 13-18, or subluxation whatever the total */
	NOT_FIRED(sins12, "NOMS-OPT-8");
	FIRED(sins13, "NOMS-OPT-8");
	FIRED(LESION("'alignment': 'subluxation'"), "NOMS-OPT-8");
	FIRED(LESION("'alignment': 'subluxation'") ", 'systemic': {'fit_for_surgery': false}", "NOMS-OPT-8");
	/* NOMS-OPT-10: pathological fracture with axial-load pain, no gross instability */
	FIRED(LESION("'pathological_fracture': true, 'axial_load_pain': true"), "NOMS-OPT-10");
	NOT_FIRED(LESION("'pathological_fracture': true, 'axial_load_pain': false"), "NOMS-OPT-10");
	NOT_FIRED(LESION("'pathological_fracture': true, 'axial_load_pain': true, 'alignment': 'subluxation'"), "NOMS-OPT-10");
	NOT_FIRED(LESION("'pathological_fracture': true, 'axial_load_pain': true, 'posterolateral': 'bilateral'"), "NOMS-OPT-10");
	/* NOMS-OPT-11: SINS incomplete and a more unstable band still possible */
	FIRED(LESION("'bone_lesion': '__delete__', 'collapse': '__delete__', 'posterolateral': '__delete__'"), "NOMS-OPT-11");
	/* T8 (1) + blastic 0 + normal 0 + none 0 + pain none 0 + collapse 0..3: 1..4, stable whatever it is */
	NOT_FIRED(LESION("'collapse': '__delete__'"), "NOMS-OPT-11");
	NOT_FIRED("", "NOMS-OPT-11");
}

/* The treating centre (KEYS §5 setting): unknown means available. */
static void test_setting(void **state)
{
	(void)state;
	/* SETTING-3: no MRI here */
	FIRED(WEAK ", 'imaging': {'mri_done': false}, 'setting': {'mri_available': false}", "SETTING-3");
	NOT_FIRED(WEAK ", 'imaging': {'mri_done': false}, 'setting': {'mri_available': true}", "SETTING-3");
	NOT_FIRED(WEAK ", 'imaging': {'mri_done': false}", "SETTING-3");
	/* SETTING-5: no radiotherapy here, and a radiation option */
	FIRED("'setting': {'radiotherapy_available': false}", "SETTING-5");
	NOT_FIRED("'setting': {'radiotherapy_available': true}", "SETTING-5");
	/* SETTING-4: a child, urgent or emergency, and no paediatric oncology here */
	FIRED(CHILD ", " PAIN ", 'setting': {'paediatric_oncology_available': false}", "SETTING-4");
	NOT_FIRED(CHILD ", " PAIN, "SETTING-4");
	NOT_FIRED(CHILD ", 'setting': {'paediatric_oncology_available': false}", "SETTING-4"); /* routine */
	NOT_FIRED(PAIN ", 'setting': {'paediatric_oncology_available': false}", "SETTING-4"); /* adult */
}

/* Patchell (§7.4): the criteria are listed, and the other surgical reasons
** named, for adults and from age 16 (eligibility itself is tested in
** test_assess.c). */
static void test_patchell(void **state)
{
	(void)state;
	FIRED("", "PATCHELL-1");
	FIRED(LESION("'escc': '3'"), "PATCHELL-1");
	/* REFERENCE §15.18: Patchell enrolled adults; a child under 16 gets the
	** paediatric rules only (16-17 see both, flagged) */
	NOT_FIRED(CHILD, "PATCHELL-1");
	FIRED("", "PATCHELL-2");
	NOT_FIRED(CHILD, "PATCHELL-2");
	sm_assessment *a = A(LESION("'escc': '2'") ", " WEAK);
	assert_fired(a, "PATCHELL-1");
	assert_true(a->patchell_eligible);
	free(a);
}

/* ------------------------------------------------------------------ */
/* work-up (§7.2, §8, §9)                                               */
/* ------------------------------------------------------------------ */
static void test_workup(void **state)
{
	(void)state;
	/* WORKUP-1: whole-spine MRI when imaging is needed and not done */
	FIRED(PAIN ", 'imaging': {'mri_done': false}", "WORKUP-1");
	NOT_FIRED(PAIN, "WORKUP-1");
	NOT_FIRED(PAIN ", 'imaging': {'mri_done': false, 'mri_contraindicated': true}", "WORKUP-1");
	/* WORKUP-2: CT to complete the SINS bone items */
	FIRED(LESION("'bone_lesion': '__delete__'"), "WORKUP-2");
	FIRED(LESION("'posterolateral': '__delete__'"), "WORKUP-2");
	NOT_FIRED("", "WORKUP-2");
	/* WORKUP-3: the unknown-primary work-up */
	FIRED("'cancer': {'primary': 'unknown', 'tissue_confirmed': false}, " PAIN, "WORKUP-3");
	FIRED(NO_CANCER ", " PAIN, "WORKUP-3");
	NOT_FIRED(PAIN, "WORKUP-3");
	/* WORKUP-4: biopsy when the cancer is not tissue-proven */
	FIRED("'cancer': {'tissue_confirmed': false}", "WORKUP-4");
	NOT_FIRED("", "WORKUP-4");
	/* WORKUP-5: bone marrow for lymphoma, leukaemia, neuroblastoma */
	FIRED("'cancer': {'primary': 'lymphoma'}", "WORKUP-5");
	FIRED(CHILD ", 'cancer': {'primary': 'neuroblastoma'}", "WORKUP-5");
	NOT_FIRED("'cancer': {'primary': 'breast'}", "WORKUP-5");
	/* WORKUP-6: CSF cytology for a CNS primary */
	FIRED(CHILD ", 'cancer': {'primary': 'medulloblastoma'}", "WORKUP-6");
	NOT_FIRED(CHILD ", 'cancer': {'primary': 'neuroblastoma'}", "WORKUP-6");
	/* WORKUP-7: a child without a tissue diagnosis */
	FIRED(CHILD ", 'cancer': {'history': 'suspected', 'primary': 'unknown', 'tissue_confirmed': false}, " PAIN,
	      "WORKUP-7");
	NOT_FIRED(CHILD ", 'cancer': {'primary': 'neuroblastoma', 'tissue_confirmed': true}, " PAIN, "WORKUP-7");
	/* WORKUP-8: fever */
	FIRED("'symptoms': {'fever': true}", "WORKUP-8");
	NOT_FIRED("", "WORKUP-8");
	/* WORKUP-9: myeloma not yet confirmed */
	FIRED("'cancer': {'primary': 'myeloma', 'tissue_confirmed': false}", "WORKUP-9");
	NOT_FIRED("'cancer': {'primary': 'myeloma', 'tissue_confirmed': true}", "WORKUP-9");
	/* EPI-1: the likely primaries of an adult with an unknown primary */
	FIRED("'cancer': {'primary': 'unknown', 'tissue_confirmed': false}, " PAIN, "EPI-1");
	NOT_FIRED(PAIN, "EPI-1");
	NOT_FIRED(CHILD ", 'cancer': {'primary': 'unknown', 'tissue_confirmed': false}, " PAIN, "EPI-1");
}

/* ------------------------------------------------------------------ */
/* paediatric (§5.4, §8): under 18                                      */
/* ------------------------------------------------------------------ */
static void test_paediatric(void **state)
{
	(void)state;
	const char *const ids[] = {"PAED-1", "PAED-3", "PAED-4"};
	for (size_t k = 0; k < N(ids); k++) {
		FIRED("'patient': {'age_years': 17}", ids[k]);
		NOT_FIRED("'patient': {'age_years': 18}", ids[k]);
	}
	/* PAED-6: the likely primaries of a child when the primary is not known */
	FIRED(CHILD ", 'cancer': {'history': 'suspected', 'primary': 'unknown', 'tissue_confirmed': false}", "PAED-6");
	NOT_FIRED(CHILD ", 'cancer': {'primary': 'neuroblastoma'}", "PAED-6");
	NOT_FIRED("'cancer': {'history': 'suspected', 'primary': 'unknown', 'tissue_confirmed': false}", "PAED-6");
}

/* ------------------------------------------------------------------ */
/* differential (§9)                                                    */
/* ------------------------------------------------------------------ */
static void test_differential(void **state)
{
	(void)state;
	/* DDX-1: disc preserved with epidural soft tissue */
	FIRED(LESION("'epidural_soft_tissue': true"), "DDX-1");
	FIRED(LESION("'posterolateral': 'unilateral'"), "DDX-1");
	NOT_FIRED("", "DDX-1");
	NOT_FIRED(LESION("'epidural_soft_tissue': true, 'disc_space_involved': true"), "DDX-1");
	/* DDX-2: disc-centred with both endplates destroyed (or fever) */
	FIRED(LESION("'disc_space_involved': true, 'adjacent_endplates_destroyed': true"), "DDX-2");
	FIRED(LESION("'disc_space_involved': true") ", 'symptoms': {'fever': true}", "DDX-2");
	NOT_FIRED(LESION("'disc_space_involved': true, 'adjacent_endplates_destroyed': false"), "DDX-2");
	NOT_FIRED(LESION("'disc_space_involved': false, 'adjacent_endplates_destroyed': true"), "DDX-2");
	/* DDX-3: tuberculosis: disc-centred disease, or lesions without known cancer */
	FIRED(LESION("'disc_space_involved': true, 'adjacent_endplates_destroyed': true"), "DDX-3");
	FIRED(NO_CANCER, "DDX-3");
	NOT_FIRED("", "DDX-3");
	/* DDX-4: myeloma in an adult with an unknown primary */
	FIRED("'cancer': {'primary': 'unknown', 'tissue_confirmed': false}", "DDX-4");
	FIRED(NO_CANCER, "DDX-4");
	NOT_FIRED("", "DDX-4");
	NOT_FIRED(CHILD ", " NO_CANCER, "DDX-4");
	/* DDX-5: a solitary lesion without known cancer under 30, or at the sacrum */
	FIRED(NO_CANCER ", 'patient': {'age_years': 29}", "DDX-5");
	NOT_FIRED(NO_CANCER ", 'patient': {'age_years': 30}", "DDX-5");
	FIRED(NO_CANCER ", " LESION("'level': 'S2'"), "DDX-5");
	NOT_FIRED("'patient': {'age_years': 29}", "DDX-5"); /* known cancer */
	/* DDX-6: collapse without epidural mass or posterior involvement */
	FIRED(LESION("'collapse': 'under_50'"), "DDX-6");
	NOT_FIRED("", "DDX-6");
	NOT_FIRED(LESION("'collapse': 'under_50', 'epidural_soft_tissue': true"), "DDX-6");
	NOT_FIRED(LESION("'collapse': 'under_50', 'posterolateral': 'unilateral'"), "DDX-6");
}

/* The helper itself: an id outside the table is a test bug, reported as one. */
static void test_helper(void **state)
{
	(void)state;
	sm_assessment *a = A("");
	assert_true(T_fired(a, "TRIAGE-6"));
	assert_false(T_fired(a, "TRIAGE-1"));
	assert_false(T_fired(a, "NO-SUCH-RULE"));
	assert_null(sm_rule_find("NO-SUCH-RULE"));
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helper),
		cmocka_unit_test(test_triage),
		cmocka_unit_test(test_contact_and_imaging),
		cmocka_unit_test(test_dexamethasone),
		cmocka_unit_test(test_noms_assessments),
		cmocka_unit_test(test_noms_options),
		cmocka_unit_test(test_noms_mechanical),
		cmocka_unit_test(test_setting),
		cmocka_unit_test(test_patchell),
		cmocka_unit_test(test_workup),
		cmocka_unit_test(test_paediatric),
		cmocka_unit_test(test_differential),
	};
	SM_RUN_SUITE("rules", tests);
}
