/*
** codemap.c: the code tables FHIR import reads (docs/fhir.md), one row per
** code. Systems: SNOMED CT, ICD-10 (WHO and CM share rows), LOINC, NCIt.
** A code not in a table is reported by the importer, never guessed.
**
** Sources: ICD-10 categories from the WHO ICD-10 / ICD-10-CM chapters II
** (C00-C97); SNOMED CT secondary-neoplasm, vertebra and performance codes from
** the mCODE STU4 IG (value sets, TG263 concept map, profiles) as listed in
** ../shared/research/interop-and-deps.md §2; SNOMED primary-disorder codes
** are common concepts and must be checked against a SNOMED release before
** clinical use (docs/fhir.md "Known limits"). LOINC lab codes are the serum
** or plasma mass/volume (or moles/volume) codes; unit factors follow
** docs/case-format.md §9.
*/
#include <string.h>

#include "spinemets.h"

static const struct {
	sm_code_system sys;
	const char *uri;
} SYSTEMS[] = {
	{SM_SYS_SNOMED, "http://snomed.info/sct"},
	{SM_SYS_ICD10, "http://hl7.org/fhir/sid/icd-10"},
	{SM_SYS_ICD10, "http://hl7.org/fhir/sid/icd-10-cm"},
	{SM_SYS_LOINC, "http://loinc.org"},
	{SM_SYS_NCIT, "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"},
};

sm_code_system sm_code_system_find(const char *uri)
{
	if (!uri)
		return SM_SYS_NONE;
	for (size_t k = 0; k < sizeof SYSTEMS / sizeof SYSTEMS[0]; k++)
		if (strcmp(SYSTEMS[k].uri, uri) == 0)
			return SYSTEMS[k].sys;
	return SM_SYS_NONE;
}

const char *sm_code_system_uri(sm_code_system s)
{
	for (size_t k = 0; k < sizeof SYSTEMS / sizeof SYSTEMS[0]; k++)
		if (SYSTEMS[k].sys == s)
			return SYSTEMS[k].uri;
	return "";
}

