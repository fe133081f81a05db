#include "server/http-server.h"
