/*
 * Terminal prompts and first-line reads for passwords, tokens and 2FA
 * codes. The terminal's echo is always restored, even on error.
 */
#include "prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../shared/buf.h"

#define LINE_MAX_BYTES 4096   /* longest secret or code we accept */

int prompt_is_interactive(void)
{
    return isatty(STDIN_FILENO);
}

void prompt_free(char *secret)
{
    volatile char *p = secret;

    if (!secret)
        return;
    while (*p)
        *p++ = '\0';
    free(secret);
}

/*
 * Read up to a newline from fd into a new string. Returns NULL at end of
 * input before any byte, or on a read error (errno set), or when the line
 * is longer than LINE_MAX_BYTES (errno EMSGSIZE).
 */
static char *read_line_fd(int fd)
{
    struct buf b = BUF_INIT;
    char c;

    for (;;) {
        ssize_t n = read(fd, &c, 1);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        if (n == 0) {
            if (!b.len) {
                errno = 0;
                goto fail;
            }
            break;
        }
        if (c == '\n')
            break;
        if (b.len >= LINE_MAX_BYTES) {
            errno = EMSGSIZE;
            goto fail;
        }
        buf_addc(&b, c);
    }
    if (b.len && b.data[b.len - 1] == '\r')
        b.data[--b.len] = '\0';
    return buf_detach(&b, NULL);
fail:
    if (b.cap)
        memset(b.data, 0, b.cap);
    buf_release(&b);
    return NULL;
}

char *prompt_tty(const char *question, int secret)
{
    struct termios old, quiet;
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    int restore = 0;
    char *line;
    ssize_t unused;

    if (fd < 0)
        return NULL;
    unused = write(fd, question, strlen(question));
    if (secret && tcgetattr(fd, &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        /* TCSANOW, not TCSAFLUSH: a pasted answer may already wait. */
        restore = tcsetattr(fd, TCSANOW, &quiet) == 0;
    }
    line = read_line_fd(fd);
    if (restore)
        tcsetattr(fd, TCSANOW, &old);
    (void)unused;
    close(fd);
    return line;
}

char *prompt_file_line(const char *path, struct buf *why)
{
    int is_stdin = !strcmp(path, "-");
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    char *line;

    if (fd < 0) {
        buf_addf(why, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    errno = 0;
    line = read_line_fd(fd);
    if (!line) {
        if (errno == EMSGSIZE)
            buf_addf(why, "first line of '%s' is too long", path);
        else if (errno)
            buf_addf(why, "cannot read '%s': %s", path, strerror(errno));
        else
            buf_addf(why, "'%s' is empty", is_stdin ? "stdin" : path);
    } else if (!*line) {
        buf_addf(why, "first line of '%s' is empty", is_stdin ? "stdin" : path);
        prompt_free(line);
        line = NULL;
    }
    if (!is_stdin)
        close(fd);
    return line;
}