#define SCT SM_SYS_SNOMED
#define ICD SM_SYS_ICD10
#define P SM_CODE_PRIMARY
static const sm_code_map CODES[] = {
	/* primary cancers, SNOMED CT disorders */
	{SCT, "254837009", false, P, "breast", "Malignant neoplasm of breast"},
	{SCT, "363358000", false, P, "lung", "Malignant tumor of lung"},
	{SCT, "254637007", false, P, "lung_nsclc", "Non-small cell lung cancer"},
	{SCT, "254632001", false, P, "lung_sclc", "Small cell carcinoma of lung"},
	{SCT, "399068003", false, P, "prostate", "Malignant tumor of prostate"},
	{SCT, "363518003", false, P, "kidney", "Malignant tumor of kidney"},
	{SCT, "363478007", false, P, "thyroid", "Malignant tumor of thyroid gland"},
	{SCT, "363406005", false, P, "colon", "Malignant tumor of colon"},
	{SCT, "363351006", false, P, "rectum", "Malignant tumor of rectum"},
	{SCT, "363349007", false, P, "stomach", "Malignant tumor of stomach"},
	{SCT, "363418001", false, P, "pancreas", "Malignant tumor of pancreas"},
	{SCT, "109989006", false, P, "myeloma", "Multiple myeloma"},
	{SCT, "118600007", false, P, "lymphoma", "Malignant lymphoma"},
	{SCT, "372244006", false, P, "melanoma", "Malignant melanoma"},
	/* SNOMED codes used by the mCODE STU4 examples (display as the IG gives it) */
	{SCT, "353431000119107", false, P, "breast", "Primary malignant neoplasm of female left breast"},
	{SCT, "92814006", false, P, "leukaemia", "Chronic lymphoid leukemia, disease"},
	{SCT, "277571004", false, P, "leukaemia", "B-cell acute lymphoblastic leukemia"},
	/* primary cancers, ICD-10 categories (C00-C97) */
	{ICD, "C00", true, P, "head_neck", "Malignant neoplasm of lip"},
	{ICD, "C01", true, P, "head_neck", "Malignant neoplasm of base of tongue"},
	{ICD, "C02", true, P, "head_neck", "Malignant neoplasm of other parts of tongue"},
	{ICD, "C03", true, P, "head_neck", "Malignant neoplasm of gum"},
	{ICD, "C04", true, P, "head_neck", "Malignant neoplasm of floor of mouth"},
	{ICD, "C05", true, P, "head_neck", "Malignant neoplasm of palate"},
	{ICD, "C06", true, P, "head_neck", "Malignant neoplasm of other parts of mouth"},
	{ICD, "C09", true, P, "head_neck", "Malignant neoplasm of tonsil"},
	{ICD, "C10", true, P, "head_neck", "Malignant neoplasm of oropharynx"},
	{ICD, "C11", true, P, "head_neck", "Malignant neoplasm of nasopharynx"},
	{ICD, "C13", true, P, "head_neck", "Malignant neoplasm of hypopharynx"},
	{ICD, "C32", true, P, "head_neck", "Malignant neoplasm of larynx"},
	{ICD, "C15", true, P, "oesophagus", "Malignant neoplasm of oesophagus"},
	{ICD, "C16", true, P, "stomach", "Malignant neoplasm of stomach"},
	{ICD, "C18", true, P, "colon", "Malignant neoplasm of colon"},
	{ICD, "C19", true, P, "rectum", "Malignant neoplasm of rectosigmoid junction"},
	{ICD, "C20", true, P, "rectum", "Malignant neoplasm of rectum"},
	{ICD, "C22", true, P, "liver", "Malignant neoplasm of liver and intrahepatic bile ducts"},
	{ICD, "C23", true, P, "gallbladder", "Malignant neoplasm of gallbladder"},
	{ICD, "C25", true, P, "pancreas", "Malignant neoplasm of pancreas"},
	{ICD, "C34", true, P, "lung", "Malignant neoplasm of bronchus and lung"},
	{ICD, "C43", true, P, "melanoma", "Malignant melanoma of skin"},
	{ICD, "C49", true, P, "soft_tissue_sarcoma", "Malignant neoplasm of other connective and soft tissue"},
	{ICD, "C50", true, P, "breast", "Malignant neoplasm of breast"},
	{ICD, "C53", true, P, "cervix", "Malignant neoplasm of cervix uteri"},
	{ICD, "C54", true, P, "uterus", "Malignant neoplasm of corpus uteri"},
	{ICD, "C55", true, P, "uterus", "Malignant neoplasm of uterus, part unspecified"},
	{ICD, "C56", true, P, "ovary", "Malignant neoplasm of ovary"},
	{ICD, "C61", true, P, "prostate", "Malignant neoplasm of prostate"},
	{ICD, "C64", true, P, "kidney", "Malignant neoplasm of kidney, except renal pelvis"},
	{ICD, "C67", true, P, "bladder", "Malignant neoplasm of bladder"},
	{ICD, "C73", true, P, "thyroid", "Malignant neoplasm of thyroid gland"},
	{ICD, "C7A", true, P, "neuroendocrine", "Malignant neuroendocrine tumours (ICD-10-CM)"},
	{ICD, "C80", true, P, "unknown", "Malignant neoplasm without specification of site"},
	{ICD, "C81", true, P, "lymphoma", "Hodgkin lymphoma"},
	{ICD, "C82", true, P, "lymphoma", "Follicular lymphoma"},
	{ICD, "C83", true, P, "lymphoma", "Non-follicular lymphoma"},
	{ICD, "C84", true, P, "lymphoma", "Mature T/NK-cell lymphomas"},
	{ICD, "C85", true, P, "lymphoma", "Other and unspecified types of non-Hodgkin lymphoma"},
	{ICD, "C90.0", true, P, "myeloma", "Multiple myeloma"},
	{ICD, "C90.3", true, P, "plasmacytoma", "Solitary plasmacytoma"},
	{ICD, "C91", true, P, "leukaemia", "Lymphoid leukaemia"},
	{ICD, "C92", true, P, "leukaemia", "Myeloid leukaemia"},
	{ICD, "C93", true, P, "leukaemia", "Monocytic leukaemia"},
	{ICD, "C95", true, P, "leukaemia", "Leukaemia of unspecified cell type"},
	/* secondary cancers */
	{SCT, "128462008", false, SM_CODE_SECONDARY, "", "Secondary malignant neoplastic disease"},
	{SCT, "94222008", false, SM_CODE_SECONDARY_BONE, "", "Secondary malignant neoplasm of bone"},
	{SCT, "94602001", false, SM_CODE_SECONDARY_SPINE, "", "Secondary malignant neoplasm of vertebral column"},
	{SCT, "94391008", false, SM_CODE_SECONDARY_VISCERAL, "lung", "Secondary malignant neoplasm of lung"},
	{SCT, "94381002", false, SM_CODE_SECONDARY_VISCERAL, "liver", "Secondary malignant neoplasm of liver"},
	{SCT, "94225005", false, SM_CODE_SECONDARY_BRAIN, "", "Secondary malignant neoplasm of brain"},
	{ICD, "C77", true, SM_CODE_SECONDARY_NODE, "", "Secondary malignant neoplasm of lymph nodes"},
	{ICD, "C78.0", true, SM_CODE_SECONDARY_VISCERAL, "lung", "Secondary malignant neoplasm of lung"},
	{ICD, "C78.6", true, SM_CODE_SECONDARY_VISCERAL, "peritoneum", "Secondary malignant neoplasm of retroperitoneum and peritoneum"},
	{ICD, "C78.7", true, SM_CODE_SECONDARY_VISCERAL, "liver", "Secondary malignant neoplasm of liver"},
	{ICD, "C79.0", true, SM_CODE_SECONDARY_VISCERAL, "kidney", "Secondary malignant neoplasm of kidney and renal pelvis"},
	{ICD, "C79.3", true, SM_CODE_SECONDARY_BRAIN, "", "Secondary malignant neoplasm of brain and cerebral meninges"},
	{ICD, "C79.5", true, SM_CODE_SECONDARY_BONE, "", "Secondary malignant neoplasm of bone and bone marrow"},
	{ICD, "C79.7", true, SM_CODE_SECONDARY_VISCERAL, "adrenal", "Secondary malignant neoplasm of adrenal gland"},
	/* body sites: vertebrae (mCODE TG263 concept map) */
	{SCT, "14806007", false, SM_CODE_SITE_LEVEL, "C1", "Atlas"},
	{SCT, "39976000", false, SM_CODE_SITE_LEVEL, "C2", "Axis"},
	{SCT, "91116008", false, SM_CODE_SITE_LEVEL, "C3", "Third cervical vertebra"},
	{SCT, "14705001", false, SM_CODE_SITE_LEVEL, "C4", "Fourth cervical vertebra"},
	{SCT, "67479001", false, SM_CODE_SITE_LEVEL, "C5", "Fifth cervical vertebra"},
	{SCT, "88298007", false, SM_CODE_SITE_LEVEL, "C6", "Sixth cervical vertebra"},
	{SCT, "16126006", false, SM_CODE_SITE_LEVEL, "C7", "Seventh cervical vertebra"},
	{SCT, "56094003", false, SM_CODE_SITE_LEVEL, "T1", "First thoracic vertebra"},
	{SCT, "50060007", false, SM_CODE_SITE_LEVEL, "T2", "Second thoracic vertebra"},
	{SCT, "73138009", false, SM_CODE_SITE_LEVEL, "T3", "Third thoracic vertebra"},
	{SCT, "86197001", false, SM_CODE_SITE_LEVEL, "T4", "Fourth thoracic vertebra"},
	{SCT, "6105006", false, SM_CODE_SITE_LEVEL, "T5", "Fifth thoracic vertebra"},
	{SCT, "32430008", false, SM_CODE_SITE_LEVEL, "T6", "Sixth thoracic vertebra"},
	{SCT, "71737002", false, SM_CODE_SITE_LEVEL, "T7", "Seventh thoracic vertebra"},
	{SCT, "77435000", false, SM_CODE_SITE_LEVEL, "T8", "Eighth thoracic vertebra"},
	{SCT, "33766003", false, SM_CODE_SITE_LEVEL, "T9", "Ninth thoracic vertebra"},
	{SCT, "48405002", false, SM_CODE_SITE_LEVEL, "T10", "Tenth thoracic vertebra"},
	{SCT, "52120002", false, SM_CODE_SITE_LEVEL, "T11", "Eleventh thoracic vertebra"},
	{SCT, "280849005", false, SM_CODE_SITE_LEVEL, "T12", "Twelfth thoracic vertebra"},
	{SCT, "61032001", false, SM_CODE_SITE_LEVEL, "L1", "First lumbar vertebra"},
	{SCT, "53983007", false, SM_CODE_SITE_LEVEL, "L2", "Second lumbar vertebra"},
	{SCT, "55492004", false, SM_CODE_SITE_LEVEL, "L3", "Third lumbar vertebra"},
	{SCT, "71996003", false, SM_CODE_SITE_LEVEL, "L4", "Fourth lumbar vertebra"},
	{SCT, "21799000", false, SM_CODE_SITE_LEVEL, "L5", "Fifth lumbar vertebra"},
	{SCT, "65985001", false, SM_CODE_SITE_LEVEL, "S1", "First sacral vertebra"},
	{SCT, "11808007", false, SM_CODE_SITE_LEVEL, "S2", "Second sacral vertebra"},
	{SCT, "21452006", false, SM_CODE_SITE_LEVEL, "S5", "Fifth sacral vertebra"},
	{SCT, "3572006", false, SM_CODE_SITE_SPINE, "", "Body of vertebra"},
	{SCT, "35769007", false, SM_CODE_SITE_SPINE, "", "Thoracic vertebra"},
	{SCT, "73903008", false, SM_CODE_SITE_SPINE, "", "Lumbar vertebra"},
	{SCT, "87141009", false, SM_CODE_SITE_SPINE, "", "Sacral vertebra"},
	{SCT, "421060004", false, SM_CODE_SITE_SPINE, "", "Vertebral column structure"},
	/* body sites: bones outside the spine, viscera, brain */
	{SCT, "71341001", false, SM_CODE_SITE_BONE, "femur", "Femur"},
	{SCT, "113197003", false, SM_CODE_SITE_BONE, "rib", "Rib"},
	{SCT, "272673000", false, SM_CODE_SITE_BONE, "bone", "Bone structure"},
	{SCT, "39607008", false, SM_CODE_SITE_VISCERAL, "lung", "Lung structure"},
	{SCT, "10200004", false, SM_CODE_SITE_VISCERAL, "liver", "Liver structure"},
	{SCT, "23451007", false, SM_CODE_SITE_VISCERAL, "adrenal", "Adrenal gland structure"},
	{SCT, "12738006", false, SM_CODE_SITE_BRAIN, "", "Brain structure"},
};
#undef P

