#!/usr/bin/env bash
# k-fold cross-validation from the shell, through the DVC pipeline's k-fold stages with parameter overrides:
#   ./run_kfold_cv.sh --k=5 --epochs=20 --batch-size=8 --img-size=640 [--patience=5] [--project=slug]
# Runs `dvc exp run -S ... kfold_model_training` (which runs the stages it depends on), then prints the
# per-fold table and mean ± std. --dry-run prints the dvc command instead of running it.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  cat >&2 <<'USAGE'
usage: ./run_kfold_cv.sh --k=N [--epochs=N] [--batch-size=N] [--img-size=N] [--patience=N] [--project=SLUG] [--dry-run]
  --k           number of folds (>= 2)            --epochs      epochs per fold model (detection: kfold_epochs)
  --batch-size  images per batch (detection)      --img-size    square input size in pixels (detection)
  --patience    early-stopping patience           --project     project slug (default: params.yaml PROJECT)
USAGE
  exit 2
}

declare -A keys=([k]=K_FOLDS [epochs]=object_detection.kfold_epochs [batch-size]=BATCH_SIZE [img-size]=IMG_SIZE [patience]=PATIENCE)
overrides=() dry_run=0 have_k=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=1 ;;
    -h|--help) usage ;;
    --project=*)
      value=${arg#--project=}
      [[ $value =~ ^[a-z0-9][a-z0-9-]{0,63}$ ]] || { echo "invalid --project: '$value'" >&2; usage; }
      overrides+=(-S "PROJECT=$value") ;;
    --*=*)
      name=${arg%%=*}; name=${name#--}; value=${arg#*=}
      [[ -n ${keys[$name]:-} ]] || { echo "unknown flag: --$name" >&2; usage; }
      [[ $value =~ ^[0-9]+$ && $value -gt 0 ]] || { echo "--$name needs a positive whole number, got '$value'" >&2; usage; }
      [[ $name != k || $value -ge 2 ]] || { echo "--k must be at least 2" >&2; usage; }
      [[ $name == k ]] && have_k=1
      overrides+=(-S "${keys[$name]}=$value") ;;
    *) echo "unexpected argument: '$arg'" >&2; usage ;;
  esac
done
[[ $have_k == 1 ]] || { echo "--k is required" >&2; usage; }

command=(dvc exp run "${overrides[@]}" kfold_model_training)
if [[ $dry_run == 1 ]]; then
  printf '%q ' "${command[@]}"; echo
  exit 0
fi
[[ -x .venv/bin/python ]] && export PATH="$PWD/.venv/bin:$PATH"
"${command[@]}"
python - <<'PY'
import csv, json
rows = list(csv.DictReader(open("kfold_results.csv")))
if rows:
    cols = list(rows[0])
    print("  ".join(f"{c:>10}" for c in cols))
    for row in rows:
        print("  ".join(f"{row[c]:>10}" for c in cols))
summary = json.load(open("metrics/kfold.json"))
if summary.get("skipped"):
    print("k-fold skipped:", summary["skipped"])
for name, mean in summary.get("mean", {}).items():
    print(f"{name}: {mean:.4f} ± {summary['std'][name]:.4f} over {summary['k']} folds")
PY
