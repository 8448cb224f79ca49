/* A small hand-written sentiment lexicon (ar, Darija in both scripts, fr,
 * en), used as extra classifier features so that frequent opinion words
 * rare in the training data ("nul", "خايب", "khayeb") still count. */
#ifndef MAJLIS_TEXT_LEXICON_H
#define MAJLIS_TEXT_LEXICON_H
#include <stddef.h>

/* +1 when the folded word w[0..n) (normalize.h, TEXT_NORM_FOLD) is a positive
 * word, -1 negative, 0 otherwise. Arabic words are also tried without a
 * leading و / ال / وال / بال / لل. Thread-safe. */
int text_lexicon_polarity(const char *w, size_t n);

#endif
