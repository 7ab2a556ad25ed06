#ifndef CLIBEDIT_SHIM_H
#define CLIBEDIT_SHIM_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <editline/readline.h>

/* libedit's settings are mutable C globals, which Swift 6 will not touch directly; these
   accessors are called only from the console's one thread. */
/* Completion goes through rl_attempted_completion_function (`attempt`, which answers with
   rl_completion_matches over the console's generator and calls supportdesk_completion_over):
   libedit quotes a match it found itself as a file name (`jane\@acme.example`), but inserts what
   an attempted-completion function returns as it is. */
static inline void supportdesk_completion_over(void) {
    rl_attempted_completion_over = 1;
}

static inline void supportdesk_configure_completion(rl_compentry_func_t *generator, rl_completion_func_t *attempt) {
    rl_readline_name = "support-desk";
    rl_attempted_completion_function = attempt;
    rl_basic_word_break_characters = strdup(" \t");
    rl_completer_word_break_characters = strdup(" \t");
    rl_completion_entry_function = generator;
}

/* Reads keys through `getc` instead of libedit's own reader (set before the first readline). */
static inline void supportdesk_set_getc(int (*getc)(FILE *)) {
    rl_getc_function = getc;
}

/* The line being edited, up to the cursor, as a new string the caller frees. */
static inline char *supportdesk_line_before_cursor(void) {
    if (rl_line_buffer == NULL) return strdup("");
    size_t length = strlen(rl_line_buffer);
    size_t cursor = rl_point < 0 ? 0 : (size_t)rl_point;
    if (cursor > length) cursor = length;
    return strndup(rl_line_buffer, cursor);
}
#endif
