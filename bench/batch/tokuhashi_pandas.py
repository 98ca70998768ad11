#!/usr/bin/env python3
"""Revised Tokuhashi (REFERENCE.md section 6.1) over a CSV file with pandas,
vectorised: the baseline of bench/batch/run.sh for `spinemets batch`.

    python3 tokuhashi_pandas.py IN.csv OUT.csv

Same output as `spinemets batch IN.csv --instrument tokuhashi_revised` on the
generated cohort (bench/batch/gen_cohort.awk): the input columns, then
tokuhashi_revised_total, _band, _status, _reason, with the same rules: an empty
cell is unknown (never 0) and widens the range; the band is given when every
completion falls in one band; the reason of an incomplete row is
"missing: ITEMS; range LO-HI". Invalid rows get "ITEM: not an allowed value"
(the engine's messages are longer; the generated cohort has no invalid cells).
Items read: kps (ecog is not handled here), extraspinal_bone_metastases,
vertebral_body_metastases, major_organ_metastases, primary, frankel.
"""
import sys

import numpy as np
import pandas as pd

# Primary-site points: REFERENCE §6.1 and the catalogue's tokuhashi_points
# (src/core/histology.c): lung, osteosarcoma, stomach, bladder, oesophagus,
# pancreas 0; liver, gallbladder, unidentified 1; others 2; kidney, uterus 3;
# rectum 4; thyroid, breast, prostate, carcinoid 5.
PRIMARY = {
    "breast": 5, "lung_nsclc": 0, "lung_sclc": 0, "lung": 0, "prostate": 5, "kidney": 3,
    "thyroid": 5, "colon": 2, "rectum": 4, "stomach": 0, "oesophagus": 0, "pancreas": 0,
    "liver": 1, "gallbladder": 1, "bladder": 0, "uterus": 3, "cervix": 2, "ovary": 2,
    "head_neck": 2, "melanoma": 2, "soft_tissue_sarcoma": 2, "osteosarcoma": 0,
    "myeloma": 2, "plasmacytoma": 2, "lymphoma": 2, "leukaemia": 2, "seminoma": 2,
    "germ_cell_nonseminoma": 2, "neuroendocrine": 2, "carcinoid": 5, "neuroblastoma": 2,
    "ewing_sarcoma": 2, "rhabdomyosarcoma": 2, "wilms": 2, "medulloblastoma": 2,
    "retinoblastoma": 2, "teratoma": 2, "other": 2, "unknown": 1,
}
ORGANS = {"none": 2, "removable": 1, "unremovable": 0}
FRANKEL = {"A": 0, "B": 0, "C": 1, "D": 1, "E": 2}
BANDS = [(0, 8, "lt_6_months"), (9, 11, "ge_6_months"), (12, 15, "ge_12_months")]
ITEMS = ["kps", "extraspinal_bone_metastases", "vertebral_body_metastases",
         "major_organ_metastases", "primary", "frankel"]


def integers(col):
    """(value, missing, bad) for a column of integer text."""
    missing = (col == "").to_numpy()
    num = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    bad = ~missing & (np.isnan(num) | (np.floor(num) != num))
    return np.nan_to_num(num), missing, bad


def words(col, table, hi):
    """(lo points, hi points, missing, bad) for a column of words."""
    missing = (col == "").to_numpy()
    pts = col.map(table).to_numpy(dtype=float)
    bad = ~missing & np.isnan(pts)
    known = ~missing & ~bad
    p = np.nan_to_num(pts).astype(np.int64)
    return np.where(known, p, 0), np.where(known, p, hi), missing, bad


def band_of(t):
    out = np.full(t.shape, "", dtype=object)
    for lo, hi, key in BANDS:
        out[(t >= lo) & (t <= hi)] = key
    return out


def main(src, dst):
    df = pd.read_csv(src, dtype=str, keep_default_na=False, na_filter=False)
    lo, hi, missing, bad = {}, {}, {}, {}

    k, missing["kps"], b = integers(df["kps"])
    bad["kps"] = b | (~missing["kps"] & ((k < 0) | (k > 100) | (k % 10 != 0)))
    p = np.where(k >= 80, 2, np.where(k >= 50, 1, 0))
    lo["kps"] = np.where(missing["kps"], 0, p)
    hi["kps"] = np.where(missing["kps"], 2, p)

    e, missing["extraspinal_bone_metastases"], b = integers(df["extraspinal_bone_metastases"])
    bad["extraspinal_bone_metastases"] = b | (~missing["extraspinal_bone_metastases"] & (e < 0))
    p = np.where(e >= 3, 0, np.where(e >= 1, 1, 2))
    lo["extraspinal_bone_metastases"] = np.where(missing["extraspinal_bone_metastases"], 0, p)
    hi["extraspinal_bone_metastases"] = np.where(missing["extraspinal_bone_metastases"], 2, p)

    v, missing["vertebral_body_metastases"], b = integers(df["vertebral_body_metastases"])
    bad["vertebral_body_metastases"] = b | (~missing["vertebral_body_metastases"] & (v < 1))
    p = np.where(v >= 3, 0, np.where(v == 2, 1, 2))
    lo["vertebral_body_metastases"] = np.where(missing["vertebral_body_metastases"], 0, p)
    hi["vertebral_body_metastases"] = np.where(missing["vertebral_body_metastases"], 2, p)

    for item, table, top in (("major_organ_metastases", ORGANS, 2), ("primary", PRIMARY, 5),
                             ("frankel", FRANKEL, 2)):
        lo[item], hi[item], missing[item], bad[item] = words(df[item], table, top)

    tlo = sum(lo[i] for i in ITEMS)
    thi = sum(hi[i] for i in ITEMS)
    invalid = np.logical_or.reduce([bad[i] for i in ITEMS])
    anymiss = np.logical_or.reduce([missing[i] for i in ITEMS])
    ok = ~invalid & ~anymiss
    incomplete = ~invalid & anymiss

    blo, bhi = band_of(tlo), band_of(thi)
    band = np.where(~invalid & (blo == bhi), blo, "")
    total = np.where(ok, tlo.astype(str), "")
    status = np.where(invalid, "invalid", np.where(ok, "ok", "incomplete"))

    reason = np.full(len(df), "", dtype=object)
    idx = np.flatnonzero(incomplete)
    if len(idx):
        names = pd.Series("", index=idx, dtype=object)
        for i in ITEMS:
            m = missing[i][idx]
            names = names.where(~m, names + np.where(names == "", "", ", ") + i)
        reason[idx] = ("missing: " + names + "; range " + pd.Series(tlo[idx], index=idx).astype(str)
                       + "-" + pd.Series(thi[idx], index=idx).astype(str)).to_numpy()
    idx = np.flatnonzero(invalid)
    if len(idx):
        first = pd.Series("", index=idx, dtype=object)
        for i in reversed(ITEMS):
            first = first.where(~bad[i][idx], i)
        reason[idx] = (first + ": not an allowed value").to_numpy()

    df["tokuhashi_revised_total"] = total
    df["tokuhashi_revised_band"] = band
    df["tokuhashi_revised_status"] = status
    df["tokuhashi_revised_reason"] = reason
    df.to_csv(dst, index=False, lineterminator="\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: tokuhashi_pandas.py IN.csv OUT.csv")
    main(sys.argv[1], sys.argv[2])
