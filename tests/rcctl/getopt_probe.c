/*
 * For tests/rcctl/complete.bats, loaded with LD_PRELOAD: the first
 * getopt_long() call a command makes prints its options ("name 0|1" a
 * line, 1: takes a value) and ends the process, before the command does
 * anything. So a test can compare each row's synopsis with the options
 * the command really parses.
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

int getopt_long(int argc, char *const argv[], const char *optstring,
                const struct option *longopts, int *longindex)
{
    (void)argc;
    (void)argv;
    (void)optstring;
    (void)longindex;
    for (const struct option *o = longopts; o && o->name; o++)
        printf("%s %d\n", o->name, o->has_arg != no_argument);
    printf("END\n");
    fflush(stdout);
    _exit(0);
}