size_t sm_code_map_count(void) { return sizeof CODES / sizeof CODES[0]; }

const sm_code_map *sm_code_map_at(size_t index)
{
	return index < sm_code_map_count() ? &CODES[index] : NULL;
}

/* "C50.9" and "C509" both fall under the category row "C50"; "C90.0" rows
** match "C90.0", "C90.00" and "C900". */
static bool icd_prefix(const char *row, const char *code)
{
	size_t i = 0, j = 0;
	for (; row[i]; i++, j++) {
		if (row[i] == '.' && code[j] != '.')
			j--; /* a row dot may be absent from the code */
		else if (row[i] != code[j])
			return false;
	}
	return true;
}

const sm_code_map *sm_code_map_find(sm_code_system system, const char *code)
{
	if (!code || !*code || system == SM_SYS_NONE)
		return NULL;
	const sm_code_map *best = NULL;
	size_t best_len = 0;
	for (size_t k = 0; k < sm_code_map_count(); k++) {
		const sm_code_map *r = &CODES[k];
		if (r->system != system)
			continue;
		if (strcmp(r->code, code) == 0)
			return r;
		size_t n = strlen(r->code);
		if (r->prefix && n > best_len && icd_prefix(r->code, code)) {
			best = r;
			best_len = n;
		}
	}
	return best;
}

