/*
** rules.h: the decision rules of `spinemets assess`, one X-macro list. Each
** rule has a stable id, the REFERENCE.md section it comes from, its source and
** what it says. docs/rules.md is generated from this list (spinemets rules).
** Columns: enum name, id, section, source, text.
*/
#ifndef SM_CORE_RULES_H
#define SM_CORE_RULES_H

#define SM_RULES(X) \
	X(R_TRIAGE_CANCER_N, "TRIAGE-1", "§14, §7.2", "NICE NG234 (2023); CG75 (2008)", \
	  "Known or suspected cancer and any neurological feature of set N: suspected MSCC, an oncological emergency.") \
	X(R_TRIAGE_CANCER_P, "TRIAGE-2", "§14, §7.2", "NICE CG75 (2008); NG234 (2023)", \
	  "Known or suspected cancer and a pain feature of set P without N: suspected spinal metastases, urgent.") \
	X(R_TRIAGE_NOCA_PN, "TRIAGE-3", "§14", "NICE NG234 (2023)", \
	  "No cancer history, P and N together: suspected MSCC (about 23% of MSCC is the first presentation of cancer), emergency with the unknown-primary work-up.") \
	X(R_TRIAGE_NOCA_P, "TRIAGE-4", "§14", "NICE NG234 (2023)", \
	  "No cancer history, P alone: urgent, with the unknown-primary work-up.") \
	X(R_TRIAGE_NOCA_N, "TRIAGE-5", "§14", "NICE NG234 (2023)", \
	  "No cancer history, N alone: not the spinal metastases pathway (routine here); assess for other causes.") \
	X(R_TRIAGE_NONE, "TRIAGE-6", "§14", "NICE NG234 (2023)", \
	  "No pain feature of set P and no neurological feature of set N: routine.") \
	X(R_TRIAGE_HISTORY_UNKNOWN, "TRIAGE-7", "§0 rule 2, §14", "spinemets safety default", \
	  "Cancer history not recorded: triaged as the more urgent of 'cancer' and 'no cancer', never as normal.") \
	X(R_TRIAGE_SIGNS, "TRIAGE-8", "§7.1", "NICE CG75 (2008)", \
	  "Signs of cord or cauda equina compression (deficit on examination, myelopathy, paraplegia) count as set N.") \
	X(R_CONTACT_IMMEDIATE, "CG75-CONTACT-0", "§7.2", "NICE CG75 (2008); NG234 (2023)", \
	  "Suspected MSCC: contact the MSCC coordinator immediately.") \
	X(R_CONTACT_24H, "CG75-CONTACT-24", "§7.2", "NICE CG75 (2008)", \
	  "Suspected spinal metastases without neurology: contact the MSCC coordinator within 24 hours.") \
	X(R_MRI_24H, "NG234-1.5.2", "§7.2, §14", "NICE NG234 1.5.2; QS56", \
	  "With neurological symptoms or signs: whole-spine MRI as soon as possible and always within 24 hours; treatment plan agreed within 24 hours.") \
	X(R_MRI_1W, "NG234-MRI-1W", "§7.2, §14", "NICE NG234; QS56", \
	  "Pain suggestive of spinal metastases without neurology: whole-spine MRI and a treatment plan within 1 week.") \
	X(R_MRI_CONTRA, "NICE-CT", "§7.2", "NICE (via clinical summaries)", \
	  "MRI contraindicated: CT of the whole spine; CT myelography only in a specialist centre if more information is needed.") \
	X(R_NO_XRAY, "NICE-NO-XRAY", "§7.2, §11 #10", "NICE CG75/NG234", \
	  "Do not use plain spinal X-ray to diagnose or exclude spinal metastases or MSCC.") \
	X(R_DEX_16, "NG234-1.8.1", "§7.2, §7.3", "NICE NG234 1.8.1", \
	  "Suspected MSCC with neurology: dexamethasone 16 mg as soon as possible unless contraindicated, 16 mg daily while awaiting treatment; stop if MSCC is excluded (1.8.2).") \
	X(R_DEX_NOT_ROUTINE, "NG234-1.8.3", "§7.2", "NICE NG234 1.8.3/1.8.7", \
	  "Spinal metastases without neurological features: do not routinely give corticosteroids.") \
	X(R_DEX_HAEM_CONFIRMED, "NG234-1.8.5", "§7.2", "NICE NG234 1.8.5", \
	  "Confirmed haematological malignancy with spinal disease: dexamethasone 16 mg as soon as possible; further plan with the haematology MDT.") \
	X(R_DEX_HAEM_SUSPECTED, "DEX-HAEM-1", "§7.2, §8", "expert consensus [R]", \
	  "Suspected but unconfirmed lymphoma or leukaemia: steroids are lympholytic; seek haematology/oncology advice and tissue first if neurology allows; never delay steroids when neurology is deteriorating.") \
	X(R_DEX_PAED, "PAED-DEX", "§8, §11 #7", "paediatric protocol / BNFC [R]", \
	  "Children: dexamethasone dose from the local paediatric oncology protocol; the software never scales the adult dose by weight.") \
	X(R_IMMOBILISE, "NG234-IMMOB", "§7.2, §14", "NICE NG234; Christie NHS pathway", \
	  "Neurology or pain suggesting spinal instability: immobilise (flat, neutral spine, log-roll) without delay and get expert advice within 24 hours to keep it short.") \
	X(R_NOMS_N, "NOMS-N-1", "§2, §3.1", "Bilsky 2010; Laufer 2013", \
	  "Neurologic assessment: ESCC grade of the worst lesion (0/1a/1b low, 1c indeterminate, 2/3 high) plus myelopathy/radiculopathy.") \
	X(R_NOMS_1C, "NOMS-N-1C", "§2, §12", "Bilsky 2010; debate", \
	  "ESCC 1c: management debated (SRS with cord-sparing fractionation vs separation surgery): MDT review.") \
	X(R_NOMS_LOWMYELO, "NOMS-N-2", "§3.3", "Laufer 2013", \
	  "Myelopathy with low-grade ESCC in a radioresistant tumour: MDT review.") \
	X(R_NOMS_O, "NOMS-O-1", "§3.2, §14", "Laufer 2013; NOMS teaching", \
	  "Oncologic assessment: radiosensitivity of the histology to conventional EBRT, from the histology catalogue.") \
	X(R_NOMS_O_UNKNOWN, "NOMS-O-2", "§14", "NOMS teaching", \
	  "Histology unknown or not classed: oncologic assessment unknown; obtain histology first (biopsy).") \
	X(R_NOMS_M, "NOMS-M-1", "§1, §3.1", "Fisher 2010; Laufer 2013", \
	  "Mechanical assessment, independent of N and O: SINS of the most unstable lesion; subluxation/translation is gross instability.") \
	X(R_NOMS_S, "NOMS-S-1", "§3.1, §7.4", "Laufer 2013; Patchell 2005", \
	  "Systemic assessment: fitness for the proposed treatment (fit for surgery, expected survival of at least 3 months).") \
	X(R_OPT_RS, "NOMS-OPT-1", "§3.3", "Laufer 2013", \
	  "Radiosensitive histology: conventional EBRT whatever the ESCC grade or myelopathy.") \
	X(R_OPT_RS_SYSTEMIC, "NOMS-OPT-2", "§3.3, §3.4", "Laufer 2013; Newman 2020", \
	  "Radiosensitive and chemosensitive histology: add systemic therapy.") \
	X(R_OPT_RR_LOW, "NOMS-OPT-3", "§3.3", "Laufer 2013", \
	  "Radioresistant histology, low-grade ESCC, no myelopathy: stereotactic radiosurgery (SRS/SBRT).") \
	X(R_OPT_RR_HIGH_FIT, "NOMS-OPT-4", "§3.3", "Laufer 2013; Laufer 2013 J Neurosurg Spine", \
	  "Radioresistant histology, high-grade ESCC, fit for surgery: separation surgery then postoperative SRS (hybrid therapy).") \
	X(R_OPT_RR_HIGH_UNFIT, "NOMS-OPT-5", "§3.3", "Laufer 2013", \
	  "Radioresistant histology, high-grade ESCC, not fit for surgery: palliative conventional EBRT and best supportive care.") \
	X(R_OPT_O_UNKNOWN, "NOMS-OPT-6", "§7.4, §14", "Patchell 2005; NOMS teaching", \
	  "Histology unknown: MDT review; surgical opinion where compression needs tissue and decompression.") \
	X(R_OPT_N_UNKNOWN, "NOMS-OPT-7", "§2, §7.2", "Bilsky 2010; NICE", \
	  "ESCC grade unknown: the treatment choice waits for whole-spine MRI; MDT review.") \
	X(R_OPT_M_UNSTABLE, "NOMS-OPT-8", "§3.3", "Laufer 2013; Fisher 2010", \
	  "SINS 13-18 or subluxation/translation: stabilisation (open or percutaneous) if the patient can tolerate it; otherwise orthosis, radiotherapy and symptomatic care.") \
	X(R_OPT_M_POTENTIAL, "NOMS-OPT-9", "§1.2, §3.3", "Fisher 2010", \
	  "SINS 7-12: surgical opinion (cement augmentation or stabilisation may be considered).") \
	X(R_OPT_M_CEMENT, "NOMS-OPT-10", "§3.3", "Laufer 2013", \
	  "Pathological body fracture with axial-load (mechanical) pain, without gross instability: percutaneous vertebroplasty/kyphoplasty.") \
	X(R_OPT_M_UNKNOWN, "NOMS-OPT-11", "§0 rule 2, §1", "spinemets safety default", \
	  "SINS incomplete and instability not excluded: surgical opinion until the missing items are known.") \
	X(R_OPT_CHEMO_FIRST, "NOMS-OPT-12", "§3.4(c), §8", "Newman 2020; De Bernardi 2001", \
	  "Chemosensitive tumour without instability or rapid neurological decline: systemic therapy may come first (MDT decision); in children, urgent chemotherapy first with decompression reserved for deterioration.") \
	X(R_OPT_SUPPORTIVE, "NOMS-OPT-13", "§3.3, §7.4", "Laufer 2013; Patchell 2005", \
	  "When treatment cannot be tolerated: best supportive care.") \
	X(R_SETTING_NO_SRS, "SETTING-1", "KEYS §5 setting", "spinemets", \
	  "SRS not available at this centre: conventional EBRT is the next-best local option; consider referral to a centre with SRS.") \
	X(R_SETTING_NO_SURGERY, "SETTING-2", "KEYS §5 setting", "spinemets", \
	  "Spinal surgery not available at this centre: urgent referral for a surgical opinion.") \
	X(R_SETTING_NO_MRI, "SETTING-3", "KEYS §5 setting, §7.2", "NICE", \
	  "MRI not available at this centre: CT of the whole spine now and referral for whole-spine MRI within the target.") \
	X(R_SETTING_NO_RT, "SETTING-5", "KEYS §5 setting", "spinemets", \
	  "No radiotherapy at this centre: refer to a radiotherapy centre for the radiotherapy option.") \
	X(R_SETTING_NO_PAED, "SETTING-4", "KEYS §5 setting, §8", "paediatric networks", \
	  "No paediatric oncology at this centre: urgent referral to a paediatric oncology centre.") \
	X(R_PATCHELL, "PATCHELL-1", "§7.4", "Patchell 2005 (Lancet)", \
	  "Consider decompressive surgery plus postoperative RT when every Patchell criterion holds: age 18 or over, tissue-proven cancer not of CNS/spinal-column origin, cord compression on MRI, at least one neurological symptom or sign, not totally paraplegic for more than 48 h, a single area of compression, expected survival of at least 3 months, fit for surgery, not radiosensitive (lymphoma, leukaemia, myeloma, germ cell), not cauda equina/root-only, no prior RT precluding 30 Gy/10.") \
	X(R_PATCHELL_OTHER, "PATCHELL-2", "§7.4", "Patchell 2005; NICE", \
	  "Surgery may still be considered for instability, bony retropulsion, unknown histology needing tissue, prior RT to the level, or progression despite RT: discuss with the MSCC coordinator and a spinal surgeon.") \
	X(R_WU_MRI, "WORKUP-1", "§7.2, §9", "NICE", \
	  "Whole-spine MRI (sagittal T1 and/or STIR, sagittal T2, axial through abnormalities).") \
	X(R_WU_CT_SINS, "WORKUP-2", "§9, §1", "Fisher 2010", \
	  "CT for bone quality and posterior elements (needed for the SINS items).") \
	X(R_WU_UNKNOWN_PRIMARY, "WORKUP-3", "§9", "Rougraff 1993", \
	  "Unknown primary: history and examination, routine labs, CT chest/abdomen/pelvis, bone scan, then biopsy of the most accessible lesion (primary found in 85%); add serum electrophoresis with free light chains, PSA in men, breast examination and mammography in women, thyroid examination, urinalysis, calcium/ALP/LDH.") \
	X(R_WU_BIOPSY, "WORKUP-4", "§9", "Rougraff 1993; NICE", \
	  "Biopsy when no primary is known, when histology would change management, or when tissue is unconfirmed; before steroids if lymphoma is suspected.") \
	X(R_WU_HAEM, "WORKUP-5", "§9", "standard practice [R]", \
	  "Lymphoma, leukaemia or neuroblastoma: bone marrow aspirate and trephine for staging.") \
	X(R_WU_CSF, "WORKUP-6", "§9", "standard practice [R]", \
	  "CNS primary with possible leptomeningeal spread: CSF cytology after MRI (check for raised intracranial pressure).") \
	X(R_WU_PAED, "WORKUP-7", "§8", "Starship guideline", \
	  "Child with suspected malignant cord compression: MRI, urgent urine catecholamines (neuroblastoma), AFP and beta-hCG (germ-cell tumours).") \
	X(R_WU_INFECTION, "WORKUP-8", "§9", "mimic tables", \
	  "Fever or a disc-centred process: CRP and blood cultures.") \
	X(R_WU_MYELOMA, "WORKUP-9", "§9, §10", "Shimada 2014", \
	  "Myeloma possible: serum protein electrophoresis with immunofixation and free light chains.") \
	X(R_PAED_SCALE, "PAED-1", "§5.4, §12", "Lansky 1987; MDCalc", \
	  "Performance in children under 16 is rated with the Lansky play-performance scale; Karnofsky from 16 (age 16 flagged: some protocols use Lansky up to 16).") \
	X(R_PAED_SUPPRESS, "PAED-2", "§8", "derivation cohorts were adult", \
	  "Adult prognostic scores (Tokuhashi, Tomita, Bauer, NESMS, Katagiri) are not computed under 18; SINS and ESCC are descriptive only (not validated in children).") \
	X(R_PAED_LAMINECTOMY, "PAED-3", "§8", "Yasuoka 1982", \
	  "Laminectomy in a growing spine: deformity in 46% under 15 years (100% cervical, 36% thoracic); consider laminoplasty; long-term follow-up for deformity.") \
	X(R_PAED_RT, "PAED-4", "§8", "Quraishi 2023", \
	  "Radiotherapy in children: treat whole vertebral bodies symmetrically (asymmetric dose causes scoliosis); growth impairment is dose- and age-dependent.") \
	X(R_PAED_ROUTE, "PAED-5", "§8", "paediatric networks", \
	  "Route every child with suspected malignant cord compression to paediatric oncology.") \
	X(R_PAED_PRIOR, "PAED-6", "§8", "Quraishi 2023; Leeds guideline", \
	  "Most likely primaries in children: under 5 years neuroblastoma first; from 5 years sarcoma first.") \
	X(R_EPI_ADULT, "EPI-1", "§10", "Rougraff 1993; Takagi 2015; Shimada 2014", \
	  "Adult with a spinal metastasis of unknown origin: lung >> kidney = myeloma > prostate (men) / breast (women) > GI > thyroid > others.") \
	X(R_DDX_METASTASIS, "DDX-1", "§9", "mimic tables [S]", \
	  "Disc space preserved with epidural soft tissue or posterior element involvement favours metastasis.") \
	X(R_DDX_DISCITIS, "DDX-2", "§9", "J Clin Orthop Trauma mimic table [V]", \
	  "Disc-centred process with endplate destruction on both sides, two or fewer adjacent bodies, fever or raised CRP: consider pyogenic spondylodiscitis.") \
	X(R_DDX_TB, "DDX-3", "§9", "[R]", \
	  "Disc-centred or multilevel disease without known cancer: consider tuberculosis (disc sparing does not exclude TB).") \
	X(R_DDX_MYELOMA, "DDX-4", "§9, §10", "Shimada 2014", \
	  "Unknown primary in an adult: consider myeloma (over-represented among unknown-primary presentations).") \
	X(R_DDX_BONE, "DDX-5", "§9", "[R]", \
	  "Solitary lesion without known cancer in a young person, or at the sacrum/clivus: consider a primary bone tumour and refer to a sarcoma centre before biopsy.") \
	X(R_DDX_OSTEOPOROTIC, "DDX-6", "§9", "[R]", \
	  "Collapse without epidural mass and without pedicle/posterior element involvement: consider osteoporotic fracture.") \
	X(R_AGE_UNKNOWN, "AGE-1", "§0 rule 3, §8", "spinemets safety default", \
	  "Age not recorded: adult scores are computed with a warning; check the age.")

#define SM_RULE_ENUM(e, id, sec, src, txt) e,
enum sm_rule_index { SM_RULES(SM_RULE_ENUM) SM_NRULES };

#endif
