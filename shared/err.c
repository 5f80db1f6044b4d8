/* Names of the shared error codes. */
#include "err.h"

const char *err_name(enum err e)
{
    switch (e) {
    case ERR_OK:        return "ok";
    case ERR_INVALID:   return "invalid";
    case ERR_AUTH:      return "auth";
    case ERR_DENIED:    return "denied";
    case ERR_NOT_FOUND: return "not-found";
    case ERR_EXISTS:    return "exists";
    case ERR_IO:        return "io";
    }
    return "unknown";
}