static const sm_obs_map OBS[] = {
	{SM_SYS_LOINC, "89247-1", SM_OBS_ECOG, "/performance/ecog", "ECOG performance status score"},
	{SM_SYS_LOINC, "89243-0", SM_OBS_KPS, "/performance/kps", "Karnofsky performance status score"},
	{SM_SYS_NCIT, "C38144", SM_OBS_LANSKY, "/performance/lansky", "Lansky play performance status"},
	{SM_SYS_LOINC, "1751-7", SM_OBS_ALBUMIN, "/systemic/labs/albumin_g_dl", "Albumin [Mass/volume] in Serum or Plasma"},
	{SM_SYS_LOINC, "1988-5", SM_OBS_CRP, "/systemic/labs/crp_mg_dl", "C reactive protein [Mass/volume] in Serum or Plasma"},
	{SM_SYS_LOINC, "2532-0", SM_OBS_LDH, "/systemic/labs/ldh_iu_l", "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma"},
	{SM_SYS_LOINC, "14804-9", SM_OBS_LDH, "/systemic/labs/ldh_iu_l", "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma by Lactate to pyruvate reaction"},
	{SM_SYS_LOINC, "777-3", SM_OBS_PLATELETS, "/systemic/labs/platelets_per_ul", "Platelets [#/volume] in Blood by Automated count"},
	{SM_SYS_LOINC, "17861-6", SM_OBS_CALCIUM, "/systemic/labs/calcium_mg_dl", "Calcium [Mass/volume] in Serum or Plasma"},
	{SM_SYS_LOINC, "2000-8", SM_OBS_CALCIUM, "/systemic/labs/calcium_mg_dl", "Calcium [Moles/volume] in Serum or Plasma"},
	{SM_SYS_LOINC, "1975-2", SM_OBS_BILIRUBIN, "/systemic/labs/bilirubin_mg_dl", "Bilirubin.total [Mass/volume] in Serum or Plasma"},
	{SM_SYS_LOINC, "14631-6", SM_OBS_BILIRUBIN, "/systemic/labs/bilirubin_mg_dl", "Bilirubin.total [Moles/volume] in Serum or Plasma"},
};

