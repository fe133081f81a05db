#include "server/http-types.h"
