# gen_cohort.awk: a synthetic research cohort for revised Tokuhashi (REFERENCE §6.1).
#   awk -v n=ROWS [-v seed=N] -f bench/batch/gen_cohort.awk > cohort.csv
# Columns: id plus the six items (KEYS.md §1). Skewed like a clinical series:
# few extraspinal/vertebral foci, common primaries first, Frankel mostly D/E;
# about 1% of kps and 0.5% of primary cells are empty (unknown -> incomplete).
# With n = 5,000,000 there are about 190,000 distinct combinations of the six
# items (which is what the result cache of `spinemets batch` sees).
BEGIN {
  srand(seed ? seed : 42);
  np = split("breast lung_nsclc prostate kidney lung colon myeloma thyroid rectum lung_sclc melanoma liver uterus unknown stomach pancreas bladder oesophagus lymphoma head_neck ovary cervix soft_tissue_sarcoma gallbladder neuroendocrine carcinoid osteosarcoma plasmacytoma leukaemia seminoma germ_cell_nonseminoma other", prim, " ");
  split("none removable unremovable", org, " ");
  split("A B C D E", fr, " ");
  print "id,kps,extraspinal_bone_metastases,vertebral_body_metastases,major_organ_metastases,primary,frankel";
  for (i = 1; i <= n; i++) {
    k = 10 * (1 + int(rand() * 10));
    e = int(rand() * rand() * 8);
    v = 1 + int(rand() * rand() * 6);
    o = org[1 + int(rand() * 3)];
    p = prim[1 + int(np * rand() * rand())];
    f = fr[1 + int(5 * sqrt(rand()))];
    if (rand() < 0.01) k = "";
    if (rand() < 0.005) p = "";
    printf "P%07d,%s,%d,%d,%s,%s,%s\n", i, k, e, v, o, p, f;
  }
}
