/*
** rules.h: the decision rules of `spinemets assess`, one X-macro list. Each
** rule has a stable id, the REFERENCE.md section it comes from, its source and
** what it says. docs/rules.md is generated from this list (spinemets rules).
** Columns: enum name, id, section, source, age scope (REFERENCE §15.18), the
** framework that puts an option there (NOMS, Patchell, NICE, §15, ...), text.
** Age scopes: SC_ALL every age; SC_ADULT >= 18 (NICE NG234/CG75, Patchell,
** IDSA; ages 16-17 see both with the flag S15-18-ADOLESCENT); SC_NG59 >= 16
** (NICE NG59); SC_CHILD < 18 (paediatric rules: §8, §15.2, §15.9, §15.12).
*/
#ifndef SM_CORE_RULES_H
#define SM_CORE_RULES_H

#define SM_RULES(X) \
	X(R_TRIAGE_CANCER_N, "TRIAGE-1", "§14, §7.2", "NICE NG234 (2023); CG75 (2008)", SC_ADULT, "NICE", \
	  "Known or suspected cancer and any neurological feature of set N: suspected MSCC, an oncological emergency.") \
	X(R_TRIAGE_CANCER_P, "TRIAGE-2", "§14, §7.2", "NICE CG75 (2008); NG234 (2023)", SC_ADULT, "NICE", \
	  "Known or suspected cancer and a pain feature of set P without N: suspected spinal metastases, urgent.") \
	X(R_TRIAGE_NOCA_PN, "TRIAGE-3", "§14", "NICE NG234 (2023)", SC_ADULT, "NICE", \
	  "No cancer history, P and N together: suspected MSCC (about 23% of MSCC is the first presentation of cancer), emergency with the unknown-primary work-up.") \
	X(R_TRIAGE_NOCA_P, "TRIAGE-4", "§14", "NICE NG234 (2023)", SC_ADULT, "NICE", \
	  "No cancer history, P alone: urgent, with the unknown-primary work-up.") \
	X(R_TRIAGE_NOCA_N, "TRIAGE-5", "§14", "NICE NG234 (2023)", SC_ADULT, "NICE", \
	  "No cancer history, N alone: not the spinal metastases pathway (routine here); assess for other causes.") \
	X(R_TRIAGE_NONE, "TRIAGE-6", "§14", "NICE NG234 (2023)", SC_ADULT, "NICE", \
	  "No pain feature of set P and no neurological feature of set N: routine.") \
	X(R_TRIAGE_HISTORY_UNKNOWN, "TRIAGE-7", "§0 rule 2, §14", "spinemets safety default", SC_ALL, "NICE", \
	  "Cancer history not recorded: triaged as the more urgent of 'cancer' and 'no cancer', never as normal.") \
	X(R_TRIAGE_SIGNS, "TRIAGE-8", "§7.1", "NICE CG75 (2008)", SC_ADULT, "NICE", \
	  "Signs of cord or cauda equina compression (deficit on examination, myelopathy, paraplegia) count as set N.") \
	X(R_CONTACT_IMMEDIATE, "CG75-CONTACT-0", "§7.2", "NICE CG75 (2008); NG234 (2023)", SC_ADULT, "NICE", \
	  "Suspected MSCC: contact the MSCC coordinator immediately.") \
	X(R_CONTACT_24H, "CG75-CONTACT-24", "§7.2", "NICE CG75 (2008)", SC_ADULT, "NICE", \
	  "Suspected spinal metastases without neurology: contact the MSCC coordinator within 24 hours.") \
	X(R_MRI_24H, "NG234-1.5.2", "§7.2, §14", "NICE NG234 1.5.2; QS56", SC_ADULT, "NICE", \
	  "With neurological symptoms or signs: whole-spine MRI as soon as possible and always within 24 hours; treatment plan agreed within 24 hours.") \
	X(R_MRI_1W, "NG234-MRI-1W", "§7.2, §14", "NICE NG234; QS56", SC_ADULT, "NICE", \
	  "Pain suggestive of spinal metastases without neurology: whole-spine MRI and a treatment plan within 1 week.") \
	X(R_MRI_CONTRA, "NICE-CT", "§7.2", "NICE (via clinical summaries)", SC_ADULT, "NICE", \
	  "MRI contraindicated: CT of the whole spine; CT myelography only in a specialist centre if more information is needed.") \
	X(R_NO_XRAY, "NICE-NO-XRAY", "§7.2, §11 #10", "NICE CG75/NG234", SC_ADULT, "NICE", \
	  "Do not use plain spinal X-ray to diagnose or exclude spinal metastases or MSCC.") \
	X(R_DEX_16, "NG234-1.8.1", "§7.2, §7.3", "NICE NG234 1.8.1", SC_ADULT, "NICE", \
	  "Suspected MSCC with neurology: dexamethasone 16 mg as soon as possible unless contraindicated, 16 mg daily while awaiting treatment; stop if MSCC is excluded (1.8.2).") \
	X(R_DEX_NOT_ROUTINE, "NG234-1.8.3", "§7.2", "NICE NG234 1.8.3/1.8.7", SC_ADULT, "NICE", \
	  "Spinal metastases without neurological features: do not routinely give corticosteroids.") \
	X(R_DEX_HAEM_CONFIRMED, "NG234-1.8.5", "§7.2", "NICE NG234 1.8.5", SC_ADULT, "NICE", \
	  "Confirmed haematological malignancy with spinal disease: dexamethasone 16 mg as soon as possible; further plan with the haematology MDT.") \
	X(R_DEX_HAEM_SUSPECTED, "DEX-HAEM-1", "§7.2, §8", "expert consensus [R]", SC_ALL, "§7.2 expert consensus", \
	  "Suspected but unconfirmed lymphoma or leukaemia: steroids are lympholytic; seek haematology/oncology advice and tissue first if neurology allows; never delay steroids when neurology is deteriorating.") \
	X(R_DEX_PAED, "PAED-DEX", "§8, §11 #7", "paediatric protocol / BNFC [R]", SC_CHILD, "paediatric (§8)", \
	  "Children: dexamethasone dose from the local paediatric oncology protocol; the software never scales the adult dose by weight.") \
	X(R_IMMOBILISE, "NG234-IMMOB", "§7.2, §14", "NICE NG234; Christie NHS pathway", SC_ADULT, "NICE", \
	  "Neurology or pain suggesting spinal instability: immobilise (flat, neutral spine, log-roll) without delay and get expert advice within 24 hours to keep it short.") \
	X(R_NOMS_N, "NOMS-N-1", "§2, §3.1", "Bilsky 2010; Laufer 2013", SC_ALL, "NOMS", \
	  "Neurologic assessment: ESCC grade of the worst lesion (0/1a/1b low, 1c indeterminate, 2/3 high) plus myelopathy/radiculopathy.") \
	X(R_NOMS_1C, "NOMS-N-1C", "§2, §12", "Bilsky 2010; debate", SC_ALL, "NOMS", \
	  "ESCC 1c: management debated (SRS with cord-sparing fractionation vs separation surgery): MDT review.") \
	X(R_NOMS_LOWMYELO, "NOMS-N-2", "§3.3", "Laufer 2013", SC_ALL, "NOMS", \
	  "Myelopathy with low-grade ESCC in a radioresistant tumour: MDT review.") \
	X(R_NOMS_O, "NOMS-O-1", "§3.2, §14", "Laufer 2013; NOMS teaching", SC_ALL, "NOMS", \
	  "Oncologic assessment: radiosensitivity of the histology to conventional EBRT, from the histology catalogue.") \
	X(R_NOMS_O_UNKNOWN, "NOMS-O-2", "§14", "NOMS teaching", SC_ALL, "NOMS", \
	  "Histology unknown or not classed: oncologic assessment unknown; obtain histology first (biopsy).") \
	X(R_NOMS_M, "NOMS-M-1", "§1, §3.1", "Fisher 2010; Laufer 2013", SC_ALL, "NOMS", \
	  "Mechanical assessment, independent of N and O: SINS of the most unstable lesion; subluxation/translation is gross instability.") \
	X(R_NOMS_S, "NOMS-S-1", "§3.1, §7.4", "Laufer 2013; Patchell 2005", SC_ALL, "NOMS", \
	  "Systemic assessment: fitness for the proposed treatment (fit for surgery, expected survival of at least 3 months).") \
	X(R_OPT_RS, "NOMS-OPT-1", "§3.3", "Laufer 2013", SC_ALL, "NOMS", \
	  "Radiosensitive histology: conventional EBRT whatever the ESCC grade or myelopathy.") \
	X(R_OPT_RS_SYSTEMIC, "NOMS-OPT-2", "§3.3, §3.4", "Laufer 2013; Newman 2020", SC_ALL, "NOMS", \
	  "Radiosensitive and chemosensitive histology: add systemic therapy.") \
	X(R_OPT_RR_LOW, "NOMS-OPT-3", "§3.3", "Laufer 2013", SC_ALL, "NOMS", \
	  "Radioresistant histology, low-grade ESCC, no myelopathy: stereotactic radiosurgery (SRS/SBRT).") \
	X(R_OPT_RR_HIGH_FIT, "NOMS-OPT-4", "§3.3", "Laufer 2013; Laufer 2013 J Neurosurg Spine", SC_ALL, "NOMS", \
	  "Radioresistant histology, high-grade ESCC, fit for surgery: separation surgery then postoperative SRS (hybrid therapy).") \
	X(R_OPT_RR_HIGH_UNFIT, "NOMS-OPT-5", "§3.3", "Laufer 2013", SC_ALL, "NOMS", \
	  "Radioresistant histology, high-grade ESCC, not fit for surgery: palliative conventional EBRT and best supportive care.") \
	X(R_OPT_O_UNKNOWN, "NOMS-OPT-6", "§7.4, §14", "Patchell 2005; NOMS teaching", SC_ALL, "NOMS", \
	  "Histology unknown: MDT review; surgical opinion where compression needs tissue and decompression.") \
	X(R_OPT_N_UNKNOWN, "NOMS-OPT-7", "§2, §7.2", "Bilsky 2010; NICE", SC_ALL, "NOMS", \
	  "ESCC grade unknown: the treatment choice waits for whole-spine MRI; MDT review.") \
	X(R_OPT_M_UNSTABLE, "NOMS-OPT-8", "§3.3", "Laufer 2013; Fisher 2010", SC_ALL, "NOMS", \
	  "SINS 13-18 or subluxation/translation: stabilisation (open or percutaneous) if the patient can tolerate it; otherwise orthosis, radiotherapy and symptomatic care.") \
	X(R_OPT_M_POTENTIAL, "NOMS-OPT-9", "§1.2, §3.3", "Fisher 2010", SC_ALL, "NOMS", \
	  "SINS 7-12: surgical opinion (cement augmentation or stabilisation may be considered).") \
	X(R_OPT_M_CEMENT, "NOMS-OPT-10", "§3.3", "Laufer 2013", SC_ALL, "NOMS", \
	  "Pathological body fracture with axial-load (mechanical) pain, without gross instability: percutaneous vertebroplasty/kyphoplasty.") \
	X(R_OPT_M_UNKNOWN, "NOMS-OPT-11", "§0 rule 2, §1", "spinemets safety default", SC_ALL, "NOMS", \
	  "SINS incomplete and instability not excluded: surgical opinion until the missing items are known.") \
	X(R_OPT_CHEMO_FIRST, "NOMS-OPT-12", "§3.4(c), §8", "Newman 2020; De Bernardi 2001", SC_ALL, "NOMS", \
	  "Chemosensitive tumour without instability or rapid neurological decline: systemic therapy may come first (MDT decision); in children, urgent chemotherapy first with decompression reserved for deterioration.") \
	X(R_OPT_SUPPORTIVE, "NOMS-OPT-13", "§3.3, §7.4", "Laufer 2013; Patchell 2005", SC_ALL, "NOMS", \
	  "When treatment cannot be tolerated: best supportive care.") \
	X(R_SETTING_NO_SRS, "SETTING-1", "KEYS §5 setting", "spinemets", SC_ALL, "setting", \
	  "SRS not available at this centre: conventional EBRT is the next-best local option; consider referral to a centre with SRS.") \
	X(R_SETTING_NO_SURGERY, "SETTING-2", "KEYS §5 setting", "spinemets", SC_ALL, "setting", \
	  "Spinal surgery not available at this centre: urgent referral for a surgical opinion.") \
	X(R_SETTING_NO_MRI, "SETTING-3", "KEYS §5 setting, §7.2", "NICE", SC_ALL, "setting", \
	  "MRI not available at this centre: CT of the whole spine now and referral for whole-spine MRI within the target.") \
	X(R_SETTING_NO_RT, "SETTING-5", "KEYS §5 setting", "spinemets", SC_ALL, "setting", \
	  "No radiotherapy at this centre: refer to a radiotherapy centre for the radiotherapy option.") \
	X(R_SETTING_NO_PAED, "SETTING-4", "KEYS §5 setting, §8", "paediatric networks", SC_ALL, "setting", \
	  "No paediatric oncology at this centre: urgent referral to a paediatric oncology centre.") \
	X(R_PATCHELL, "PATCHELL-1", "§7.4", "Patchell 2005 (Lancet)", SC_ADULT, "Patchell", \
	  "Consider decompressive surgery plus postoperative RT when every Patchell criterion holds: age 18 or over, tissue-proven cancer not of CNS/spinal-column origin, cord compression on MRI, at least one neurological symptom or sign, not totally paraplegic for more than 48 h, a single area of compression, expected survival of at least 3 months, fit for surgery, not radiosensitive (lymphoma, leukaemia, myeloma, germ cell), not cauda equina/root-only, no prior RT precluding 30 Gy/10.") \
	X(R_PATCHELL_OTHER, "PATCHELL-2", "§7.4", "Patchell 2005; NICE", SC_ADULT, "Patchell", \
	  "Surgery may still be considered for instability, bony retropulsion, unknown histology needing tissue, prior RT to the level, or progression despite RT: discuss with the MSCC coordinator and a spinal surgeon.") \
	X(R_WU_MRI, "WORKUP-1", "§7.2, §9", "NICE", SC_ALL, "work-up (§9)", \
	  "Whole-spine MRI (sagittal T1 and/or STIR, sagittal T2, axial through abnormalities).") \
	X(R_WU_CT_SINS, "WORKUP-2", "§9, §1", "Fisher 2010", SC_ALL, "work-up (§9)", \
	  "CT for bone quality and posterior elements (needed for the SINS items).") \
	X(R_WU_UNKNOWN_PRIMARY, "WORKUP-3", "§9", "Rougraff 1993", SC_ALL, "work-up (§9)", \
	  "Unknown primary: history and examination, routine labs, CT chest/abdomen/pelvis, bone scan, then biopsy of the most accessible lesion (primary found in 85%); add serum electrophoresis with free light chains, PSA in men, breast examination and mammography in women, thyroid examination, urinalysis, calcium/ALP/LDH.") \
	X(R_WU_BIOPSY, "WORKUP-4", "§9", "Rougraff 1993; NICE", SC_ALL, "work-up (§9)", \
	  "Biopsy when no primary is known, when histology would change management, or when tissue is unconfirmed; before steroids if lymphoma is suspected.") \
	X(R_WU_HAEM, "WORKUP-5", "§9", "standard practice [R]", SC_ALL, "work-up (§9)", \
	  "Lymphoma, leukaemia or neuroblastoma: bone marrow aspirate and trephine for staging.") \
	X(R_WU_CSF, "WORKUP-6", "§9", "standard practice [R]", SC_ALL, "work-up (§9)", \
	  "CNS primary with possible leptomeningeal spread: CSF cytology after MRI (check for raised intracranial pressure).") \
	X(R_WU_PAED, "WORKUP-7", "§8", "Starship guideline", SC_CHILD, "paediatric (§8)", \
	  "Child with suspected malignant cord compression: MRI, urgent urine catecholamines (neuroblastoma), AFP and beta-hCG (germ-cell tumours).") \
	X(R_WU_INFECTION, "WORKUP-8", "§9", "mimic tables", SC_ALL, "work-up (§9)", \
	  "Fever or a disc-centred process: CRP and blood cultures.") \
	X(R_WU_MYELOMA, "WORKUP-9", "§9, §10", "Shimada 2014", SC_ALL, "work-up (§9)", \
	  "Myeloma possible: serum protein electrophoresis with immunofixation and free light chains.") \
	X(R_PAED_SCALE, "PAED-1", "§5.4, §12", "Lansky 1987; MDCalc", SC_CHILD, "paediatric (§8)", \
	  "Performance in children under 16 is rated with the Lansky play-performance scale; Karnofsky from 16 (age 16 flagged: some protocols use Lansky up to 16).") \
	X(R_PAED_SUPPRESS, "PAED-2", "§8", "derivation cohorts were adult", SC_CHILD, "paediatric (§8)", \
	  "Adult prognostic scores (Tokuhashi, Tomita, Bauer, NESMS, Katagiri) are not computed under 18; SINS and ESCC are descriptive only (not validated in children).") \
	X(R_PAED_LAMINECTOMY, "PAED-3", "§8", "Yasuoka 1982", SC_CHILD, "paediatric (§8)", \
	  "Laminectomy in a growing spine: deformity in 46% under 15 years (100% cervical, 36% thoracic); consider laminoplasty; long-term follow-up for deformity.") \
	X(R_PAED_RT, "PAED-4", "§8", "Quraishi 2023", SC_CHILD, "paediatric (§8)", \
	  "Radiotherapy in children: treat whole vertebral bodies symmetrically (asymmetric dose causes scoliosis); growth impairment is dose- and age-dependent.") \
	X(R_PAED_ROUTE, "PAED-5", "§8", "paediatric networks", SC_CHILD, "paediatric (§8)", \
	  "Route every child with suspected malignant cord compression to paediatric oncology.") \
	X(R_PAED_PRIOR, "PAED-6", "§8", "Quraishi 2023; Leeds guideline", SC_CHILD, "paediatric (§8)", \
	  "Most likely primaries in children: under 5 years neuroblastoma first; from 5 years sarcoma first.") \
	X(R_EPI_ADULT, "EPI-1", "§10", "Rougraff 1993; Takagi 2015; Shimada 2014", SC_ADULT, "work-up (§9)", \
	  "Adult with a spinal metastasis of unknown origin: lung >> kidney = myeloma > prostate (men) / breast (women) > GI > thyroid > others.") \
	X(R_DDX_METASTASIS, "DDX-1", "§9", "mimic tables [S]", SC_ALL, "work-up (§9)", \
	  "Disc space preserved with epidural soft tissue or posterior element involvement favours metastasis.") \
	X(R_DDX_DISCITIS, "DDX-2", "§9", "J Clin Orthop Trauma mimic table [V]", SC_ALL, "work-up (§9)", \
	  "Disc-centred process with endplate destruction on both sides, two or fewer adjacent bodies, fever or raised CRP: consider pyogenic spondylodiscitis.") \
	X(R_DDX_TB, "DDX-3", "§9", "[R]", SC_ALL, "work-up (§9)", \
	  "Disc-centred or multilevel disease without known cancer: consider tuberculosis (disc sparing does not exclude TB).") \
	X(R_DDX_MYELOMA, "DDX-4", "§9, §10", "Shimada 2014", SC_ADULT, "work-up (§9)", \
	  "Unknown primary in an adult: consider myeloma (over-represented among unknown-primary presentations).") \
	X(R_DDX_BONE, "DDX-5", "§9", "[R]", SC_ALL, "work-up (§9)", \
	  "Solitary lesion without known cancer in a young person, or at the sacrum/clivus: consider a primary bone tumour and refer to a sarcoma centre before biopsy.") \
	X(R_DDX_OSTEOPOROTIC, "DDX-6", "§9", "[R]", SC_ALL, "work-up (§9)", \
	  "Collapse without epidural mass and without pedicle/posterior element involvement: consider osteoporotic fracture.") \
	X(R_S15_1_CORD, "S15-1-CORD", "§15.1", "UK cauda-equina pathway; BASS/SBNS [S]; De Martino 2019", SC_ALL, "§15", \
	  "New or progressive cord picture (weakness of both legs or all four limbs, or new gait disturbance, with a sensory level, bilateral upper-motor-neuron signs or bladder/bowel dysfunction; or Frankel/ASIA A-D of recent or unknown onset): emergency whatever the cancer history, with or without pain (replaces §14 \"N alone -> routine\").") \
	X(R_S15_1_CAUDA, "S15-1-CAUDA", "§15.1", "UK cauda-equina pathway; BASS/SBNS [S]", SC_ALL, "§15", \
	  "Cauda-equina picture (weakness not required): saddle or perianal sensory change, new urinary retention or incontinence, or new bowel or sexual dysfunction, with back pain or bilateral/alternating radicular pain: emergency.") \
	X(R_S15_1_MRI_4H, "S15-1-MRI-4H", "§15.1", "UK cauda-equina pathway (4 h MRI target) [S]", SC_ALL, "§15", \
	  "Cauda-equina picture without known cancer: MRI within 4 hours of the request (lumbosacral; whole spine if cancer or infection is possible).") \
	X(R_S15_1_MRI_24H, "S15-1-MRI-24H", "§15.1, §15.19", "NICE NG234; QS56", SC_ALL, "§15", \
	  "Cord or cauda-equina picture: whole-spine MRI within 24 hours; no MRI on site -> emergency transfer (15.19).") \
	X(R_S15_1_DEX_DISCUSS, "S15-1-DEX-DISCUSS", "§15.1", "spinemets safety rule [R]", SC_ALL, "§15", \
	  "Cord or cauda-equina picture without known or suspected cancer: dexamethasone is \"discuss with the spinal/oncology team now\" (lymphoma, infection, disc and haematoma are in the differential); MRI and transfer are never delayed for that discussion.") \
	X(R_S15_1_MIMIC_STROKE, "S15-1-MIMIC-STROKE", "§15.1", "stroke pathway [S]", SC_ALL, "§15", \
	  "Mimic flag (never lowers the triage): sudden one-sided weakness with face, speech or vision involvement -> stroke pathway and brain imaging first.") \
	X(R_S15_1_MIMIC_GBS, "S15-1-MIMIC-GBS", "§15.1", "[S]", SC_ALL, "§15", \
	  "Mimic flag (never lowers the triage): symmetric ascending weakness with areflexia and no sensory level, or bulbar or breathing difficulty -> consider Guillain-Barre: vital capacity, neurology now.") \
	X(R_S15_1_MIMIC_HAEMATOMA, "S15-1-MIMIC-HAEMATOMA", "§15.1", "[S]", SC_ALL, "§15", \
	  "Mimic flag (never lowers the triage): anticoagulant or antiplatelet therapy, or a recent neuraxial procedure -> consider spinal epidural haematoma.") \
	X(R_S15_1_MIMIC_CONSCIOUSNESS, "S15-1-MIMIC-CONSCIOUSNESS", "§15.1, §15.15", "[S]", SC_ALL, "§15", \
	  "Reduced consciousness or delirium: neurology is unassessable (unknown, not normal); check calcium (15.15), glucose, sepsis and brain metastases.") \
	X(R_S15_2_CHILD_N, "S15-2-CHILD-N", "§15.2", "Starship guideline [V]; Leeds/Yorkshire CYP guidance [S]", SC_CHILD, "§15", \
	  "In a child, set N also includes: refusal to walk or bear weight, new limp, loss of acquired motor skills, new scoliosis or torticollis with pain, reduced or absent leg reflexes, urinary retention or dribbling, new wetting or soiling after continence, constipation with overflow, reduced anal sensation.") \
	X(R_S15_2_EMERGENCY, "S15-2-EMERGENCY", "§15.2", "Starship guideline [V]; Leeds/Yorkshire CYP guidance [S]", SC_CHILD, "§15", \
	  "Child: emergency (paediatric oncology and neurosurgery now) with any N and a cancer history or a known paraspinal or dumbbell mass; any N with back pain, spinal tenderness or an abnormal neurological examination; or two or more N items together.") \
	X(R_S15_2_PAIN, "S15-2-PAIN", "§15.2", "Starship guideline [V]", SC_CHILD, "§15", \
	  "Child with back pain that is persistent or worsening, wakes the child, or breaks through simple analgesia: at least urgent MRI, never routine.") \
	X(R_S15_2_MRI, "S15-2-MRI", "§15.2", "Starship guideline [V]", SC_CHILD, "§15", \
	  "Child: MRI is the test; none on site -> transfer for MRI within 24 hours (sooner if deteriorating); the need for sedation never delays transfer; keep nil by mouth; whole-spine CT only when transfer is impossible.") \
	X(R_S15_2_SEDATION, "S15-2-SEDATION", "§15.2", "paediatric handbook on sedation with a mediastinal mass [S]", SC_CHILD, "§15", \
	  "Child with a mediastinal mass, stridor or orthopnoea: anaesthetic review before any sedation.") \
	X(R_S15_3_RADIOLOGICAL, "S15-3-RADIOLOGICAL", "§15.3", "NICE MSCC definition [V]; NG234 1.8.3; QS56 [S]", SC_ALL, "§15", \
	  "ESCC 2-3 (or 1c with any deficit), or compression of the conus or cauda equina, on any imaging is MSCC: without N urgent (MSCC coordinator or spinal team the same day, definitive plan within 24 hours; dexamethasone not routine unless pain is severe or the malignancy is haematological); with any N, or neurology not yet examined, emergency.") \
	X(R_S15_4_SIMPLE, "S15-4-SIMPLE", "§15.4", "NICE NG59 1.1.1, 1.1.4 [V]", SC_NG59, "§15", \
	  "Simple back pain (mechanical lumbosacral pain, at most unilateral radicular pain, no known or suspected cancer, no objective deficit, every red flag recorded absent): routine, no imaging in a non-specialist setting, keep active (no bed rest, no log-roll), a written safety net listing the cauda-equina symptoms.") \
	X(R_S15_4_RED_FLAG, "S15-4-RED-FLAG", "§15.4", "NICE NG59; red-flag list [S]", SC_NG59, "§15", \
	  "Back pain with any red flag (thoracic or cervical pain, night pain, severe unremitting or progressive pain, no improvement after 4-6 weeks, onset at 50 or over or under 20, weight loss, fever or night sweats, immunosuppression, long-term steroids or osteoporosis, injecting drug use, previous TB or TB contact, recent bacteraemia): urgent, with the unknown-primary and infection work-up.") \
	X(R_S15_4_UNRECORDED, "S15-4-UNRECORDED", "§15.4, §0 rule 2", "spinemets safety default", SC_NG59, "§15", \
	  "Back pain without cancer whose red flags are not all recorded: not classed as simple back pain (an unrecorded red flag is unknown, not absent); record them.") \
	X(R_S15_4_ROOT, "S15-4-ROOT", "§15.4", "[R] (MRC <= 3 threshold)", SC_NG59, "§15", \
	  "Progressive or severe (MRC 3 or less) single-root weakness without cancer or red flags: urgent spinal referral.") \
	X(R_S15_4_MYELOMA, "S15-4-MYELOMA", "§15.4", "NICE NG12 myeloma tests [S]", SC_NG59, "§15", \
	  "Age 60 or over with persistent back pain: FBC, calcium, ESR or plasma viscosity, serum protein electrophoresis and free light chains.") \
	X(R_S15_5_PATCHELL, "S15-5-PATCHELL", "§15.5, §7.4", "Patchell 2005 (Lancet) [V]", SC_ADULT, "Patchell", \
	  "Every Patchell criterion holds: \"consider decompressive surgery + postoperative RT\" is listed beside any NOMS alternative, each with its reason and framework.") \
	X(R_S15_5_OUTSIDE, "S15-5-OUTSIDE", "§15.5, §7.4", "Patchell 2005 exclusions [V]; design rule", SC_ADULT, "§15", \
	  "Completely paraplegic more than 48 hours, expected survival under 3 months, or unfit: decompressive surgery for neurological recovery is outside the Patchell evidence and is not a recommended option; radiotherapy or best supportive care; surgical opinion for stabilisation or intractable mechanical pain.") \
	X(R_S15_5_UNKNOWN, "S15-5-UNKNOWN", "§15.5", "design rule", SC_ADULT, "§15", \
	  "A missing Patchell input makes eligibility unknown, never ineligible: surgical opinion stays listed.") \
	X(R_S15_6_PRIOR_RT, "S15-6-PRIOR-RT", "§15.6, §7.4", "Patchell exclusion [V]; ASTRO 2017 re-irradiation [S]; Spratt 2017 [R]", SC_ALL, "§15", \
	  "Previously irradiated level: conventional EBRT is not the only option; surgical opinion and a specialist re-irradiation assessment (SBRT, or conventional RT within cumulative cord tolerance) at a centre that provides it.") \
	X(R_S15_7_TISSUE_FIRST, "S15-7-TISSUE-FIRST", "§15.7", "NG234 1.8.5 [S]; expert opinion [R]", SC_ALL, "§15", \
	  "Lymphoma or leukaemia possible: \"tissue first\" (biopsy, marrow, node, effusion or blood film within 24 hours, then steroid) only while the person walks (Frankel D-E), has no sphincter involvement and deterioration is recorded absent.") \
	X(R_S15_7_DEX_NOW, "S15-7-DEX-NOW", "§15.7", "NG234 1.8.5 [S]; expert opinion [R]", SC_ALL, "§15", \
	  "Lymphoma or leukaemia possible with Frankel A-C, sphincter involvement, deterioration or an unknown course: dexamethasone now (adults 16 mg; children per 15.12) and urgent tissue in parallel; tell the pathologist a steroid was given.") \
	X(R_S15_7_TLS, "S15-7-TLS", "§15.7", "tumour lysis (paediatric handbook) [S]", SC_ALL, "§15", \
	  "Lymphoma or leukaemia possible: urate, potassium, phosphate, calcium, creatinine and LDH, and IV hydration with or before the first steroid dose (tumour-lysis risk).") \
	X(R_S15_7_FEATURES, "S15-7-FEATURES", "§15.7", "[R] feature list", SC_ALL, "§15", \
	  "Lymphoma caution raised from features without a coded primary: young adult with lymphadenopathy, mediastinal mass, B symptoms or raised LDH.") \
	X(R_S15_8_INFECTION, "S15-8-INFECTION", "§15.8", "IDSA 2015 [V]", SC_ALL, "§15", \
	  "Infection leads the differential with any of: fever; raised CRP/ESR without another cause; bacteraemia or endocarditis; disc-centred destruction of both end-plates; paraspinal, psoas or epidural abscess; gibbus; injecting drug use; immunosuppression; recent spinal procedure. Triage follows 15.1.") \
	X(R_S15_8_TB, "S15-8-TB", "§15.8", "WHO (Xpert MTB/RIF on tissue) [S]", SC_ALL, "§15", \
	  "TB-endemic region or TB exposure does not by itself lead the differential: TB stays listed and TB tests (AFB smear and culture, Xpert MTB/RIF; IGRA or TST when subacute) are added to any biopsy.") \
	X(R_S15_8_WORKUP, "S15-8-WORKUP", "§15.8", "IDSA 2015 [V]", SC_ADULT, "§15", \
	  "Infection work-up: two sets of blood cultures, CRP/ESR, Brucella serology where endemic, image-guided biopsy for histology and microbiology (Gram stain and culture, AFB smear and culture, Xpert MTB/RIF) unless blood cultures already grow S. aureus, S. lugdunensis or Brucella.") \
	X(R_S15_8_ANTIBIOTICS, "S15-8-ANTIBIOTICS", "§15.8", "IDSA 2015 [V]", SC_ADULT, "§15", \
	  "Infection leads with sepsis or any deficit: blood cultures, antibiotics now, urgent spinal surgical opinion. Otherwise (haemodynamically stable, no sepsis, neurologically intact and stable) withhold empirical antibiotics until samples are taken.") \
	X(R_S15_8_DEX, "S15-8-DEX", "§15.8", "steroid precedence [R]", SC_ALL, "§15", \
	  "Infection leads: dexamethasone is not advised by default even with a deficit (\"discuss with the spinal team\"); with a known cancer too, the report shows both rules and states which set the steroid advice.") \
	X(R_S15_8_CHILD, "S15-8-CHILD", "§15.8, §15.18", "IDSA scope (adults) [V]", SC_CHILD, "§15", \
	  "Child with infection leading the differential: paediatric infection team (IDSA applies to adults).") \
	X(R_S15_9_CHEMO_FIRST, "S15-9-CHEMO-FIRST", "§15.9", "De Bernardi 2001 [V]; Quraishi 2023; Starship [S]; other histologies [R]", SC_CHILD, "§15", \
	  "Chemosensitive childhood tumour (catalogue attribute) with stable neurology: urgent paediatric oncology, fastest safe diagnosis first, then chemotherapy first with paediatric oncology; decompression (laminotomy or laminoplasty) if neurology deteriorates.") \
	X(R_S15_9_CRANIOSPINAL, "S15-9-CRANIOSPINAL", "§15.9", "[R]", SC_CHILD, "§15", \
	  "CNS primary with drop metastases (e.g. medulloblastoma): the chemotherapy-first protocol includes craniospinal radiotherapy.") \
	X(R_S15_10_PREGNANCY, "S15-10-PREGNANCY", "§15.10", "pregnancy imaging reviews [S]", SC_ALL, "§15", \
	  "Pregnancy: MRI without gadolinium unless it would change management; CT or nuclear medicine only when essential (spinal CT away from the pelvis is not withheld when MRI is impossible); dexamethasone is not delayed; obstetric input in parallel.") \
	X(R_S15_10_ANTICOAG, "S15-10-ANTICOAG", "§15.10", "SIR 2019 peri-procedural consensus [S]", SC_ALL, "§15", \
	  "Anticoagulant or antiplatelet therapy: a peri-procedural plan (hold, bridge or reverse) before biopsy, lumbar puncture, vertebral augmentation or surgery; for emergency decompression the plan is reversal, not delay.") \
	X(R_S15_10_CORRECT, "S15-10-CORRECT", "§15.10", "SIR 2019 (INR <= 1.5-1.8, platelets >= 50) [S]", SC_ALL, "§15", \
	  "Platelets under 50 x 10^9/L or INR over 1.5: correct before biopsy, lumbar puncture, vertebral augmentation or surgery (a caveat; no item is removed).") \
	X(R_S15_11_COLLAR, "S15-11-COLLAR", "§15.11", "MASCIP [S]; NG234 immobilisation [V]", SC_ALL, "§15", \
	  "Suspected cervical instability: a properly fitted hard collar (trained staff, pressure-area checks, never forced into neutral in a fixed deformity) or as the spinal surgeon directs, flat positioning, expert advice within 24 hours.") \
	X(R_S15_11_C0C2, "S15-11-C0C2", "§15.11", "[R] (timing)", SC_ALL, "§15", \
	  "C0-C2 involvement with subluxation: surgical opinion within 24 hours; with any deficit immediately (emergency).") \
	X(R_S15_12_BUNDLE, "S15-12-BUNDLE", "§15.12", "NICE NG234 1.8 [S]; taper [R]", SC_ALL, "§15", \
	  "Whenever dexamethasone is advised: gastric protection, capillary glucose monitoring, a daily neurological check; taper after definitive treatment (CG75: over 5-7 days); if neurology worsens during the taper, return to the previous dose and seek advice; stop if MSCC is excluded.") \
	X(R_S15_12_STRONGYLOIDES, "S15-12-STRONGYLOIDES", "§15.12", "[R]", SC_ALL, "§15", \
	  "Before prolonged high-dose steroids in people from endemic regions: consider Strongyloides serology or empirical ivermectin.") \
	X(R_S15_12_CHILD, "S15-12-CHILD", "§15.12", "paediatric oncology protocol / national paediatric formulary [R]", SC_CHILD, "§15", \
	  "Child: the steroid dose comes from the paediatric oncology protocol; none on site -> ask the regional paediatric oncology centre for the dose now; no answer within 1 hour and a severe or progressing deficit -> the treating clinician decides from the national paediatric formulary after tumour-lysis bloods and hydration. The software never prints a dose for a child and never suggests a steroid for a child without neurology.") \
	X(R_S15_13_CONFLICT, "S15-13-CONFLICT", "§15.13", "design rule", SC_ALL, "§15", \
	  "Inputs that contradict each other: a warning naming both fields; urgency and safety actions use the more severe value; prognostic scores and eligibility are computed for both values and shown as a range with conflict.") \
	X(R_S15_14_SARCOMA, "S15-14-SARCOMA", "§15.14", "sarcoma service practice [S]; NG234 scope [V]", SC_ALL, "§15", \
	  "Suspected primary bone tumour (solitary lesion without known cancer in a young person, chondroid or osteoid matrix, midline sacral or clival lesion, or a bone sarcoma in the catalogue): phone the sarcoma centre before any biopsy or open procedure; no \"biopsy the most accessible lesion\"; emergency decompression is not delayed (the centre is called, not waited for).") \
	X(R_S15_15_CALCIUM, "S15-15-CALCIUM", "§15.15", "oncology emergency guidance [S]", SC_ALL, "§15", \
	  "Person with cancer and weakness, confusion, drowsiness, constipation, polyuria or vomiting: check adjusted calcium now; hypercalcaemia never downgrades a set-N finding.") \
	X(R_S15_15_RAISED, "S15-15-RAISED", "§15.15", "oncology emergency guidance [S]", SC_ALL, "§15", \
	  "Adjusted calcium above 2.6 mmol/L: IV fluids and a bisphosphonate with the oncologist.") \
	X(R_S15_16_MYELOMA, "S15-16-MYELOMA", "§15.16", "NG234 1.8.5; myeloma guidance [S]", SC_ALL, "§15", \
	  "Myeloma or plasmacytoma compression: radiotherapy plus systemic therapy with haematology the same day; 16 mg dexamethasone is also anti-myeloma treatment (adults); avoid NSAIDs and nephrotoxins; check calcium and creatinine; bisphosphonate; surgery for instability or when the diagnosis is unknown.") \
	X(R_S15_16_SCREEN, "S15-16-SCREEN", "§15.16", "[S]", SC_ALL, "§15", \
	  "Suspected, unconfirmed myeloma: serum protein electrophoresis, free light chains and urine electrophoresis do not delay triage.") \
	X(R_S15_17_RT, "S15-17-RT", "§15.17", "QS56 statement 6 [V]; SCORAD III [V]; ASTRO 2017 [S]", SC_ALL, "§15", \
	  "Radiotherapy as the definitive treatment for MSCC starts within 24 hours of the decision; single 8 Gy for short expected survival or poor performance status, 20 Gy in 5 fractions otherwise, longer courses for a favourable prognosis; the oncologist decides.") \
	X(R_S15_18_ADOLESCENT, "S15-18-ADOLESCENT", "§15.18, §15.12", "guideline scopes [V]", SC_ALL, "§15", \
	  "Age 16-17: adult (NICE, Patchell) and paediatric rules are both shown; adolescent: confirm the adult or paediatric protocol.") \
	X(R_S15_19_TRANSFER, "S15-19-TRANSFER", "§15.19", "CG75 transfer advice [S]; design rule", SC_ALL, "§15", \
	  "A level of care missing on site (MRI, spinal surgery, radiotherapy, paediatric oncology): transfer flat with spinal precautions when instability is suspected, send the images and the report, and record the time the patient last walked (the 48-hour rule depends on it) and the time the first steroid dose was given.") \
	X(R_AGE_UNKNOWN, "AGE-1", "§0 rule 3, §8", "spinemets safety default", SC_ALL, "spinemets", \
	  "Age not recorded: adult scores are computed with a warning; check the age.")

#define SM_RULE_ENUM(e, id, sec, src, scope, fw, txt) e,
enum sm_rule_index { SM_RULES(SM_RULE_ENUM) SM_NRULES };

#endif
