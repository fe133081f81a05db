#include "server/server-config.h"
