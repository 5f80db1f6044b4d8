/* placeholder, filled in below */
#include "../command.h"

const struct command doctor_commands[] = {
    { NULL },
};
