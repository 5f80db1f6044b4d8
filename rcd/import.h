/*
 * rcd import-mongodump: a Rocket.Chat mongodump folder into an empty rcd
 * database, in one transaction, keeping ids and password hashes.
 */
#ifndef RCD_IMPORT_H
#define RCD_IMPORT_H

/*
 * Run `rcd import-mongodump DIR [--db FILE] [--dry-run]`; argv[0] is
 * "import-mongodump". usage is printed for -h and on a usage error.
 * Reports one line per collection on stderr. Returns the exit status: 0
 * imported (or dry run done), 1 failed with the database left as it was,
 * 2 usage error.
 */
int import_main(int argc, char **argv, const char *usage);

#endif
