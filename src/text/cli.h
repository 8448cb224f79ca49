/* `majlis text ...`: the text engine's command line (wired by src/main.c).
 *   text sentiment [--model FILE] [--labels pos,neg[,neu]]  stdin lines -> label<TAB>confidence
 *   text lang                                  stdin lines -> ar | ar-Latn | fr | en | und
 *   text normalize [--lang ar|fr|en]           stdin lines -> normalised line
 *   text terms [--lang L]                      stdin lines -> index terms (stems), space-separated
 *   text pii                                   stdin lines -> masked line
 *   text simhash                               stdin lines -> 16 hex digits
 *   text eval --data FILE.tsv [--labels ..] [--model FILE] [--holdout K]
 *   text train --out FILE [--c C] [--bits B] [--holdout K] [--labels L,..] [--cv-seconds S] DATA.tsv...
 *        (each label is learnt only from the files that contain it)
 *   text bench --data FILE [--model FILE]      throughput figures
 * Output is one line per input line, in order, also for empty or invalid lines. */
#ifndef MAJLIS_TEXT_CLI_H
#define MAJLIS_TEXT_CLI_H

/* argv[0] is "text". Returns the process exit code (0 ok, 1 runtime error,
 * 2 usage error); messages go to stderr. */
int text_main(int argc, char **argv);

#endif
