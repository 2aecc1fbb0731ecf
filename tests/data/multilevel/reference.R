# Reference values for jointworking.agreement, computed with R's `multilevel` package.
#
# Regenerate (from the repository root):
#
#     Rscript tests/data/multilevel/reference.R
#
# The script builds a few small deterministic data sets itself (written out literally or
# drawn with a fixed seed), takes subsets of two data sets shipped with `multilevel`
# (lq2002 and bh1996), writes every input to a CSV file next to this script and writes the
# results of rwg, rwg.j, awg, ad.m, ICC1 and ICC2 to reference.csv. Numbers are printed with
# 17 significant digits so that they round-trip exactly. The Python tests read only the
# CSV files; they never call R.

suppressPackageStartupMessages(library(multilevel))

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
out_dir <- if (length(script_arg) == 1) {
  dirname(normalizePath(sub("^--file=", "", script_arg)))
} else {
  getwd()
}

fmt <- function(v) {
  if (is.numeric(v)) sprintf("%.17g", v) else as.character(v)
}

write_input <- function(df, name) {
  out <- as.data.frame(lapply(df, fmt), stringsAsFactors = FALSE)
  write.csv(out, file.path(out_dir, name), row.names = FALSE, quote = FALSE)
}

results <- list()
add <- function(dataset, columns, fun, option, res, col) {
  results[[length(results) + 1]] <<- data.frame(
    dataset = dataset,
    columns = paste(columns, collapse = " "),
    fun = fun,
    option = option,
    group = as.character(res$grpid),
    value = fmt(res[[col]]),
    stringsAsFactors = FALSE
  )
}
add_icc <- function(dataset, column, df) {
  model <- aov(df[[column]] ~ as.factor(df$group))
  for (fun in c("ICC1", "ICC2")) {
    value <- if (fun == "ICC1") ICC1(model) else ICC2(model)
    results[[length(results) + 1]] <<- data.frame(
      dataset = dataset, columns = column, fun = fun, option = "", group = "",
      value = fmt(value), stringsAsFactors = FALSE
    )
  }
}
# Every index on one data set: `items` are the item columns, `low`/`high` the scale ends.
run_all <- function(dataset, df, items, low, high, icc_columns) {
  null_var <- ((high - low + 1)^2 - 1) / 12
  x <- df[, items, drop = FALSE]
  g <- df$group
  for (item in items[seq_len(min(2, length(items)))]) {
    for (ranvar in c(null_var, 1)) {
      add(dataset, item, "rwg", fmt(ranvar), rwg(df[[item]], g, ranvar = ranvar), "rwg")
    }
    add(dataset, item, "awg", paste(low, high), awg(df[[item]], g, range = c(low, high)), "a.wg")
    for (type in c("mean", "median")) {
      add(dataset, item, "ad.m", type, ad.m(df[[item]], g, type = type), "AD.M")
    }
  }
  if (length(items) > 1) {
    for (ranvar in c(null_var, 1)) {
      add(dataset, items, "rwg.j", fmt(ranvar), rwg.j(x, g, ranvar = ranvar), "rwg.j")
    }
    add(dataset, items, "awg", paste(low, high), awg(x, g, range = c(low, high)), "a.wg")
    for (type in c("mean", "median")) {
      add(dataset, items, "ad.m", type, ad.m(x, g, type = type), "AD.M")
    }
  }
  for (column in icc_columns) add_icc(dataset, column, df)
}

# --- synthetic_single: one 0-4 item, groups built to hit every edge case ---------------
set.seed(20240501)
single <- rbind(
  data.frame(group = "g01", x = 2),                     # group of one: NA everywhere
  data.frame(group = "g02", x = c(3, 3, 3, 3, 3)),      # zero variance
  data.frame(group = "g03", x = c(0, 0, 0, 4, 4, 4)),   # variance 4.8 > null variance 2
  data.frame(group = "g04", x = c(0, 4)),               # pair at the midpoint: a_wg = -1
  data.frame(group = "g05", x = c(3, 4)),               # pair off the midpoint: a_wg NA
  data.frame(group = "g06", x = c(0, 0, 0, 0)),         # all at the low end: a_wg = 1
  data.frame(group = "g07", x = c(4, 4, 4, 3)),         # mean too close to the end: a_wg NA
  data.frame(group = "g08", x = sample(0:4, 8, replace = TRUE)),
  data.frame(group = "g09", x = sample(0:4, 13, replace = TRUE, prob = c(1, 2, 4, 2, 1))),
  data.frame(group = "g10", x = sample(0:4, 7, replace = TRUE, prob = c(1, 1, 1, 4, 6)))
)
single <- single[sample(nrow(single)), ]  # rows not sorted by group
write_input(single, "synthetic_single.csv")
run_all("synthetic_single", single, "x", 0, 4, "x")

