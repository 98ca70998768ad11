/*
** histology.c: the histology catalogue (KEYS.md §3), one row per primary
** tumour, with its attribute for every instrument that depends on histology.
** Adding a tumour is one row. Sources (REFERENCE.md sections):
**   tok   revised Tokuhashi primary-site points, §6.1 (Tokuhashi 2005; NICE CG75
**         appendix 3). Not listed -> "others" 2; lymphoma/myeloma flagged (§6.1).
**   tom   Tomita growth, §6.2 and §14 (slow 1 / moderate 2 / rapid 4; none = the
**         paper gives no class: `growth` must be supplied).
**   bau   Bauer items 4 (not lung) and 5 (breast, kidney, lymphoma, myeloma), §6.3.
**   kat   Katagiri 2014 primary group, §6.6 and §14.
**   rt    radiosensitivity to conventional EBRT, NOMS teaching, §3.2 and §14.
**   pat   Patchell 2005 radiosensitive exclusion (lymphoma, leukaemia, myeloma,
**         germ cell), §7.4 and §3.2.
**   chemo systemic therapy may come first, §3.4(c) and §8.
**   paed  a tumour of childhood, §8.
** Decision attributes (decision code reads these, never a tumour name):
**   unk   the "primary not identified" row: unknown-primary work-up, §9, §14.
**   lyt   lympholytic tumour (lymphoma, leukaemia): steroids can destroy the
**         diagnostic tissue, "tissue first" while neurology allows, §7.2, §15.7.
**   haem  haematological malignancy (lymphoma, leukaemia, myeloma,
**         plasmacytoma): confirmed -> dexamethasone 16 mg and the haematology
**         plan, NG234 1.8.5 (§7.2, §15.3, §15.7).
**   cns   primary of the central nervous system: Patchell exclusion, §7.4.
**   lepto leptomeningeal (drop) spread: CSF cytology (§9); the chemotherapy-
**         first option notes craniospinal radiotherapy (§15.9).
**   cfc   chemosensitive first-line in children (`chemotherapy_first` with
**         paediatric oncology): neuroblastoma, lymphoma, leukaemia, germ-cell
**         tumours, Ewing sarcoma, rhabdomyosarcoma, Wilms, medulloblastoma, §15.9.
**   bsarc primary bone sarcoma: phone the sarcoma centre before any biopsy, §15.14.
**   myel  myeloma-like (myeloma, plasmacytoma): RT plus systemic therapy with
**         haematology, myeloma screen, avoid nephrotoxins, §15.16.
**   bm    bone marrow aspirate and trephine for staging, §9.
**   cat   urgent urine catecholamines are the diagnostic test (neuroblastoma), §8.
**   gc    germ-cell tumour: AFP and beta-hCG, §8, §15.9.
**   bta   bone-targeted therapy (bisphosphonate or denosumab) indicated:
**         myeloma/plasmacytoma, breast, prostate, §16 (CG75 carried into NG234).
** A `*_default` column marks an implementation default (no source names the
** histology): results that use it carry the flag `catalogue_default`.
*/
#include "internal.h"

#include <string.h>

#define S SM_TOMITA_SLOW
#define M SM_TOMITA_MODERATE
#define R SM_TOMITA_RAPID
#define N SM_TOMITA_NONE
#define KS SM_KAT_SLOW
#define KM SM_KAT_MODERATE
#define KR SM_KAT_RAPID
#define KH SM_KAT_HORMONE
#define KL SM_KAT_LUNG
#define RS SM_RT_SENSITIVE
#define RR SM_RT_RESISTANT
#define RU SM_RT_UNKNOWN

