/*
 * Reading secrets and answers: a no-echo prompt on the terminal, the first
 * line of a file or of stdin. Nothing here ever takes a secret from argv,
 * and nothing here prints one.
 */
#ifndef RCCTL_PROMPT_H
#define RCCTL_PROMPT_H

struct buf;

/* 1 when stdin is a terminal, i.e. someone can answer a prompt. */
int prompt_is_interactive(void);

/*
 * Print question on /dev/tty and read one line from it, without echo when
 * secret is set. Returns the line without its newline (caller frees with
 * prompt_free()), or NULL when there is no terminal or on end of input.
 */
char *prompt_tty(const char *question, int secret);

/*
 * The first line of the file at path ("-" means stdin), without the line
 * end. Returns a string the caller frees with prompt_free(), or NULL with
 * the reason appended to *why. An empty first line is an error.
 */
char *prompt_file_line(const char *path, struct buf *why);

/* Overwrite a secret with zeros and free it. Accepts NULL. */
void prompt_free(char *secret);

#endif