# --- synthetic_single_missing: the same item with NA answers ---------------------------
# With a single item R's listwise deletion equals jointworking's per-item deletion.
missing <- single
missing$x[c(2, 5, 11, 17, 23, 30, 31)] <- NA
write_input(missing, "synthetic_single_missing.csv")
run_all("synthetic_single_missing", missing, "x", 0, 4, "x")

# --- synthetic_multi: six 0-4 items ------------------------------------------------------
set.seed(7)
agreeing <- function(n, centre) {
  p <- exp(-abs(0:4 - centre))
  matrix(sample(0:4, n * 6, replace = TRUE, prob = p), nrow = n)
}
multi_x <- rbind(
  matrix(c(1, 2, 3, 4, 0, 2), nrow = 1),                          # h01: group of one
  matrix(rep(c(3, 2, 3, 1, 2, 3), each = 4), nrow = 4),           # h02: zero variance
  matrix(rep(c(0, 4), times = 3 * 6), nrow = 6),                  # h03: variance 4.8 > 2
  matrix(rep(c(3, 4, 4, 4), times = 6), nrow = 4),                # h04: every item a_wg NA
  cbind(matrix(rep(c(3, 4, 4, 4), times = 3), nrow = 4),
        matrix(c(4, 4, 4, 4, 2, 3, 1, 2, 0, 0, 0, 0), nrow = 4)), # h05: some items a_wg NA
  agreeing(5, 3),                                                 # h06
  agreeing(9, 1),                                                 # h07
  agreeing(12, 2),                                                # h08
  matrix(sample(0:4, 3 * 6, replace = TRUE), nrow = 3)            # h09
)
colnames(multi_x) <- sprintf("q%02d", 1:6)
multi <- data.frame(
  group = rep(sprintf("h%02d", 1:9), times = c(1, 4, 6, 4, 4, 5, 9, 12, 3)),
  multi_x
)
multi$score <- rowMeans(multi_x)
multi <- multi[sample(nrow(multi)), ]
write_input(multi, "synthetic_multi.csv")
run_all("synthetic_multi", multi, colnames(multi_x), 0, 4, c("q01", "score"))

# --- lq2002: the first 12 companies, leadership items (1-5) and hostility items (0-4) ---
data(lq2002)
lq <- lq2002[lq2002$COMPID %in% sort(unique(lq2002$COMPID))[1:12], ]
lead <- sprintf("LEAD%02d", 1:11)
hostil <- sprintf("HOSTIL%02d", 1:5)
lq <- data.frame(group = lq$COMPID, lq[, c(lead, hostil, "LEAD", "HOSTILE")])
write_input(lq, "lq2002_subset.csv")
run_all("lq2002_lead", lq, lead, 1, 5, "LEAD")
run_all("lq2002_hostil", lq, hostil, 0, 4, "HOSTILE")

# --- bh1996: the first 30 groups, ICC of well-being, cohesion and work hours ------------
data(bh1996)
bh <- bh1996[bh1996$GRP <= 30, ]
bh <- data.frame(group = bh$GRP, WBEING = bh$WBEING, COHES = bh$COHES, HRS = bh$HRS)
write_input(bh, "bh1996_subset.csv")
for (column in c("WBEING", "COHES", "HRS")) add_icc("bh1996", column, bh)

reference <- do.call(rbind, results)
write.csv(reference, file.path(out_dir, "reference.csv"), row.names = FALSE, quote = FALSE)
writeLines(
  c(R.version.string, paste("multilevel", as.character(packageVersion("multilevel")))),
  file.path(out_dir, "versions.txt")
)
