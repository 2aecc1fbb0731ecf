# Reference values for jointworking.reliability, computed with R's `psych` package.
#
# Regenerate (from the repository root):
#
#     Rscript tests/data/psych/reference.R
#
# Needs the R packages `psych` and `GPArotation` (which `psych::omega` loads). The files in
# this folder were produced with R 4.2.2 Patched (2022-11-10 r83330) and psych 2.2.9, as
# recorded in versions.txt.
#
# The script draws a few synthetic surveys with fixed seeds (`set.seed`, R >= 3.6
# sampling), writes each to a CSV file next to this script (`NA` for a missing answer) and
# writes what `psych::alpha` and `psych::omega(x, nfactors = 1)` give on them to
# reference.csv, every number with 17 significant digits so that it round-trips exactly.
# The Python tests read only the CSV files; they never call R.
#
# reference.csv has the columns `dataset, statistic, item, value`:
#
#   raw_alpha, std.alpha, average_r   alpha(x)$total (item empty)
#   alpha.drop                        alpha(x)$alpha.drop$raw_alpha, one row per item
#   r.drop                            alpha(x)$item.stats$r.drop, one row per item
#   omega.tot                         omega(x, nfactors = 1)$omega.tot (item empty)
#   loading                           the one-factor minres loadings behind omega.tot,
#                                     omega(x, nfactors = 1)$schmid$orthog, one row per item
#
# psych::alpha leaves out an item that does not vary (with a warning), so it has no
# alpha.drop or r.drop row for it; psych::omega stops on such an item (its correlations are
# undefined), so omega is computed on the items that vary. With two items psych reports
# C[1, 2] / C[2, 2] (and C[1, 2] / C[1, 1]) as the alpha of the single item left, which is
# written here as psych gives it.

suppressPackageStartupMessages({
  library(psych)
  library(GPArotation)
})

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
out_dir <- if (length(script_arg) == 1) {
  dirname(normalizePath(sub("^--file=", "", script_arg)))
} else {
  getwd()
}

fmt <- function(v) sprintf("%.17g", v)

# A survey of 0-4 answers from a one-factor model: item j is the latent score times
# loadings[j] plus noise, cut at fixed thresholds into five ordered categories.
draw_survey <- function(n, loadings, thresholds = c(-1.4, -0.5, 0.4, 1.3)) {
  latent <- rnorm(n)
  x <- sapply(loadings, function(l) {
    findInterval(l * latent + sqrt(1 - l^2) * rnorm(n), thresholds)
  })
  colnames(x) <- sprintf("q%02d", seq_along(loadings))
  x
}

# Blank out a share of the answers at random (missing completely at random).
blank <- function(x, share) {
  x[sample(length(x), round(share * length(x)))] <- NA
  x
}

write_survey <- function(x, name) {
  out <- as.data.frame(x)
  write.csv(out, file.path(out_dir, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
}

results <- list()
add <- function(dataset, statistic, item, value) {
  results[[length(results) + 1]] <<- data.frame(
    dataset = dataset, statistic = statistic, item = item, value = fmt(value),
    stringsAsFactors = FALSE
  )
}

run_psych <- function(name, x) {
  write_survey(x, name)
  # alpha prints a note about negatively related items besides its warning: hide both.
  invisible(capture.output(a <- suppressWarnings(alpha(x))))
  add(name, "raw_alpha", "", a$total$raw_alpha)
  add(name, "std.alpha", "", a$total$std.alpha)
  add(name, "average_r", "", a$total$average_r)
  kept <- rownames(a$alpha.drop)
  add(name, "alpha.drop", kept, a$alpha.drop$raw_alpha)
  add(name, "r.drop", rownames(a$item.stats), a$item.stats$r.drop)
  varies <- apply(x, 2, function(column) {
    s <- sd(column, na.rm = TRUE)
    !is.na(s) && s > 0
  })
  o <- suppressMessages(suppressWarnings(
    omega(x[, varies, drop = FALSE], nfactors = 1, plot = FALSE)
  ))
  add(name, "omega.tot", "", o$omega.tot)
  add(name, "loading", colnames(x)[varies], o$schmid$orthog[, 1])
}

# --- complete: ten 0-4 items, 120 respondents, no missing answers ----------------------
set.seed(20240611)
complete <- draw_survey(120, c(0.75, 0.70, 0.65, 0.60, 0.55, 0.70, 0.50, 0.45, 0.65, 0.40))
run_psych("complete", complete)

# --- missing: ten 0-4 items, 160 respondents, about 7% of answers missing --------------
# One respondent answered nothing; psych still counts the row.
set.seed(20240612)
missing <- draw_survey(160, c(0.70, 0.65, 0.60, 0.72, 0.50, 0.55, 0.68, 0.45, 0.62, 0.58))
missing <- blank(missing, 0.07)
missing[37, ] <- NA
run_psych("missing", missing)

# --- constant: six 0-4 items, 40 respondents, q04 always answered 2, some missing ------
set.seed(20240613)
constant <- draw_survey(40, c(0.70, 0.60, 0.65, 0.50, 0.55, 0.60))
constant[, "q04"] <- 2
constant <- blank(constant, 0.05)
run_psych("constant", constant)

# --- reversed: eight 0-4 items, 100 respondents, q05 worded the other way round --------
# (negatively related to the others, not reversed before scoring), some missing answers.
set.seed(20240614)
reversed <- draw_survey(100, c(0.70, 0.65, 0.60, 0.55, -0.60, 0.50, 0.65, 0.45))
reversed <- blank(reversed, 0.04)
run_psych("reversed", reversed)

# --- two_items: two 0-4 items, 30 respondents --------------------------------------------
set.seed(20240615)
two_items <- draw_survey(30, c(0.70, 0.60))
run_psych("two_items", two_items)

# --- small, small_missing: the example of the module's documentation ---------------------
# Eight respondents, four 0-4 items; the second copy has two answers missing.
small <- matrix(
  c(2, 2, 1, 0,
    0, 2, 1, 0,
    2, 1, 1, 1,
    2, 3, 2, 2,
    4, 4, 2, 3,
    1, 2, 1, 2,
    1, 1, 1, 1,
    0, 0, 1, 0),
  ncol = 4, byrow = TRUE, dimnames = list(NULL, sprintf("q%02d", 1:4))
)
run_psych("small", small)
small_missing <- small
small_missing[2, 4] <- NA
small_missing[6, 1] <- NA
run_psych("small_missing", small_missing)

reference <- do.call(rbind, results)
write.csv(reference, file.path(out_dir, "reference.csv"), row.names = FALSE, quote = FALSE)
writeLines(
  c(
    R.version.string,
    paste("psych", as.character(packageVersion("psych"))),
    paste("GPArotation", as.character(packageVersion("GPArotation")))
  ),
  file.path(out_dir, "versions.txt")
)