size_t sm_obs_map_count(void) { return sizeof OBS / sizeof OBS[0]; }
const sm_obs_map *sm_obs_map_at(size_t index) { return index < sm_obs_map_count() ? &OBS[index] : NULL; }

const sm_obs_map *sm_obs_map_find(sm_code_system system, const char *code)
{
	if (!code)
		return NULL;
	for (size_t k = 0; k < sm_obs_map_count(); k++)
		if (OBS[k].system == system && strcmp(OBS[k].code, code) == 0)
			return &OBS[k];
	return NULL;
}

/* UCUM codes as written in valueQuantity.code; value in the case unit =
** value * factor (docs/case-format.md §9). */
static const sm_unit_map UNITS[] = {
	{SM_OBS_ECOG, "", 1.0}, {SM_OBS_ECOG, "1", 1.0}, {SM_OBS_ECOG, "{score}", 1.0},
	{SM_OBS_KPS, "", 1.0}, {SM_OBS_KPS, "1", 1.0}, {SM_OBS_KPS, "{score}", 1.0}, {SM_OBS_KPS, "%", 1.0},
	{SM_OBS_LANSKY, "", 1.0}, {SM_OBS_LANSKY, "1", 1.0}, {SM_OBS_LANSKY, "{score}", 1.0}, {SM_OBS_LANSKY, "%", 1.0},
	{SM_OBS_ALBUMIN, "g/dL", 1.0}, {SM_OBS_ALBUMIN, "g/L", 0.1}, {SM_OBS_ALBUMIN, "mg/dL", 0.001},
	{SM_OBS_CRP, "mg/dL", 1.0}, {SM_OBS_CRP, "mg/L", 0.1},
	{SM_OBS_LDH, "U/L", 1.0}, {SM_OBS_LDH, "[IU]/L", 1.0}, {SM_OBS_LDH, "IU/L", 1.0},
	{SM_OBS_PLATELETS, "/uL", 1.0}, {SM_OBS_PLATELETS, "/mm3", 1.0}, {SM_OBS_PLATELETS, "10*3/uL", 1000.0},
	{SM_OBS_PLATELETS, "10*3/mm3", 1000.0}, {SM_OBS_PLATELETS, "10*9/L", 1000.0},
	{SM_OBS_CALCIUM, "mg/dL", 1.0}, {SM_OBS_CALCIUM, "mmol/L", 4.008},
	{SM_OBS_BILIRUBIN, "mg/dL", 1.0}, {SM_OBS_BILIRUBIN, "umol/L", 1.0 / 17.1},
};

size_t sm_unit_map_count(void) { return sizeof UNITS / sizeof UNITS[0]; }
const sm_unit_map *sm_unit_map_at(size_t index) { return index < sm_unit_map_count() ? &UNITS[index] : NULL; }

const sm_unit_map *sm_unit_map_find(sm_obs_field field, const char *ucum)
{
	if (!ucum)
		ucum = "";
	for (size_t k = 0; k < sm_unit_map_count(); k++)
		if (UNITS[k].field == field && strcmp(UNITS[k].ucum, ucum) == 0)
			return &UNITS[k];
	return NULL;
}