/* key, name, ICD-O-3, tok, tok_def, tomita, bau_lung, bau_fav, bau_def, kat, kat_def,
** rt, patchell, chemo, paed, unk, lyt, haem, cns, lepto, cfc, bsarc, myel, bm, cat, gc, bta,
** source */
static const sm_histology catalogue[] = {
	{"breast", "Breast", "C50", 5, false, S, false, true, false, KH, false, RS, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true,
	 "tok §6.1 (5); tom §14 slow; bau §6.3 favourable; kat §6.6 hormone-dependent slow / else moderate; rt §14 sensitive; bta §16"},
	{"lung_nsclc", "Lung, non-small-cell", "C34", 0, false, R, true, false, false, KL, false, RR, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 lung (0); tom §14 rapid (every lung type); bau §6.3 lung; kat §6.6 lung (targeted moderate / else rapid); rt §14 resistant"},
	{"lung_sclc", "Lung, small-cell", "C34", 0, false, R, true, false, false, KL, false, RS, false, true, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 lung (0); tom §14 rapid; bau §6.3 lung; kat §6.6 lung; rt §14 sensitive; chemo §3.4(c)"},
	{"lung", "Lung, type not known", "C34", 0, false, R, true, false, false, KL, false, RU, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 lung (0); tom §14 rapid; bau §6.3 lung; kat §6.6 lung; rt §14 unknown (type needed)"},
	{"prostate", "Prostate", "C61", 5, false, S, false, false, false, KH, false, RS, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true,
	 "tok §6.1 (5); tom §14 slow; bau §6.3 not lung, not favourable; kat §6.6 hormone-dependent slow / else moderate; rt §14 sensitive; bta §16"},
	{"kidney", "Kidney (renal cell)", "C64", 3, false, M, false, true, false, KM, false, RR, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 (3); tom §14 moderate; bau §6.3 favourable; kat §6.6 renal cell moderate; rt §14 resistant"},
	{"thyroid", "Thyroid", "C73", 5, false, S, false, false, false, KS, false, RR, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 (5); tom §14 slow; kat §6.6 slow; rt §14 resistant"},
	{"colon", "Colon", "C18", 2, false, R, false, false, false, KR, false, RR, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 others (2; colon named there); tom §14 rapid; kat §6.6 colorectal rapid; rt §14 resistant"},
	{"rectum", "Rectum", "C20", 4, false, N, false, false, false, KR, false, RR, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 (4); tom §14 no class; kat §6.6 colorectal rapid; rt §14 resistant"},
	{"stomach", "Stomach", "C16", 0, false, R, false, false, false, KR, false, RR, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 (0); tom §14 rapid; kat §6.6 gastric rapid; rt §14 resistant"},
	{"oesophagus", "Oesophagus", "C15", 0, false, N, false, false, false, KR, false, RR, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 (0); tom §14 no class; kat §6.6 oesophageal rapid; rt §14 resistant"},
	{"pancreas", "Pancreas", "C25", 0, false, N, false, false, false, KR, false, RR, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 (0); tom §14 no class; kat §6.6 pancreatic rapid; rt §14 resistant"},
	{"liver", "Liver (hepatocellular)", "C22", 1, false, R, false, false, false, KR, false, RR, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 (1); tom §14 rapid; kat §6.6 hepatocellular rapid; rt §14 resistant"},
	{"gallbladder", "Gallbladder", "C23", 1, false, N, false, false, false, KR, false, RU, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 (1); tom §14 no class; kat §6.6 gallbladder rapid; rt §14 not listed (unknown)"},
	{"bladder", "Bladder", "C67", 0, false, N, false, false, false, KR, false, RU, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 (0); tom §14 no class; kat §6.6 other urological rapid; rt §14 not listed (unknown)"},
	{"uterus", "Uterus (endometrium)", "C54", 3, false, M, false, false, false, KM, false, RU, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 (3); tom §14 moderate; kat §6.6 endometrial moderate; rt §14 not listed (unknown)"},
	{"cervix", "Cervix uteri", "C53", 2, true, N, false, false, false, KR, false, RU, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok others (2) by default: Tokuhashi's 'uterus' (3) may or may not include the cervix, flagged; tom §14 no class; kat §6.6 cervical rapid; rt §14 not listed (unknown)"},
	{"ovary", "Ovary", "C56", 2, false, N, false, false, false, KM, false, RS, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 others (2; ovary named there); tom §14 no class; kat §6.6 ovarian moderate; rt §14 sensitive"},
	{"head_neck", "Head and neck", "C76.0", 2, false, N, false, false, false, KR, false, RU, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 others (2; head and neck named there); tom §14 no class; kat §6.6 head & neck rapid; rt §14 not listed (unknown)"},
	{"melanoma", "Melanoma", "M8720/3", 2, false, N, false, false, false, KR, false, RR, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 others (2); tom §14 no class; kat §6.6 melanoma rapid; rt §14 resistant"},
	{"soft_tissue_sarcoma", "Soft-tissue sarcoma", "C49", 2, false, N, false, false, false, KM, false, RR, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 others (2); tom §14 no class; kat §6.6 sarcoma moderate; rt §14 resistant"},
	{"osteosarcoma", "Osteosarcoma", "M9180/3", 0, false, N, false, false, false, KM, false, RR, false, false, true, false, false, false, false, false, false, true, false, false, false, false, false,
	 "tok §6.1 (0); tom §14 no class; kat §6.6 sarcoma moderate; rt §14 resistant; paed §8; bsarc §15.14"},
	{"myeloma", "Multiple myeloma", "M9732/3", 2, true, N, false, true, false, KS, false, RS, true, true, false, false, false, true, false, false, false, false, true, false, false, false, true,
	 "tok §6.1 not listed -> others (2), flagged; bau §6.3 favourable; kat §6.6 slow; rt §14 sensitive; patchell §7.4 excluded; chemo §3.4(c); haem §15.7 (NG234 1.8.5); myel §15.16; bta §16"},
	{"plasmacytoma", "Plasmacytoma", "M9731/3", 2, true, N, false, true, true, KS, true, RS, true, false, false, false, false, true, false, false, false, false, true, false, false, false, true,
	 "tok others (2), flagged; bau favourable as myeloma (default); kat slow as myeloma (default); rt §14 sensitive; patchell §7.4 myeloma family; haem §15.7 (NG234 1.8.5); myel §15.16; bta §16"},
	{"lymphoma", "Lymphoma", "M9590/3", 2, true, N, false, true, false, KS, false, RS, true, true, false, false, true, true, false, false, true, false, false, true, false, false, false,
	 "tok §6.1 not listed -> others (2), flagged; bau §6.3 favourable; kat §6.6 malignant lymphoma slow; rt §14 sensitive; patchell §7.4 excluded; chemo §3.4(c), §8; lyt §15.7; haem §15.7 (NG234 1.8.5); cfc §15.9; bm §9"},
	{"leukaemia", "Leukaemia", "M9800/3", 2, true, N, false, false, false, KM, true, RS, true, true, false, false, true, true, false, false, true, false, false, true, false, false, false,
	 "tok not listed -> others (2), flagged; kat others (moderate, default); rt §14 sensitive; patchell §7.4 excluded; chemo §8; lyt §15.7; haem §15.7 (NG234 1.8.5); cfc §15.9; bm §9"},
	{"seminoma", "Seminoma", "M9061/3", 2, false, N, false, false, false, KM, true, RS, true, true, false, false, false, false, false, false, true, false, false, false, false, true, false,
	 "tok others (2); kat others (moderate, default: testis vs 'other urological' not settled); rt §14 sensitive; patchell §7.4 germ cell; chemo §3.4(c); cfc §15.9; gc §8"},
	{"germ_cell_nonseminoma", "Germ-cell tumour, non-seminoma", "M9065/3", 2, false, N, false, false, false, KM, true, RS, true, true, false, false, false, false, false, false, true, false, false, false, false, true, false,
	 "tok others (2); kat others (moderate, default); rt §14 germ cell sensitive; patchell §7.4 germ cell; chemo §3.4(c), §8; cfc §15.9; gc §8"},
	{"neuroendocrine", "Neuroendocrine carcinoma", "M8246/3", 2, false, N, false, false, false, KM, true, RS, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok others (2); kat others (moderate, default); rt §14 sensitive"},
	{"carcinoid", "Carcinoid", "M8240/3", 5, false, N, false, false, false, KM, true, RS, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 (5); kat others (moderate, default); rt §14 sensitive"},
	{"neuroblastoma", "Neuroblastoma", "M9500/3", 2, false, N, false, false, false, KM, true, RS, false, true, true, false, false, false, false, false, true, false, false, true, true, false, false,
	 "tok others (2); kat others (default; adult score, not for children); rt §14 sensitive; chemo §8; paed §8; cfc §15.9; bm §9; cat §8"},
	{"ewing_sarcoma", "Ewing sarcoma", "M9260/3", 2, false, N, false, false, false, KM, false, RS, false, true, true, false, false, false, false, false, true, true, false, false, false, false, false,
	 "tok others (2); kat §6.6 sarcoma moderate; rt §14 sensitive; chemo §8 (multimodal); paed §8; cfc §15.9; bsarc §15.14"},
	{"rhabdomyosarcoma", "Rhabdomyosarcoma", "M8900/3", 2, false, N, false, false, false, KM, false, RU, false, false, true, false, false, false, false, false, true, false, false, false, false, false, false,
	 "tok others (2); kat §6.6 sarcoma moderate; rt §14 not listed (unknown); paed §8; cfc §15.9"},
	{"wilms", "Wilms tumour (nephroblastoma)", "M8960/3", 2, false, N, false, false, false, KM, true, RU, false, false, true, false, false, false, false, false, true, false, false, false, false, false, false,
	 "tok others (2); kat others (default); rt §14 not listed (unknown); paed §8; cfc §15.9"},
	{"medulloblastoma", "Medulloblastoma", "M9470/3", 2, false, N, false, false, false, KM, true, RU, false, false, true, false, false, false, true, true, true, false, false, false, false, false, false,
	 "tok others (2); kat others (default); rt §14 not listed (unknown); paed §8 (drop metastases); cns §7.4; lepto §9, §15.9; cfc §15.9"},
	{"retinoblastoma", "Retinoblastoma", "M9510/3", 2, false, N, false, false, false, KM, true, RU, false, false, true, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok others (2); kat others (default); rt §14 not listed (unknown); paed §8"},
	{"teratoma", "Malignant teratoma", "M9080/3", 2, false, N, false, false, false, KM, true, RS, true, true, true, false, false, false, false, false, true, false, false, false, false, true, false,
	 "tok others (2); kat others (default); rt §14 germ-cell tumours sensitive; patchell §7.4 germ cell; chemo §3.4(c), §8 germ cell; paed §8; cfc §15.9; gc §8"},
	{"other", "Other primary", "", 2, false, N, false, false, false, KM, false, RU, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 others (2); tom §14 no class; kat §6.6 others moderate; rt §14 unknown"},
	{"unknown", "Unknown primary", "C80.9", 1, false, R, -1, -1, false, KR, false, RU, false, false, false, true, false, false, false, false, false, false, false, false, false, false, false,
	 "tok §6.1 unidentified (1); tom §14 rapid; bau: lung and favourable histology both still possible (items 4 and 5 scored as ranges, §0 rule 2); kat §6.6 unknown origin rapid; rt §14 unknown; unk §9"},
};

size_t sm_histology_count(void) { return SM_COUNT(catalogue); }

const sm_histology *sm_histology_at(size_t index)
{
	return index < SM_COUNT(catalogue) ? &catalogue[index] : NULL;
}

const sm_histology *sm_histology_find(const char *key, int *index)
{
	if (!key)
		return NULL;
	for (size_t k = 0; k < SM_COUNT(catalogue); k++)
		if (catalogue[k].key[0] == key[0] && strcmp(catalogue[k].key, key) == 0) {
			if (index)
				*index = (int)k;
			return &catalogue[k];
		}
	return NULL;
}
